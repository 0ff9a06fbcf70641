using System.Runtime.CompilerServices;

// the Jinja tests check the parser and the AST printer directly (round trips, random input)
[assembly: InternalsVisibleTo("Sirocco.Expressions.Tests")]

namespace Sirocco.Language.Tests;

/// <summary>
/// A small stand-in syntax check for the parser's expression callback (the real one lives in
/// Sirocco.Expressions, which this library must not depend on): it rejects unbalanced brackets and
/// YAQL's '$.__' (identifiers may not start with two underscores), enough to see the callback wired.
/// </summary>
internal static class TestExpressions
{
    public static string? Check(string text)
    {
        if (text.Contains("$.__", StringComparison.Ordinal))
        {
            return "Lexical error: illegal character '_'";
        }

        var depth = 0;
        foreach (var c in text)
        {
            depth += c switch { '(' or '[' => 1, ')' or ']' => -1, _ => 0 };
            if (depth < 0)
            {
                return "Parse error: unbalanced brackets";
            }
        }

        return depth == 0 ? null : "Parse error: unbalanced brackets";
    }
}

using System.Globalization;

namespace Sirocco.Expressions.Yaql;

/// <summary>yaql's YaqlGrammarException / YaqlLexicalException, with yaql's message text.</summary>
public sealed class YaqlParseException : Exception
{
    private YaqlParseException(string kind, string message, int? position)
        : base(message)
    {
        Kind = kind;
        Position = position;
    }

    /// <summary><c>YaqlGrammarException</c> or <c>YaqlLexicalException</c>.</summary>
    public string Kind { get; }

    /// <summary>0-based offset, or null for "unexpected end of statement".</summary>
    public int? Position { get; }

    /// <summary>An illegal character.</summary>
    public static YaqlParseException Lexical(string value, int position) =>
        new("YaqlLexicalException", string.Create(CultureInfo.InvariantCulture, $"Lexical error: illegal character '{value}' at position {position}"), position);

    /// <summary>An unexpected token.</summary>
    public static YaqlParseException Grammar(string expression, Token token)
    {
        if (token.Kind == TokenKind.End)
        {
            return new("YaqlGrammarException", "Parse error: unexpected end of statement", null);
        }
        var value = token.Value switch
        {
            null => "None",
            bool b => b ? "True" : "False",
            double d => Sirocco.Values.Py.FloatRepr(d),
            _ => Convert.ToString(token.Value, CultureInfo.InvariantCulture),
        };
        return new("YaqlGrammarException", string.Create(CultureInfo.InvariantCulture, $"Parse error: unexpected '{value}' at position {token.Position} of expression '{expression}'"), token.Position);
    }
}

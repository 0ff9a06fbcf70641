using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Sirocco.Expressions.Yaql;

/// <summary>Kinds of YAQL tokens (yaql's lexer rules).</summary>
public enum TokenKind
{
    /// <summary>End of the expression.</summary>
    End,
    /// <summary><c>$</c>, <c>$name</c>.</summary>
    Dollar,
    /// <summary>Integer or float literal.</summary>
    Number,
    /// <summary>A name immediately followed by <c>(</c>.</summary>
    Func,
    /// <summary>A bare identifier.</summary>
    Keyword,
    /// <summary>A quoted string of any quote kind.</summary>
    String,
    /// <summary><c>true</c>, <c>false</c>, <c>null</c>.</summary>
    Literal,
    /// <summary>An operator (symbol or word).</summary>
    Operator,
    /// <summary><c>=&gt;</c>.</summary>
    Mapping,
    /// <summary><c>[</c>.</summary>
    Indexer,
    /// <summary><c>{</c>.</summary>
    Map,
    /// <summary>One of <c>( ) ] , }</c>.</summary>
    Punct,
}

/// <summary>One token: <see cref="Text"/> is the source text (operators, names), <see cref="Value"/> the decoded value yaql reports in errors.</summary>
public readonly record struct Token(TokenKind Kind, string Text, object? Value, int Position);

/// <summary>
/// yaql 2.0's lexer, rule for rule: the rules are tried in yaql's (ply's) order with the same regular expressions, so that
/// odd inputs split the way yaql splits them (<c>1.5e3</c> is a lexical error at <c>5</c>, <c>__x</c> at <c>_</c>).
/// </summary>
public static partial class Lexer
{
    private static readonly HashSet<string> WordOperators = new(StringComparer.Ordinal) { "mod", "in", "not", "and", "or" };

    // ply tries string rules by decreasing regex length (re.escape'd); equal lengths do not overlap in practice.
    private static readonly string[] SymbolOperators = ["?.", "=~", "!~", "->", "=>", ">=", "<=", "!=", ".", "+", "-", "*", "[", "/", ">", "<", "=", "{"];

    /// <summary>Splits an expression into tokens, ending with an <see cref="TokenKind.End"/> token.</summary>
    /// <exception cref="YaqlParseException">an illegal character (YaqlLexicalException).</exception>
    public static List<Token> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<Token>();
        var pos = 0;
        while (true)
        {
            while (pos < text.Length && text[pos] is ' ' or '\t' or '\r' or '\n')
            {
                pos++;
            }
            if (pos >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, string.Empty, null, text.Length));
                return tokens;
            }
            tokens.Add(Next(text, ref pos));
        }
    }

    /// <summary>Reads the token at <paramref name="pos"/> (skipping blanks) and advances past it.</summary>
    public static Token NextToken(string text, ref int pos)
    {
        ArgumentNullException.ThrowIfNull(text);
        while (pos < text.Length && text[pos] is ' ' or '\t' or '\r' or '\n')
        {
            pos++;
        }
        return pos >= text.Length ? new Token(TokenKind.End, string.Empty, null, text.Length) : Next(text, ref pos);
    }

    private static Token Next(string text, ref int pos)
    {
        var start = pos;
        Match m;
        if ((m = DollarRule().Match(text, pos)).Success)
        {
            pos += m.Length;
            return new Token(TokenKind.Dollar, m.Value, m.Value, start);
        }
        if ((m = NumberRule().Match(text, pos)).Success)
        {
            pos += m.Length;
            return new Token(TokenKind.Number, m.Value, ParseNumber(m.Value), start);
        }
        if ((m = FuncRule().Match(text, pos)).Success)
        {
            pos += m.Length;
            var name = m.Value[..^1];
            return new Token(TokenKind.Func, name, name, start);
        }
        if ((m = KeywordRule().Match(text, pos)).Success)
        {
            pos += m.Length;
            var word = m.Value;
            if (WordOperators.Contains(word))
            {
                return new Token(TokenKind.Operator, word, word, start);
            }
            return word switch
            {
                "true" => new Token(TokenKind.Literal, word, true, start),
                "false" => new Token(TokenKind.Literal, word, false, start),
                "null" => new Token(TokenKind.Literal, word, null, start),
                _ => new Token(TokenKind.Keyword, word, word, start),
            };
        }
        if ((m = SingleQuotedRule().Match(text, pos)).Success || (m = DoubleQuotedRule().Match(text, pos)).Success)
        {
            pos += m.Length;
            return new Token(TokenKind.String, m.Value, DecodeEscapes(m.Value[1..^1], start), start);
        }
        if ((m = VerbatimRule().Match(text, pos)).Success)
        {
            pos += m.Length;
            return new Token(TokenKind.String, m.Value, m.Value[1..^1].Replace("\\`", "`", StringComparison.Ordinal), start);
        }
        foreach (var op in SymbolOperators)
        {
            if (string.CompareOrdinal(text, pos, op, 0, op.Length) == 0)
            {
                pos += op.Length;
                var kind = op switch
                {
                    "=>" => TokenKind.Mapping,
                    "[" => TokenKind.Indexer,
                    "{" => TokenKind.Map,
                    _ => TokenKind.Operator,
                };
                return new Token(kind, op, op, start);
            }
        }
        if (text[pos] is '(' or ')' or ']' or ',' or '}')
        {
            pos++;
            var p = text[start].ToString();
            return new Token(TokenKind.Punct, p, p, start);
        }
        var bad = char.IsSurrogatePair(text, pos) ? text.Substring(pos, 2) : text[pos].ToString();
        throw YaqlParseException.Lexical(bad, pos);
    }

    private static object ParseNumber(string text)
    {
        if (text.Contains('.', StringComparison.Ordinal))
        {
            return double.Parse(Ascii(text), NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        var ascii = Ascii(text);
        if (long.TryParse(ascii, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        return BigInteger.Parse(ascii, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    // Python's int()/float() accept any Unicode decimal digit, as \d matches them.
    private static string Ascii(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(c == '.' ? '.' : (char)('0' + (int)char.GetNumericValue(c)));
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>unicode-escape</c> decoding of the escape sequences yaql recognises; anything else stays as written.</summary>
    public static string DecodeEscapes(string s, int position)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }
            var n = s[i + 1];
            switch (n)
            {
                case '\\': sb.Append('\\'); i++; continue;
                case '\'': sb.Append('\''); i++; continue;
                case '"': sb.Append('"'); i++; continue;
                case 'a': sb.Append('\a'); i++; continue;
                case 'b': sb.Append('\b'); i++; continue;
                case 'f': sb.Append('\f'); i++; continue;
                case 'n': sb.Append('\n'); i++; continue;
                case 'r': sb.Append('\r'); i++; continue;
                case 't': sb.Append('\t'); i++; continue;
                case 'v': sb.Append('\v'); i++; continue;
                case 'x' or 'u' or 'U':
                    {
                        var digits = n == 'x' ? 2 : n == 'u' ? 4 : 8;
                        if (i + 2 + digits > s.Length)
                        {
                            sb.Append(c);
                            continue;
                        }
                        var hex = s.Substring(i + 2, digits);
                        if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) || code > 0x10FFFF)
                        {
                            throw YaqlParseException.Lexical("\\", position);
                        }
                        sb.Append(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code));
                        i += 1 + digits;
                        continue;
                    }
                default:
                    if (n is >= '0' and <= '7')
                    {
                        var j = i + 1;
                        var value = 0;
                        while (j < s.Length && j < i + 4 && s[j] is >= '0' and <= '7')
                        {
                            value = (value * 8) + (s[j] - '0');
                            j++;
                        }
                        sb.Append((char)value);
                        i = j - 1;
                        continue;
                    }
                    sb.Append(c);
                    continue;
            }
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\G\$\w*", RegexOptions.CultureInvariant)]
    private static partial Regex DollarRule();

    [GeneratedRegex(@"\G\b\d+(\.?\d+)?\b", RegexOptions.CultureInvariant)]
    private static partial Regex NumberRule();

    [GeneratedRegex(@"\G\b[^\W\d]\w*\(", RegexOptions.CultureInvariant)]
    private static partial Regex FuncRule();

    [GeneratedRegex(@"\G(?!__)\b[^\W\d]\w*\b", RegexOptions.CultureInvariant)]
    private static partial Regex KeywordRule();

    [GeneratedRegex(@"\G'([^'\\]|\\.)*'", RegexOptions.CultureInvariant)]
    private static partial Regex SingleQuotedRule();

    [GeneratedRegex(@"\G""([^""\\]|\\.)*""", RegexOptions.CultureInvariant)]
    private static partial Regex DoubleQuotedRule();

    [GeneratedRegex(@"\G`([^`\\]|\\.)*`", RegexOptions.CultureInvariant)]
    private static partial Regex VerbatimRule();
}

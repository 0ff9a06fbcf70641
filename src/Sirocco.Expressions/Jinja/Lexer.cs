using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Expressions.Jinja;

internal enum TokenType
{
    Data,
    VariableBegin,
    VariableEnd,
    BlockBegin,
    BlockEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    Eof,
}

/// <summary>One lexical token. <see cref="Value"/> is the text (names, operators, data) or the literal value.</summary>
internal readonly record struct Token(TokenType Type, object? Value, int Position)
{
    public string Text => Value as string ?? string.Empty;

    public bool IsOp(string op) => Type == TokenType.Operator && (string?)Value == op;

    public bool IsName(string name) => Type == TokenType.Name && (string?)Value == name;

    /// <summary>How Jinja names a token in error messages.</summary>
    public string Describe() => Type switch
    {
        TokenType.Name or TokenType.Operator => Text,
        TokenType.String => "string",
        TokenType.Integer => "integer",
        TokenType.Float => "float",
        TokenType.VariableBegin => "begin of print statement",
        TokenType.VariableEnd => "end of print statement",
        TokenType.BlockBegin => "begin of statement block",
        TokenType.BlockEnd => "end of statement block",
        TokenType.Data => "template data / text",
        _ => "end of template",
    };
}

/// <summary>
/// Splits a template into tokens with Mistral's environment settings: <c>trim_blocks</c> and <c>lstrip_blocks</c> on,
/// <c>-</c>/<c>+</c> whitespace control, <c>{# #}</c> comments, <c>{% raw %}</c>, one trailing newline dropped.
/// In expression mode the whole text is the inside of one <c>{{ }}</c> (Jinja's <c>compile_expression</c>).
/// </summary>
internal sealed class Lexer
{
    private readonly string _source;
    private readonly List<Token> _tokens = [];
    private readonly int _offset;
    private int _pos;

    private Lexer(string source, int offset)
    {
        _source = source;
        _offset = offset;
    }

    /// <summary>Tokens of a whole template.</summary>
    public static List<Token> TokenizeTemplate(string source)
    {
        var lexer = new Lexer(Normalize(source, dropTrailingNewline: true), 0);
        lexer.RunTemplate();
        return lexer._tokens;
    }

    /// <summary>Tokens of a bare expression (the inside of <c>{{ }}</c>); positions are shifted by <paramref name="offset"/>.</summary>
    public static List<Token> TokenizeExpression(string source, int offset)
    {
        var lexer = new Lexer(Normalize(source, dropTrailingNewline: true), offset);
        lexer.RunTag(null);
        lexer.Emit(TokenType.Eof, null, lexer._source.Length);
        return lexer._tokens;
    }

    private static string Normalize(string source, bool dropTrailingNewline)
    {
        if (source.Contains('\r', StringComparison.Ordinal))
        {
            source = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }
        if (dropTrailingNewline && source.EndsWith('\n'))
        {
            source = source[..^1];
        }
        return source;
    }

    private void Emit(TokenType type, object? value, int position) => _tokens.Add(new Token(type, value, position + _offset));

    private JinjaSyntaxError Fail(string message, int position) => new(message, position + _offset);

    private void RunTemplate()
    {
        var lineStarting = true;
        var stripNextData = false;
        while (true)
        {
            var start = FindTagStart(_pos);
            var textEnd = start < 0 ? _source.Length : start;
            var text = _source[_pos..textEnd];
            if (stripNextData)
            {
                text = text.TrimStart();
                stripNextData = false;
            }
            if (start < 0)
            {
                if (text.Length > 0)
                {
                    Emit(TokenType.Data, text, _pos);
                }
                break;
            }
            var kind = _source[start + 1];
            var after = start + 2;
            var modifier = after < _source.Length && (_source[after] == '-' || _source[after] == '+') ? _source[after] : '\0';
            if (modifier == '-')
            {
                text = text.TrimEnd();
            }
            else if (modifier != '+' && kind != '{')
            {
                // lstrip_blocks: a block or comment tag alone after indentation swallows the indentation
                var lpos = text.LastIndexOf('\n') + 1;
                if ((lpos > 0 || lineStarting) && IsBlank(text, lpos))
                {
                    text = text[..lpos];
                }
            }
            if (text.Length > 0)
            {
                Emit(TokenType.Data, text, _pos);
            }
            if (modifier != '\0')
            {
                after++;
            }
            _pos = after;
            switch (kind)
            {
                case '#':
                    {
                        var end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
                        if (end < 0)
                        {
                            throw Fail("Missing end of comment tag", start);
                        }
                        var minus = end > _pos && _source[end - 1] == '-';
                        _pos = end + 2;
                        stripNextData = minus;
                        if (!minus && _pos < _source.Length && _source[_pos] == '\n')
                        {
                            _pos++;
                        }
                        break;
                    }
                case '{':
                    {
                        Emit(TokenType.VariableBegin, "{{", start);
                        stripNextData = RunTag("}}");
                        break;
                    }
                default:
                    {
                        if (TryRaw(start, ref stripNextData))
                        {
                            break;
                        }
                        Emit(TokenType.BlockBegin, "{%", start);
                        stripNextData = RunTag("%}");
                        break;
                    }
            }
            lineStarting = _pos > 0 && _source[_pos - 1] == '\n';
        }
        Emit(TokenType.Eof, null, _source.Length);
    }

    private static bool IsBlank(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] != ' ' && text[i] != '\t')
            {
                return false;
            }
        }
        return true;
    }

    private int FindTagStart(int from)
    {
        var i = from;
        while (true)
        {
            i = _source.IndexOf('{', i);
            if (i < 0 || i + 1 >= _source.Length)
            {
                return -1;
            }
            var c = _source[i + 1];
            if (c == '{' || c == '%' || c == '#')
            {
                return i;
            }
            i++;
        }
    }

    /// <summary>Handles <c>{% raw %}…{% endraw %}</c>: the body is data, untouched.</summary>
    private bool TryRaw(int start, ref bool stripNextData)
    {
        var p = _pos;
        while (p < _source.Length && char.IsWhiteSpace(_source[p]))
        {
            p++;
        }
        if (string.CompareOrdinal(_source, p, "raw", 0, 3) != 0)
        {
            return false;
        }
        p += 3;
        while (p < _source.Length && char.IsWhiteSpace(_source[p]))
        {
            p++;
        }
        var minusAfterRaw = false;
        if (p < _source.Length && _source[p] == '-')
        {
            minusAfterRaw = true;
            p++;
        }
        if (string.CompareOrdinal(_source, p, "%}", 0, 2) != 0)
        {
            return false;
        }
        p += 2;
        // find {%[-+]? endraw [-+]?%}
        var search = p;
        while (true)
        {
            var tag = _source.IndexOf("{%", search, StringComparison.Ordinal);
            if (tag < 0)
            {
                throw Fail("Missing end of raw directive", start);
            }
            var q = tag + 2;
            var minusBefore = false;
            var plusBefore = false;
            if (q < _source.Length && (_source[q] == '-' || _source[q] == '+'))
            {
                minusBefore = _source[q] == '-';
                plusBefore = _source[q] == '+';
                q++;
            }
            while (q < _source.Length && char.IsWhiteSpace(_source[q]))
            {
                q++;
            }
            if (string.CompareOrdinal(_source, q, "endraw", 0, 6) != 0)
            {
                search = tag + 2;
                continue;
            }
            q += 6;
            while (q < _source.Length && char.IsWhiteSpace(_source[q]))
            {
                q++;
            }
            var minusAfter = false;
            var plusAfter = false;
            if (q < _source.Length && (_source[q] == '-' || _source[q] == '+'))
            {
                minusAfter = _source[q] == '-';
                plusAfter = _source[q] == '+';
                q++;
            }
            if (string.CompareOrdinal(_source, q, "%}", 0, 2) != 0)
            {
                search = tag + 2;
                continue;
            }
            var body = _source[p..tag];
            if (minusAfterRaw)
            {
                body = body.TrimStart();
            }
            if (minusBefore)
            {
                body = body.TrimEnd();
            }
            else if (!plusBefore)
            {
                // lstrip_blocks applies to the endraw tag too
                var lpos = body.LastIndexOf('\n') + 1;
                if (lpos > 0 && IsBlank(body, lpos))
                {
                    body = body[..lpos];
                }
            }
            if (body.Length > 0)
            {
                Emit(TokenType.Data, body, p);
            }
            _pos = q + 2;
            stripNextData = minusAfter;
            if (!minusAfter && !plusAfter && _pos < _source.Length && _source[_pos] == '\n')
            {
                _pos++;
            }
            return true;
        }
    }

    /// <summary>Tokenizes the inside of a tag up to its end delimiter (or the end of input in expression mode).</summary>
    /// <returns>true when the closing delimiter asked to strip the whitespace that follows it.</returns>
    private bool RunTag(string? endDelimiter)
    {
        var balance = new Stack<char>();
        while (true)
        {
            while (_pos < _source.Length && char.IsWhiteSpace(_source[_pos]))
            {
                _pos++;
            }
            if (_pos >= _source.Length)
            {
                return false;
            }
            if (endDelimiter != null && balance.Count == 0)
            {
                var c0 = _source[_pos];
                var hasMod = c0 == '-' || (c0 == '+' && endDelimiter == "%}");
                var at = hasMod ? _pos + 1 : _pos;
                if (string.CompareOrdinal(_source, at, endDelimiter, 0, 2) == 0)
                {
                    Emit(endDelimiter == "}}" ? TokenType.VariableEnd : TokenType.BlockEnd, endDelimiter, _pos);
                    _pos = at + 2;
                    if (hasMod && c0 == '-')
                    {
                        return true;
                    }
                    if (endDelimiter == "%}" && !hasMod && _pos < _source.Length && _source[_pos] == '\n')
                    {
                        _pos++; // trim_blocks
                    }
                    return false;
                }
            }
            var c = _source[_pos];
            if (char.IsAsciiDigit(c))
            {
                LexNumber();
            }
            else if (c == '_' || char.IsLetter(c))
            {
                var s = _pos;
                while (_pos < _source.Length && (_source[_pos] == '_' || char.IsLetterOrDigit(_source[_pos])))
                {
                    _pos++;
                }
                Emit(TokenType.Name, _source[s.._pos], s);
            }
            else if (c == '\'' || c == '"')
            {
                LexString();
            }
            else
            {
                LexOperator(balance);
            }
        }
    }

    private static readonly string[] Operators =
    [
        "//", "**", "==", "!=", ">=", "<=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";",
    ];

    private void LexOperator(Stack<char> balance)
    {
        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(_source, _pos, op, 0, op.Length) != 0)
            {
                continue;
            }
            if (op is "(" or "[" or "{")
            {
                balance.Push(op[0]);
            }
            else if (op is ")" or "]" or "}")
            {
                if (balance.Count == 0)
                {
                    throw Fail($"unexpected '{op}'", _pos);
                }
                var open = balance.Pop();
                var expected = open switch { '(' => ')', '[' => ']', _ => '}' };
                if (expected != op[0])
                {
                    throw Fail($"unexpected '{op}', expected '{expected}'", _pos);
                }
            }
            Emit(TokenType.Operator, op, _pos);
            _pos += op.Length;
            return;
        }
        throw Fail($"unexpected char {PyText.Repr(_source[_pos].ToString())} at {_pos + _offset}", _pos);
    }

    private void LexNumber()
    {
        var s = _pos;
        // float: digits[_digits] ( .digits [e[+-]digits] | e[+-]digits )
        var p = ScanDigits(_pos);
        var isFloat = false;
        if (p < _source.Length && _source[p] == '.' && p + 1 < _source.Length && char.IsAsciiDigit(_source[p + 1]))
        {
            p = ScanDigits(p + 1);
            isFloat = true;
        }
        if (p < _source.Length && (_source[p] == 'e' || _source[p] == 'E'))
        {
            var q = p + 1;
            if (q < _source.Length && (_source[q] == '+' || _source[q] == '-'))
            {
                q++;
            }
            if (q < _source.Length && char.IsAsciiDigit(_source[q]))
            {
                p = ScanDigits(q);
                isFloat = true;
            }
        }
        if (isFloat)
        {
            var text = _source[s..p].Replace("_", string.Empty, StringComparison.Ordinal);
            Emit(TokenType.Float, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture), s);
            _pos = p;
            return;
        }
        // integers: 0b / 0o / 0x prefixes, [1-9](_?\d)*, 0(_?0)*
        if (_source[s] == '0' && s + 1 < _source.Length && "bBoOxX".Contains(_source[s + 1], StringComparison.Ordinal))
        {
            var radix = char.ToLowerInvariant(_source[s + 1]) switch { 'b' => 2, 'o' => 8, _ => 16 };
            var q = s + 2;
            var value = BigInteger.Zero;
            var any = false;
            while (q < _source.Length)
            {
                var ch = _source[q];
                if (ch == '_' && q + 1 < _source.Length && DigitValue(_source[q + 1]) is { } dv && dv < radix)
                {
                    q++;
                    continue;
                }
                if (DigitValue(ch) is { } d && d < radix)
                {
                    value = (value * radix) + d;
                    any = true;
                    q++;
                    continue;
                }
                break;
            }
            if (any)
            {
                Emit(TokenType.Integer, PyNum.Normalize(value), s);
                _pos = q;
                return;
            }
        }
        if (_source[s] == '0')
        {
            var q = s + 1;
            while (q < _source.Length)
            {
                if (_source[q] == '0')
                {
                    q++;
                }
                else if (_source[q] == '_' && q + 1 < _source.Length && _source[q + 1] == '0')
                {
                    q += 2;
                }
                else
                {
                    break;
                }
            }
            Emit(TokenType.Integer, 0L, s);
            _pos = q;
            return;
        }
        var digits = _source[s..p].Replace("_", string.Empty, StringComparison.Ordinal);
        Emit(TokenType.Integer, PyNum.Normalize(BigInteger.Parse(digits, CultureInfo.InvariantCulture)), s);
        _pos = p;
    }

    private static int? DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => null,
    };

    /// <summary>Scans <c>\d+(_\d+)*</c> from a digit; returns the end.</summary>
    private int ScanDigits(int p)
    {
        while (p < _source.Length)
        {
            if (char.IsAsciiDigit(_source[p]))
            {
                p++;
            }
            else if (_source[p] == '_' && p + 1 < _source.Length && char.IsAsciiDigit(_source[p + 1]))
            {
                p++;
            }
            else
            {
                break;
            }
        }
        return p;
    }

    private void LexString()
    {
        var s = _pos;
        var quote = _source[s];
        var p = s + 1;
        while (p < _source.Length && _source[p] != quote)
        {
            p += _source[p] == '\\' ? 2 : 1;
        }
        if (p >= _source.Length)
        {
            throw Fail($"unexpected char {PyText.Repr(quote.ToString())} at {s + _offset}", s);
        }
        Emit(TokenType.String, Unescape(_source, s + 1, p), s);
        _pos = p + 1;
    }

    /// <summary>Python's <c>unicode-escape</c> decoding of a string literal body, as Jinja does it.</summary>
    private static string Unescape(string src, int from, int to)
    {
        var sb = new StringBuilder(to - from);
        for (var i = from; i < to; i++)
        {
            var c = src[i];
            if (c != '\\' || i + 1 >= to)
            {
                sb.Append(c);
                continue;
            }
            var n = src[++i];
            switch (n)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x':
                case 'u':
                case 'U':
                    {
                        var len = n == 'x' ? 2 : n == 'u' ? 4 : 8;
                        if (i + len < to && int.TryParse(src.AsSpan(i + 1, len), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code) && code <= 0x10FFFF)
                        {
                            sb.Append(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code));
                            i += len;
                        }
                        else
                        {
                            sb.Append('\\').Append(n);
                        }
                        break;
                    }
                default:
                    if (n is >= '0' and <= '7')
                    {
                        var code = 0;
                        var k = 0;
                        while (k < 3 && i < to && src[i] is >= '0' and <= '7')
                        {
                            code = (code * 8) + (src[i] - '0');
                            i++;
                            k++;
                        }
                        i--;
                        sb.Append((char)code);
                    }
                    else
                    {
                        sb.Append('\\').Append(n);
                    }
                    break;
            }
        }
        return sb.ToString();
    }
}

/// <summary>A template does not parse (Jinja's <c>TemplateSyntaxError</c>); <see cref="Position"/> is the offset in the source.</summary>
internal sealed class JinjaSyntaxError(string message, int position, string kind = "TemplateSyntaxError") : Exception(message)
{
    public int Position { get; } = position;

    public string Kind { get; } = kind;
}

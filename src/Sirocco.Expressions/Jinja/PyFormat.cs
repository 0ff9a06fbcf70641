using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Expressions.Jinja;

/// <summary>Python's printf-style <c>%</c> formatting and <c>str.format</c> with format specs.</summary>
internal static class PyFormat
{
    public static string Percent(string format, object? args, Budget budget)
    {
        var positional = args is PyTuple t ? t.Items : [args];
        var mapping = args as IDictionary<string, object?>;
        var next = 0;
        var usedMapping = false;
        var sb = new StringBuilder();
        var i = 0;
        object? NextArg()
        {
            if (next >= positional.Length)
            {
                throw JinjaRuntimeError.Type("not enough arguments for format string");
            }
            return positional[next++];
        }
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }
            i++;
            if (i >= format.Length)
            {
                throw JinjaRuntimeError.Value("incomplete format");
            }
            if (format[i] == '%')
            {
                sb.Append('%');
                i++;
                continue;
            }
            object? value = null;
            var hasValue = false;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0)
                {
                    throw JinjaRuntimeError.Value("incomplete format key");
                }
                var key = format[(i + 1)..close];
                if (mapping == null)
                {
                    throw JinjaRuntimeError.Type("format requires a mapping");
                }
                if (!mapping.TryGetValue(key, out value))
                {
                    throw new JinjaRuntimeError("KeyError", PyText.Repr(key));
                }
                usedMapping = true;
                hasValue = true;
                i = close + 1;
            }
            var flags = string.Empty;
            while (i < format.Length && "-+ #0".Contains(format[i], StringComparison.Ordinal))
            {
                flags += format[i++];
            }
            int? width = null;
            if (i < format.Length && format[i] == '*')
            {
                width = (int)PyNum.ToBig(NextArg());
                i++;
            }
            else
            {
                var s = i;
                while (i < format.Length && char.IsAsciiDigit(format[i]))
                {
                    i++;
                }
                if (i > s)
                {
                    width = int.Parse(format.AsSpan(s, i - s), CultureInfo.InvariantCulture);
                }
            }
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                if (i < format.Length && format[i] == '*')
                {
                    precision = (int)PyNum.ToBig(NextArg());
                    i++;
                }
                else
                {
                    var s = i;
                    while (i < format.Length && char.IsAsciiDigit(format[i]))
                    {
                        i++;
                    }
                    precision = i > s ? int.Parse(format.AsSpan(s, i - s), CultureInfo.InvariantCulture) : 0;
                }
            }
            while (i < format.Length && "hlL".Contains(format[i], StringComparison.Ordinal))
            {
                i++;
            }
            if (i >= format.Length)
            {
                throw JinjaRuntimeError.Value("incomplete format");
            }
            var conv = format[i++];
            if (!hasValue)
            {
                value = NextArg();
            }
            var spec = new Spec
            {
                Align = flags.Contains('-', StringComparison.Ordinal) ? '<' : '\0',
                Sign = flags.Contains('+', StringComparison.Ordinal) ? '+' : flags.Contains(' ', StringComparison.Ordinal) ? ' ' : '-',
                Alternate = flags.Contains('#', StringComparison.Ordinal),
                ZeroPad = flags.Contains('0', StringComparison.Ordinal) && !flags.Contains('-', StringComparison.Ordinal),
                Width = width ?? 0,
                Precision = precision,
            };
            string text;
            switch (conv)
            {
                case 's':
                    text = PyText.Str(value);
                    if (precision is { } p && p < text.Length)
                    {
                        text = text[..p];
                    }
                    text = Pad(text, spec with { ZeroPad = false, Align = spec.Align == '<' ? '<' : '>' }, false);
                    break;
                case 'r':
                case 'a':
                    text = PyText.Repr(value);
                    if (precision is { } p2 && p2 < text.Length)
                    {
                        text = text[..p2];
                    }
                    text = Pad(text, spec with { ZeroPad = false, Align = spec.Align == '<' ? '<' : '>' }, false);
                    break;
                case 'd':
                case 'i':
                case 'u':
                    text = FormatNumber(ToIntegerForPercent(value, conv), spec with { Type = 'd', Precision = null });
                    break;
                case 'x':
                case 'X':
                case 'o':
                    if (!PyNum.IsInt(value))
                    {
                        throw JinjaRuntimeError.Type($"%{conv} format: an integer is required, not {PyText.TypeName(value)}");
                    }
                    text = FormatNumber(PyNum.ToBig(value), spec with { Type = conv, Precision = null });
                    break;
                case 'e':
                case 'E':
                case 'f':
                case 'F':
                case 'g':
                case 'G':
                    if (!PyNum.IsNumber(value))
                    {
                        throw JinjaRuntimeError.Type($"must be real number, not {PyText.TypeName(value)}");
                    }
                    text = FormatNumber(PyNum.ToDouble(value), spec with { Type = conv, Precision = precision ?? 6 });
                    break;
                case 'c':
                    text = value is string cs && cs.Length == 1 ? cs : PyNum.IsInt(value) ? char.ConvertFromUtf32((int)PyNum.ToBig(value)) : throw JinjaRuntimeError.Type("%c requires int or char");
                    text = Pad(text, spec with { ZeroPad = false, Align = spec.Align == '<' ? '<' : '>' }, false);
                    break;
                default:
                    throw JinjaRuntimeError.Value($"unsupported format character {PyText.Repr(conv.ToString())} (0x{(int)conv:x}) at index {i - 1}");
            }
            budget.CheckSize((long)sb.Length + text.Length);
            sb.Append(text);
        }
        if (next < positional.Length && !usedMapping && !(mapping != null && next == 0))
        {
            throw JinjaRuntimeError.Type("not all arguments converted during string formatting");
        }
        return sb.ToString();
    }

    private static object ToIntegerForPercent(object? value, char conv)
    {
        return value switch
        {
            double d => PyNum.ToBig(PyNum.FromDouble(d)),
            bool or long or int or BigInteger => PyNum.ToBig(value),
            _ => throw JinjaRuntimeError.Type($"%{conv} format: a real number is required, not {PyText.TypeName(value)}"),
        };
    }

    /// <summary>A parsed format spec (shared by <c>%</c> and <c>format()</c>).</summary>
    internal sealed record Spec
    {
        public char Fill { get; init; } = ' ';

        public char Align { get; init; } = '\0';

        public char Sign { get; init; } = '-';

        public bool Alternate { get; init; }

        public bool ZeroPad { get; init; }

        public int Width { get; init; }

        public char Grouping { get; init; }

        public int? Precision { get; init; }

        public char Type { get; init; }
    }

    private static string Pad(string text, Spec spec, bool numeric)
    {
        if (text.Length >= spec.Width)
        {
            return text;
        }
        var fill = spec.ZeroPad ? '0' : spec.Fill;
        var align = spec.Align != '\0' ? spec.Align : spec.ZeroPad ? '=' : numeric ? '>' : '<';
        var pad = spec.Width - text.Length;
        switch (align)
        {
            case '<':
                return text + new string(fill, pad);
            case '^':
                return new string(fill, pad / 2) + text + new string(fill, pad - (pad / 2));
            case '=':
                {
                    var signLen = text.Length > 0 && (text[0] is '-' or '+' or ' ') ? 1 : 0;
                    if (text.Length > signLen + 1 && text[signLen] == '0' && text[signLen + 1] is 'x' or 'X' or 'o' or 'b')
                    {
                        signLen += 2;
                    }
                    return text[..signLen] + new string(fill, pad) + text[signLen..];
                }
            default:
                return new string(fill, pad) + text;
        }
    }

    /// <summary>Formats a number (BigInteger or double) per spec; the spec's Type picks the presentation.</summary>
    public static string FormatNumber(object number, Spec spec)
    {
        string body;
        bool negative;
        if (number is BigInteger bi)
        {
            negative = bi.Sign < 0;
            var abs = BigInteger.Abs(bi);
            switch (spec.Type)
            {
                case 'x':
                case 'X':
                    body = ToBase(abs, 16);
                    if (spec.Type == 'X')
                    {
                        body = body.ToUpperInvariant();
                    }
                    if (spec.Alternate)
                    {
                        body = (spec.Type == 'X' ? "0X" : "0x") + body;
                    }
                    break;
                case 'o':
                    body = ToBase(abs, 8);
                    if (spec.Alternate)
                    {
                        body = "0o" + body;
                    }
                    break;
                case 'b':
                    body = ToBase(abs, 2);
                    if (spec.Alternate)
                    {
                        body = "0b" + body;
                    }
                    break;
                case 'c':
                    return Pad(char.ConvertFromUtf32((int)bi), spec, false);
                case 'e' or 'E' or 'f' or 'F' or 'g' or 'G' or '%':
                    return FormatNumber((double)bi, spec);
                default:
                    body = abs.ToString(CultureInfo.InvariantCulture);
                    body = Group(body, spec.Grouping);
                    break;
            }
        }
        else
        {
            var d = (double)number;
            negative = double.IsNegative(d) && !double.IsNaN(d);
            var a = Math.Abs(d);
            var type = spec.Type;
            var prec = spec.Precision;
            if (double.IsInfinity(a) || double.IsNaN(a))
            {
                body = double.IsNaN(a) ? "nan" : "inf";
                if (type is 'E' or 'F' or 'G')
                {
                    body = body.ToUpperInvariant();
                }
                if (type == '%')
                {
                    body += "%";
                }
            }
            else
            {
                switch (type)
                {
                    case 'f':
                    case 'F':
                        body = Fixed(a, prec ?? 6);
                        if (spec.Alternate && !body.Contains('.', StringComparison.Ordinal))
                        {
                            body += ".";
                        }
                        break;
                    case '%':
                        body = Fixed(a * 100, prec ?? 6) + "%";
                        break;
                    case 'e':
                    case 'E':
                        body = Exponent(a, prec ?? 6, type == 'E');
                        break;
                    case 'g':
                    case 'G':
                        body = General(a, prec ?? 6, spec.Alternate, type == 'G');
                        break;
                    default:
                        // no type: repr-like, or general with at least one digit after the point
                        body = prec is { } p ? General(a, p, false, false, keepPoint: true) : Sirocco.Values.Py.FloatRepr(a);
                        break;
                }
                if (spec.Grouping != '\0')
                {
                    var dot = body.IndexOfAny(['.', 'e', 'E', '%']);
                    body = dot < 0 ? Group(body, spec.Grouping) : Group(body[..dot], spec.Grouping) + body[dot..];
                }
            }
        }
        var sign = negative ? "-" : spec.Sign == '+' ? "+" : spec.Sign == ' ' ? " " : string.Empty;
        return Pad(sign + body, spec, true);
    }

    private static string Group(string digits, char sep)
    {
        if (sep == '\0' || digits.Length <= 3)
        {
            return digits;
        }
        var sb = new StringBuilder();
        var first = digits.Length % 3;
        if (first > 0)
        {
            sb.Append(digits, 0, first);
        }
        for (var i = first; i < digits.Length; i += 3)
        {
            if (sb.Length > 0)
            {
                sb.Append(sep);
            }
            sb.Append(digits, i, 3);
        }
        return sb.ToString();
    }

    private static string ToBase(BigInteger value, int radix)
    {
        if (value.IsZero)
        {
            return "0";
        }
        var sb = new StringBuilder();
        while (!value.IsZero)
        {
            var d = (int)(value % radix);
            sb.Insert(0, "0123456789abcdef"[d]);
            value /= radix;
        }
        return sb.ToString();
    }

    private static string Fixed(double a, int precision) => a.ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Exponent(double a, int precision, bool upper)
    {
        var s = a.ToString((upper ? "E" : "e") + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var e = s.IndexOfAny(['e', 'E']);
        var exp = int.Parse(s.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return s[..(e + 1)] + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    private static string General(double a, int precision, bool alternate, bool upper, bool keepPoint = false)
    {
        var p = precision == 0 ? 1 : precision;
        int exp;
        if (a == 0)
        {
            exp = 0;
        }
        else
        {
            var probe = Exponent(a, p - 1, false);
            exp = int.Parse(probe.AsSpan(probe.IndexOf('e', StringComparison.Ordinal) + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        string body;
        if (exp >= -4 && exp < p)
        {
            body = Fixed(a, p - 1 - exp);
            if (!alternate)
            {
                body = StripZeros(body);
            }
            if (keepPoint && !body.Contains('.', StringComparison.Ordinal))
            {
                body += ".0";
            }
        }
        else
        {
            body = Exponent(a, p - 1, upper);
            if (!alternate)
            {
                var e = body.IndexOfAny(['e', 'E']);
                body = StripZeros(body[..e]) + body[e..];
            }
        }
        return body;
    }

    private static string StripZeros(string s)
    {
        if (!s.Contains('.', StringComparison.Ordinal))
        {
            return s;
        }
        s = s.TrimEnd('0');
        return s.EndsWith('.') ? s[..^1] : s;
    }

    /// <summary>Python's <c>format(value, spec)</c>.</summary>
    public static string FormatValue(object? value, string specText)
    {
        var spec = ParseSpec(specText);
        if (value is bool bv && specText.Length == 0)
        {
            value = bv ? "True" : "False";
        }
        switch (value)
        {
            case bool or long or int or BigInteger:
                if (spec.Type is '\0' or 'n')
                {
                    spec = spec with { Type = 'd' };
                }
                if (spec.Type == 's')
                {
                    throw JinjaRuntimeError.Value("Unknown format code 's' for object of type 'int'");
                }
                return FormatNumber(PyNum.ToBig(value), spec);
            case double d:
                if (spec.Type is 'd' or 's' or 'x' or 'X' or 'o' or 'b' or 'c')
                {
                    throw JinjaRuntimeError.Value($"Unknown format code '{spec.Type}' for object of type 'float'");
                }
                if (spec.Type == 'n')
                {
                    spec = spec with { Type = 'g' };
                }
                return FormatNumber(d, spec);
            default:
                {
                    if (value is not (string or Markup) && specText.Length > 0)
                    {
                        if (value is null or IEnumerable<object?> or IDictionary<string, object?>)
                        {
                            throw JinjaRuntimeError.Type($"unsupported format string passed to {PyText.TypeName(value)}.__format__");
                        }
                    }
                    if (spec.Type is not ('\0' or 's'))
                    {
                        throw JinjaRuntimeError.Value($"Unknown format code '{spec.Type}' for object of type 'str'");
                    }
                    var text = PyText.Str(value);
                    if (spec.Precision is { } p && p < text.Length)
                    {
                        text = text[..p];
                    }
                    return Pad(text, spec, false);
                }
        }
    }

    private static Spec ParseSpec(string s)
    {
        var spec = new Spec();
        var i = 0;
        if (s.Length >= 2 && s[1] is '<' or '>' or '^' or '=')
        {
            spec = spec with { Fill = s[0], Align = s[1] };
            i = 2;
        }
        else if (s.Length >= 1 && s[0] is '<' or '>' or '^' or '=')
        {
            spec = spec with { Align = s[0] };
            i = 1;
        }
        if (i < s.Length && s[i] is '+' or '-' or ' ')
        {
            spec = spec with { Sign = s[i] };
            i++;
        }
        if (i < s.Length && s[i] == '#')
        {
            spec = spec with { Alternate = true };
            i++;
        }
        if (i < s.Length && s[i] == '0')
        {
            if (spec.Align == '\0')
            {
                spec = spec with { ZeroPad = true };
            }
            else
            {
                spec = spec with { Fill = spec.Align != '\0' && s.Length >= 2 && s[1] == spec.Align ? spec.Fill : '0' };
            }
            i++;
        }
        var ws = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }
        if (i > ws)
        {
            spec = spec with { Width = int.Parse(s.AsSpan(ws, i - ws), CultureInfo.InvariantCulture) };
        }
        if (i < s.Length && s[i] is ',' or '_')
        {
            spec = spec with { Grouping = s[i] };
            i++;
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            var ps = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (i == ps)
            {
                throw JinjaRuntimeError.Value("Format specifier missing precision");
            }
            spec = spec with { Precision = int.Parse(s.AsSpan(ps, i - ps), CultureInfo.InvariantCulture) };
        }
        if (i < s.Length)
        {
            spec = spec with { Type = s[i] };
            i++;
        }
        if (i < s.Length)
        {
            throw JinjaRuntimeError.Value("Invalid format specifier");
        }
        return spec;
    }

    /// <summary>Python's <c>str.format(*args, **kwargs)</c>.</summary>
    public static string StrFormat(Interpreter ip, string format, CallArguments args)
    {
        var sb = new StringBuilder();
        var auto = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c == '{')
            {
                if (i + 1 < format.Length && format[i + 1] == '{')
                {
                    sb.Append('{');
                    i += 2;
                    continue;
                }
                var depth = 1;
                var j = i + 1;
                while (j < format.Length && depth > 0)
                {
                    if (format[j] == '{')
                    {
                        depth++;
                    }
                    else if (format[j] == '}')
                    {
                        depth--;
                    }
                    j++;
                }
                if (depth > 0)
                {
                    throw JinjaRuntimeError.Value("expected '}' before end of string");
                }
                var field = format[(i + 1)..(j - 1)];
                string? spec = null;
                char conv = '\0';
                var colon = field.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    spec = field[(colon + 1)..];
                    field = field[..colon];
                }
                var bang = field.IndexOf('!', StringComparison.Ordinal);
                if (bang >= 0)
                {
                    conv = bang + 1 < field.Length ? field[bang + 1] : '\0';
                    field = field[..bang];
                }
                var value = ResolveField(ip, field, args, ref auto);
                if (spec != null && spec.Contains('{', StringComparison.Ordinal))
                {
                    spec = StrFormat(ip, spec, args);
                }
                if (conv == 'r' || conv == 'a')
                {
                    value = PyText.Repr(value);
                }
                else if (conv == 's')
                {
                    value = PyText.Str(value);
                }
                var text = FormatValue(value, spec ?? string.Empty);
                ip.Budget.CheckSize((long)sb.Length + text.Length);
                sb.Append(text);
                i = j;
                continue;
            }
            if (c == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}')
                {
                    sb.Append('}');
                    i += 2;
                    continue;
                }
                throw JinjaRuntimeError.Value("Single '}' encountered in format string");
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    private static object? ResolveField(Interpreter ip, string field, CallArguments args, ref int auto)
    {
        var end = field.IndexOfAny(['.', '[']);
        var head = end < 0 ? field : field[..end];
        object? value;
        if (head.Length == 0)
        {
            if (auto < 0)
            {
                throw JinjaRuntimeError.Value("cannot switch from manual field specification to automatic field numbering");
            }
            if (auto >= args.Positional.Count)
            {
                throw new JinjaRuntimeError("IndexError", $"Replacement index {auto} out of range for positional args tuple");
            }
            value = args.Positional[auto++];
        }
        else if (head.All(char.IsAsciiDigit))
        {
            if (auto > 0)
            {
                throw JinjaRuntimeError.Value("cannot switch from automatic field numbering to manual field specification");
            }
            auto = -1;
            var idx = int.Parse(head, CultureInfo.InvariantCulture);
            if (idx >= args.Positional.Count)
            {
                throw new JinjaRuntimeError("IndexError", $"Replacement index {idx} out of range for positional args tuple");
            }
            value = args.Positional[idx];
        }
        else
        {
            var found = args.Keywords.FindLast(kv => kv.Key == head);
            if (found.Key == null)
            {
                throw new JinjaRuntimeError("KeyError", PyText.Repr(head));
            }
            value = found.Value;
        }
        var rest = end < 0 ? string.Empty : field[end..];
        var k = 0;
        while (k < rest.Length)
        {
            if (rest[k] == '.')
            {
                var s = ++k;
                while (k < rest.Length && rest[k] is not '.' and not '[')
                {
                    k++;
                }
                value = ip.GetAttribute(value, rest[s..k]);
            }
            else
            {
                var close = rest.IndexOf(']', k);
                if (close < 0)
                {
                    throw JinjaRuntimeError.Value("Missing ']' in format string");
                }
                var key = rest[(k + 1)..close];
                value = ip.GetItem(value, key.Length > 0 && key.All(char.IsAsciiDigit) ? long.Parse(key, CultureInfo.InvariantCulture) : key);
                k = close + 1;
            }
            if (value is Undefined u)
            {
                throw u.Fail();
            }
        }
        return value;
    }
}

using System.Globalization;
using System.Numerics;
using System.Text;
using Sirocco.Values;

namespace Sirocco.Expressions.Yaql;

/// <summary>Python's <c>str.format</c> for the common replacement fields: <c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>{:spec}</c> with fill/align/width/precision and d/f/s/x types.</summary>
internal static class PyFormat
{
    public static string Format(string format, IReadOnlyList<object?> args, IReadOnlyDictionary<string, object?> kwargs)
    {
        var sb = new StringBuilder();
        var auto = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var ch = format[i];
            if (ch == '{')
            {
                if (i + 1 < format.Length && format[i + 1] == '{')
                {
                    sb.Append('{');
                    i++;
                    continue;
                }
                var end = format.IndexOf('}', i);
                if (end < 0)
                {
                    throw YaqlRuntimeException.ValueError("Single '{' encountered in format string");
                }
                var field = format[(i + 1)..end];
                i = end;
                var colon = field.IndexOf(':', StringComparison.Ordinal);
                var name = colon >= 0 ? field[..colon] : field;
                var spec = colon >= 0 ? field[(colon + 1)..] : string.Empty;
                var conversion = string.Empty;
                var bang = name.IndexOf('!', StringComparison.Ordinal);
                if (bang >= 0)
                {
                    conversion = name[(bang + 1)..];
                    name = name[..bang];
                }
                object? value;
                if (name.Length == 0)
                {
                    if (auto >= args.Count)
                    {
                        throw new YaqlRuntimeException("IndexError", $"Replacement index {auto} out of range for positional args tuple");
                    }
                    value = args[auto++];
                }
                else if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    if (index >= args.Count)
                    {
                        throw new YaqlRuntimeException("IndexError", $"Replacement index {index} out of range for positional args tuple");
                    }
                    value = args[index];
                }
                else if (!kwargs.TryGetValue(name, out value))
                {
                    throw YaqlRuntimeException.KeyError(name);
                }
                if (conversion == "r")
                {
                    value = YaqlValues.Repr(value);
                }
                sb.Append(FormatValue(value, spec));
            }
            else if (ch == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}')
                {
                    i++;
                }
                sb.Append('}');
            }
            else
            {
                sb.Append(ch);
            }
        }
        return sb.ToString();
    }

    private static string FormatValue(object? value, string spec)
    {
        if (spec.Length == 0)
        {
            return YaqlValues.Str(value);
        }
        var i = 0;
        var fill = ' ';
        char? align = null;
        if (spec.Length >= 2 && spec[1] is '<' or '>' or '^' or '=')
        {
            fill = spec[0];
            align = spec[1];
            i = 2;
        }
        else if (spec.Length >= 1 && spec[0] is '<' or '>' or '^' or '=')
        {
            align = spec[0];
            i = 1;
        }
        var sign = '-';
        if (i < spec.Length && spec[i] is '+' or '-' or ' ')
        {
            sign = spec[i++];
        }
        if (i < spec.Length && spec[i] == '0')
        {
            fill = '0';
            align ??= '=';
            i++;
        }
        var widthStart = i;
        while (i < spec.Length && char.IsAsciiDigit(spec[i]))
        {
            i++;
        }
        var width = i > widthStart ? int.Parse(spec[widthStart..i], CultureInfo.InvariantCulture) : 0;
        var comma = false;
        if (i < spec.Length && spec[i] == ',')
        {
            comma = true;
            i++;
        }
        int? precision = null;
        if (i < spec.Length && spec[i] == '.')
        {
            i++;
            var ps = i;
            while (i < spec.Length && char.IsAsciiDigit(spec[i]))
            {
                i++;
            }
            precision = int.Parse(spec[ps..i], CultureInfo.InvariantCulture);
        }
        var type = i < spec.Length ? spec[i] : '\0';
        string body;
        var negative = false;
        switch (type)
        {
            case 'd':
                if (value is not (long or BigInteger))
                {
                    throw YaqlRuntimeException.ValueError($"Unknown format code 'd' for object of type '{Library.YaqlTypeName(value)}'");
                }
                {
                    var n = Operators.Big(value);
                    negative = n.Sign < 0;
                    body = BigInteger.Abs(n).ToString(comma ? "N0" : "D", CultureInfo.InvariantCulture);
                }
                break;
            case 'f' or 'F' or 'e' or 'E' or '%' or 'g':
                {
                    if (!Operators.IsNumber(value))
                    {
                        throw YaqlRuntimeException.ValueError($"Unknown format code '{type}' for object of type '{Library.YaqlTypeName(value)}'");
                    }
                    var d = Operators.Dbl(value!);
                    negative = d < 0;
                    d = Math.Abs(d);
                    var p = precision ?? 6;
                    body = type switch
                    {
                        'f' or 'F' => d.ToString((comma ? "N" : "F") + p, CultureInfo.InvariantCulture),
                        'e' or 'E' => d.ToString((type == 'e' ? "0." + new string('0', p) + "e+00" : "0." + new string('0', p) + "E+00"), CultureInfo.InvariantCulture),
                        '%' => (d * 100).ToString("F" + p, CultureInfo.InvariantCulture) + "%",
                        _ => d.ToString("G" + Math.Max(p, 1), CultureInfo.InvariantCulture),
                    };
                }
                break;
            case 'x' or 'X' or 'o' or 'b':
                {
                    var n = Operators.Big(value is long or BigInteger ? value : throw YaqlRuntimeException.ValueError($"Unknown format code '{type}'"));
                    negative = n.Sign < 0;
                    n = BigInteger.Abs(n);
                    body = type switch
                    {
                        'x' => n.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'),
                        'X' => n.ToString("X", CultureInfo.InvariantCulture).TrimStart('0'),
                        'o' => ToBase(n, 8),
                        _ => ToBase(n, 2),
                    };
                    if (body.Length == 0)
                    {
                        body = "0";
                    }
                }
                break;
            default:
                if (precision is int pr && value is double dv)
                {
                    negative = dv < 0;
                    body = Math.Abs(dv).ToString("G" + pr, CultureInfo.InvariantCulture);
                }
                else if (Operators.IsNumber(value) && value is not bool)
                {
                    var text = YaqlValues.Str(value);
                    negative = text.StartsWith('-');
                    body = negative ? text[1..] : text;
                }
                else
                {
                    body = YaqlValues.Str(value);
                    if (precision is int prs && body.Length > prs)
                    {
                        body = body[..prs];
                    }
                    align ??= '<';
                }
                break;
        }
        var signText = negative ? "-" : sign == '+' ? "+" : sign == ' ' ? " " : string.Empty;
        align ??= '>';
        var total = signText.Length + body.Length;
        if (total >= width)
        {
            return signText + body;
        }
        var pad = width - total;
        return align switch
        {
            '<' => signText + body + new string(fill, pad),
            '^' => new string(fill, pad / 2) + signText + body + new string(fill, pad - (pad / 2)),
            '=' => signText + new string(fill, pad) + body,
            _ => new string(fill, pad) + signText + body,
        };
    }

    private static string ToBase(BigInteger n, int b)
    {
        if (n.IsZero)
        {
            return "0";
        }
        var sb = new StringBuilder();
        while (n > 0)
        {
            sb.Insert(0, (char)('0' + (int)(n % b)));
            n /= b;
        }
        return sb.ToString();
    }
}

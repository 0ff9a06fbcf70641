using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Values;

/// <summary>Renders values the way Python 3 does, which is what Mistral users see in interpolated text.</summary>
public static class Py
{
    /// <summary>Python's <c>str(value)</c>: strings as they are, everything else as <see cref="Repr"/>.</summary>
    public static string Str(object? value) => value is string s ? s : Repr(value);

    /// <summary>Python's <c>repr(value)</c>.</summary>
    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value);
        return sb.ToString();
    }

    /// <summary>Appends Python's <c>repr(value)</c> to a builder.</summary>
    public static void AppendRepr(StringBuilder sb, object? value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        switch (value)
        {
            case null:
                sb.Append("None");
                break;
            case bool b:
                sb.Append(b ? "True" : "False");
                break;
            case string s:
                AppendStringRepr(sb, s);
                break;
            case long l:
                sb.Append(l.ToString(CultureInfo.InvariantCulture));
                break;
            case int i:
                sb.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case BigInteger bi:
                sb.Append(bi.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(FloatRepr(d));
                break;
            case IDictionary<string, object?> map:
                {
                    sb.Append('{');
                    var first = true;
                    foreach (var kv in map)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }
                        first = false;
                        AppendStringRepr(sb, kv.Key);
                        sb.Append(": ");
                        AppendRepr(sb, kv.Value);
                    }
                    sb.Append('}');
                    break;
                }
            case IEnumerable<object?> list:
                {
                    sb.Append('[');
                    var first = true;
                    foreach (var item in list)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }
                        first = false;
                        AppendRepr(sb, item);
                    }
                    sb.Append(']');
                    break;
                }
            default:
                sb.Append(value.ToString());
                break;
        }
    }

    /// <summary>Python's repr of a str: single quotes unless the text holds a single quote and no double quote.</summary>
    public static void AppendStringRepr(StringBuilder sb, string s)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(s);
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (c >= 0x80 && c < 0xa0)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append(quote);
    }

    /// <summary>Python's <c>repr(float)</c>: the shortest text that round-trips, with Python's exponent rules.</summary>
    public static string FloatRepr(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsPositiveInfinity(d))
        {
            return "inf";
        }
        if (double.IsNegativeInfinity(d))
        {
            return "-inf";
        }
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }
        // "R" is the shortest round-trip text in .NET's own layout; re-lay its digits the way Python does.
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        string mantissa;
        var exp = 0;
        var ePos = body.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            mantissa = body[..ePos];
            exp = int.Parse(body[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            mantissa = body;
        }
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        // decimal exponent of the first significant digit
        var pointPos = intPart.Length + exp - leadingZeros; // digits[0] sits at 10^(pointPos-1)
        var sciExp = pointPos - 1;
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }
        if (sciExp < -4 || sciExp >= 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            sb.Append('e').Append(sciExp < 0 ? '-' : '+').Append(Math.Abs(sciExp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (pointPos <= 0)
        {
            sb.Append("0.").Append('0', -pointPos).Append(digits);
        }
        else if (pointPos >= digits.Length)
        {
            sb.Append(digits).Append('0', pointPos - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, pointPos).Append('.').Append(digits, pointPos, digits.Length - pointPos);
        }
        return sb.ToString();
    }

    /// <summary>Python's type name of a value, as error messages show it.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or int or BigInteger => "int",
        double => "float",
        string => "str",
        IDictionary<string, object?> => "dict",
        IEnumerable<object?> => "list",
        _ => value.GetType().Name,
    };

    /// <summary>Python truthiness.</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        BigInteger bi => !bi.IsZero,
        double d => d != 0,
        string s => s.Length > 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };
}

using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Sirocco.Values;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sirocco.Expressions.Functions;

/// <summary>PyYAML's <c>safe_dump</c> (block style, sorted keys) and <c>safe_load</c> (YAML 1.1 implicit types) over the value model.</summary>
public static partial class PyYaml
{
    /// <summary><c>yaml.safe_dump(data, default_flow_style=False)</c>.</summary>
    public static string SafeDump(object? data)
    {
        var sb = new StringBuilder();
        data = PyText.ToStorable(data);
        switch (data)
        {
            case IDictionary<string, object?> map when map.Count > 0:
                WriteMapping(sb, map, 0);
                break;
            case IList<object?> list when list.Count > 0:
                WriteSequence(sb, list, 0);
                break;
            default:
                {
                    var (text, plain) = Scalar(data);
                    sb.Append(text).Append('\n');
                    if (plain && data is not IDictionary<string, object?> and not IList<object?>)
                    {
                        // PyYAML ends an open-ended plain root scalar with a document end marker.
                        sb.Append("...\n");
                    }
                    break;
                }
        }
        return sb.ToString();
    }

    private static void WriteMapping(StringBuilder sb, IDictionary<string, object?> map, int indent)
    {
        var first = true;
        foreach (var key in map.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (!first)
            {
                sb.Append(' ', indent);
            }
            first = false;
            sb.Append(Scalar(key).Text).Append(':');
            WriteValue(sb, map[key], indent, inMapping: true);
        }
    }

    private static void WriteSequence(StringBuilder sb, IList<object?> list, int indent)
    {
        var first = true;
        foreach (var item in list)
        {
            if (!first)
            {
                sb.Append(' ', indent);
            }
            first = false;
            sb.Append('-');
            WriteValue(sb, item, indent, inMapping: false);
        }
    }

    // After "key:" or "-": a scalar or empty collection on the same line, a collection on the next lines.
    private static void WriteValue(StringBuilder sb, object? value, int indent, bool inMapping)
    {
        switch (value)
        {
            case IDictionary<string, object?> map when map.Count > 0:
                if (inMapping)
                {
                    sb.Append('\n').Append(' ', indent + 2);
                }
                else
                {
                    sb.Append(' ');
                }
                WriteMapping(sb, map, indent + 2);
                break;
            case IList<object?> list when list.Count > 0:
                if (inMapping)
                {
                    // PyYAML does not indent a sequence that is a mapping value.
                    sb.Append('\n').Append(' ', indent);
                    WriteSequence(sb, list, indent);
                }
                else
                {
                    sb.Append(' ');
                    WriteSequence(sb, list, indent + 2);
                }
                break;
            default:
                sb.Append(' ').Append(Scalar(value).Text).Append('\n');
                break;
        }
    }

    private static (string Text, bool Plain) Scalar(object? value)
    {
        switch (value)
        {
            case null:
                return ("null", true);
            case bool b:
                return (b ? "true" : "false", true);
            case long or int or BigInteger:
                return (System.Convert.ToString(value, CultureInfo.InvariantCulture)!, true);
            case double d:
                return (FloatText(d), true);
            case IDictionary<string, object?>:
                return ("{}", false);
            case IList<object?>:
                return ("[]", false);
            case string s:
                return StringScalar(s);
            default:
                return StringScalar(PyText.Str(value));
        }
    }

    private static string FloatText(double d)
    {
        if (double.IsNaN(d))
        {
            return ".nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? ".inf" : "-.inf";
        }
        var text = Py.FloatRepr(d).ToLowerInvariant();
        if (!text.Contains('.', StringComparison.Ordinal) && text.Contains('e', StringComparison.Ordinal))
        {
            text = text.Replace("e", ".0e", StringComparison.Ordinal);
        }
        return text;
    }

    private static (string Text, bool Plain) StringScalar(string s)
    {
        var needsDouble = false;
        foreach (var c in s)
        {
            if (c > 0x7e || (c < 0x20 && c != '\n'))
            {
                needsDouble = true;
                break;
            }
        }
        if (needsDouble || s.Contains('\n', StringComparison.Ordinal))
        {
            return (DoubleQuoted(s), false);
        }
        if (CanBePlain(s))
        {
            return (s, true);
        }
        return ("'" + s.Replace("'", "''", StringComparison.Ordinal) + "'", false);
    }

    private static bool CanBePlain(string s)
    {
        if (s.Length == 0 || s[0] == ' ' || s[^1] == ' ')
        {
            return false;
        }
        if ("#,[]{}&*!|>'\"%@`".Contains(s[0], StringComparison.Ordinal))
        {
            return false;
        }
        if ((s[0] == '-' || s[0] == '?' || s[0] == ':') && (s.Length == 1 || s[1] == ' '))
        {
            return false;
        }
        if (s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) || s.EndsWith(':'))
        {
            return false;
        }
        if (s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal))
        {
            return false;
        }
        // A plain scalar that would read back as another type must be quoted.
        return Resolve(s) is string;
    }

    private static string DoubleQuoted(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (c < 0x20 || (c >= 0x7f && c <= 0xff))
                    {
                        sb.Append("\\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                    }
                    else if (c > 0xff)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary><c>yaml.safe_load(text)</c>.</summary>
    public static object? SafeLoad(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var kind = e.Message.Contains("scanning", StringComparison.OrdinalIgnoreCase) ? "ScannerError" : "ParserError";
            throw new FunctionException(kind, e.Message, e);
        }
        if (stream.Documents.Count == 0)
        {
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            throw new FunctionException("ComposerError", "expected a single document in the stream");
        }
        return Convert(stream.Documents[0].RootNode, 0);
    }

    private static object? Convert(YamlNode node, int depth)
    {
        if (depth > 500)
        {
            throw new FunctionException("RecursionError", "maximum recursion depth exceeded");
        }
        switch (node)
        {
            case YamlScalarNode scalar:
                {
                    var value = scalar.Value ?? string.Empty;
                    var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
                    if (tag is "tag:yaml.org,2002:str")
                    {
                        return value;
                    }
                    if (scalar.Style is ScalarStyle.Plain || tag is not null)
                    {
                        return Resolve(value);
                    }
                    return value;
                }
            case YamlSequenceNode seq:
                {
                    var list = new List<object?>(seq.Children.Count);
                    foreach (var child in seq.Children)
                    {
                        list.Add(Convert(child, depth + 1));
                    }
                    return list;
                }
            case YamlMappingNode map:
                {
                    var dict = new OrderedDictionary<string, object?>();
                    foreach (var kv in map.Children)
                    {
                        var key = Convert(kv.Key, depth + 1);
                        dict[PyText.Str(key)] = Convert(kv.Value, depth + 1);
                    }
                    return dict;
                }
            default:
                return null;
        }
    }

    /// <summary>YAML 1.1 implicit resolution of a plain scalar (PyYAML's resolver): null, bool, int, float, else the text.</summary>
    public static object? Resolve(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        switch (s)
        {
            case "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                return true;
            case "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                return false;
        }
        if (IntPattern().IsMatch(s))
        {
            return ParseInt(s);
        }
        if (FloatPattern().IsMatch(s))
        {
            return ParseFloat(s);
        }
        return s;
    }

    private static object ParseInt(string s)
    {
        var t = s.Replace("_", string.Empty, StringComparison.Ordinal);
        var sign = BigInteger.One;
        if (t[0] is '-' or '+')
        {
            if (t[0] == '-')
            {
                sign = BigInteger.MinusOne;
            }
            t = t[1..];
        }
        BigInteger value;
        if (t == "0")
        {
            value = BigInteger.Zero;
        }
        else if (t.StartsWith("0b", StringComparison.Ordinal))
        {
            value = BigInteger.Zero;
            foreach (var c in t[2..])
            {
                value = (value * 2) + (c - '0');
            }
        }
        else if (t.StartsWith("0x", StringComparison.Ordinal))
        {
            value = BigInteger.Parse("0" + t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        else if (t[0] == '0')
        {
            value = BigInteger.Zero;
            foreach (var c in t[1..])
            {
                value = (value * 8) + (c - '0');
            }
        }
        else if (t.Contains(':', StringComparison.Ordinal))
        {
            value = BigInteger.Zero;
            foreach (var part in t.Split(':'))
            {
                value = (value * 60) + BigInteger.Parse(part, CultureInfo.InvariantCulture);
            }
        }
        else
        {
            value = BigInteger.Parse(t, CultureInfo.InvariantCulture);
        }
        value *= sign;
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private static double ParseFloat(string s)
    {
        var t = s.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var negative = t.StartsWith('-');
        if (t[0] is '-' or '+')
        {
            t = t[1..];
        }
        double value;
        if (t == ".inf")
        {
            value = double.PositiveInfinity;
        }
        else if (t == ".nan")
        {
            return double.NaN;
        }
        else if (t.Contains(':', StringComparison.Ordinal))
        {
            value = 0;
            foreach (var part in t.Split(':'))
            {
                value = (value * 60) + double.Parse(part, CultureInfo.InvariantCulture);
            }
        }
        else
        {
            value = double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return negative ? -value : value;
    }

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}

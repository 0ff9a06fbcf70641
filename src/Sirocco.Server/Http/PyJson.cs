using System.Globalization;
using System.Numerics;
using System.Text;
using Sirocco.Values;

namespace Sirocco.Server.Http;

/// <summary>
/// JSON text as Python's <c>json.dumps</c> writes it with default settings (<c>", "</c> and <c>": "</c> separators,
/// non-ASCII escaped): the exact text Mistral puts into its JSON-string fields (<c>input</c>, <c>output</c>, ...).
/// </summary>
public static class PyJson
{
    /// <summary>Serializes a value the way <c>json.dumps(value)</c> does.</summary>
    public static string Dumps(object? value)
    {
        var sb = new StringBuilder();
        Append(sb, value);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                AppendString(sb, s);
                break;
            case long or int or BigInteger:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FloatRepr(d));
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
                        AppendString(sb, kv.Key);
                        sb.Append(": ");
                        Append(sb, kv.Value);
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
                        Append(sb, item);
                    }

                    sb.Append(']');
                    break;
                }

            default:
                AppendString(sb, value.ToString() ?? "");
                break;
        }
    }

    private static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (ch < 0x20 || ch > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}

using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Sirocco.Values;

namespace Sirocco.Expressions.Functions;

/// <summary>
/// Mistral's context-free expression functions (<c>mistral/expressions/std_functions.py</c>), usable from YAQL and Jinja.
/// Failures raise <see cref="FunctionException"/> with the Python exception class Mistral's function raises.
/// </summary>
public static class MistralFunctions
{
    /// <summary><c>json_dump(data)</c>: <c>json.dumps(data, indent=4)</c> (ASCII-escaped, sets as lists).</summary>
    public static string JsonDump(object? data) => PyJson.Dumps(data, indent: 4);

    /// <summary>
    /// <c>json_pp(data=None)</c> (deprecated in Mistral): <c>json.dumps(data or context, indent=4)</c> with escaped
    /// newlines turned back into real ones. A falsy <paramref name="data"/> dumps <paramref name="context"/>.
    /// </summary>
    public static string JsonPp(object? context, object? data)
    {
        var value = Py.Truthy(data) ? data : context;
        return PyJson.Dumps(value, indent: 4).Replace("\\n", "\n", StringComparison.Ordinal).Replace(" \n", "\n", StringComparison.Ordinal);
    }

    /// <summary><c>json_parse(data)</c>: <c>json.loads</c> of a string.</summary>
    public static object? JsonParse(object? data)
    {
        if (data is not string text)
        {
            throw new FunctionException("TypeError", $"<class '{PyText.TypeName(data)}'> can't be decoded");
        }
        try
        {
            return PyJson.Loads(text);
        }
        catch (JsonException e)
        {
            throw new FunctionException("JSONDecodeError", PyJson.DescribeError(text, e), e);
        }
    }

    /// <summary><c>yaml_dump(data)</c>: <c>yaml.safe_dump(data, default_flow_style=False)</c>.</summary>
    public static string YamlDump(object? data) => PyYaml.SafeDump(data);

    /// <summary><c>yaml_parse(data)</c>: <c>yaml.safe_load(data)</c> (YAML 1.1 scalars: <c>yes</c>/<c>on</c> are booleans).</summary>
    public static object? YamlParse(object? data)
    {
        if (data is not string text)
        {
            throw new FunctionException("AttributeError", $"'{PyText.TypeName(data)}' object has no attribute 'read'");
        }
        return PyYaml.SafeLoad(text);
    }

    /// <summary><c>uuid()</c>: a new random UUID (version 4) as text.</summary>
    public static string Uuid() => Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>env()</c>: the <c>__env</c> entry of the data context. <paramref name="strict"/> is Jinja's behaviour
    /// (<c>context['__env']</c> on the data: KeyError when absent); YAQL reads the variable and yields null.
    /// </summary>
    public static object? Env(object? context, bool strict)
    {
        if (context is IDictionary<string, object?> map && map.TryGetValue("__env", out var env))
        {
            return env;
        }
        if (strict)
        {
            if (context is IDictionary<string, object?>)
            {
                throw new FunctionException("KeyError", "'__env'");
            }
            throw new FunctionException("TypeError", $"'{PyText.TypeName(context)}' object is not subscriptable");
        }
        return null;
    }

    /// <summary>The failure of a database-backed function when no implementation is available (as in Mistral without a DB).</summary>
    public static FunctionException NoExecutionState() => new("TypeError", "'NoneType' object is not subscriptable");
}

/// <summary>Python's <c>json</c> module behaviour over the value model.</summary>
public static class PyJson
{
    /// <summary><c>json.dumps(value, indent=indent)</c> with <c>ensure_ascii=True</c>; sets/tuples as lists, datetimes as ISO text (oslo's <c>to_primitive</c>).</summary>
    public static string Dumps(object? value, int? indent)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, 0, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, int? indent, int level, int depth)
    {
        if (depth > 1000)
        {
            throw new FunctionException("RecursionError", "maximum recursion depth exceeded while encoding a JSON object");
        }
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case string s:
                WriteString(sb, s);
                return;
            case long or int or BigInteger:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FloatRepr(d));
                return;
            case IPythonValue p:
                Write(sb, p.ToStorable(), indent, level, depth + 1);
                return;
            case IDictionary<string, object?> map:
                if (map.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }
                sb.Append('{');
                var firstKey = true;
                foreach (var kv in map)
                {
                    if (!firstKey)
                    {
                        sb.Append(indent is null ? ", " : ",");
                    }
                    firstKey = false;
                    NewLine(sb, indent, level + 1);
                    WriteString(sb, kv.Key);
                    sb.Append(": ");
                    Write(sb, kv.Value, indent, level + 1, depth + 1);
                }
                NewLine(sb, indent, level);
                sb.Append('}');
                return;
            case IEnumerable<object?> list:
                {
                    var first = true;
                    sb.Append('[');
                    foreach (var item in list)
                    {
                        if (!first)
                        {
                            sb.Append(indent is null ? ", " : ",");
                        }
                        first = false;
                        NewLine(sb, indent, level + 1);
                        Write(sb, item, indent, level + 1, depth + 1);
                    }
                    if (!first)
                    {
                        NewLine(sb, indent, level);
                    }
                    sb.Append(']');
                    return;
                }
            default:
                throw new FunctionException("TypeError", $"Object of type {PyText.TypeName(value)} is not JSON serializable");
        }
    }

    private static void NewLine(StringBuilder sb, int? indent, int level)
    {
        if (indent is int n)
        {
            sb.Append('\n').Append(' ', n * level);
        }
    }

    /// <summary>A JSON string literal as Python writes it with <c>ensure_ascii=True</c>.</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(s);
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary><c>json.loads</c>: JSON text to a value (also NaN/Infinity as Python accepts them).</summary>
    public static object? Loads(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim(' ', '\t', '\n', '\r');
        switch (trimmed)
        {
            case "NaN": return double.NaN;
            case "Infinity": return double.PositiveInfinity;
            case "-Infinity": return double.NegativeInfinity;
            default: return Json.Parse(text);
        }
    }

    /// <summary>An approximation of Python's JSONDecodeError text: the reason and where it happened.</summary>
    public static string DescribeError(string text, JsonException e)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(e);
        var line = (e.LineNumber ?? 0) + 1;
        var column = (e.BytePositionInLine ?? 0) + 1;
        var offset = 0;
        var currentLine = 1;
        for (var i = 0; i < text.Length && currentLine < line; i++)
        {
            if (text[i] == '\n')
            {
                currentLine++;
                offset = i + 1;
            }
        }
        var reason = text.Trim().Length == 0 ? "Expecting value" : "Invalid JSON";
        return string.Create(CultureInfo.InvariantCulture, $"{reason}: line {line} column {column} (char {offset + column - 1})");
    }
}

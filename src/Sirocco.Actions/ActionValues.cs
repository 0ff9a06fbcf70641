using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Actions;

/// <summary>
/// The value convention shared with the Sirocco runtime (its value model): an action's input, result and error are
/// plain CLR objects — <c>null</c>, <see cref="bool"/>, <see cref="long"/> (or <see cref="BigInteger"/> when it
/// does not fit), <see cref="double"/>, <see cref="string"/>, <c>List&lt;object?&gt;</c> and
/// <c>OrderedDictionary&lt;string, object?&gt;</c> (key order kept, as in a Python dict). Inputs always arrive in
/// that shape. Results may use other common CLR shapes (int, float, decimal, arrays, any
/// <see cref="IEnumerable"/>, any dictionary with string keys, enums, dates); <see cref="Normalize"/> turns them into
/// the canonical shape, and rejects anything else with a clear error.
/// </summary>
public static class ActionValues
{
    /// <summary>Turns a CLR value into the canonical value shape (recursively).</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException">The value has no JSON-like form.</exception>
    public static object? Normalize(object? value) => value switch
    {
        null or bool or long or double or string or BigInteger => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        sbyte sb => (long)sb,
        uint ui => (long)ui,
        ushort us => (long)us,
        ulong ul => ul <= long.MaxValue ? (long)ul : new BigInteger(ul),
        float f => (double)f,
        decimal m => decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue ? (object)(long)m : (double)m,
        char c => c.ToString(),
        Enum e => e.ToString(),
        DateTime dt => dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        Guid g => g.ToString(),
        OrderedDictionary<string, object?> od when IsCanonical(od) => od,
        List<object?> l when l.TrueForAll(IsCanonicalItem) => l,
        IDictionary<string, object?> d => NormalizeMap(d),
        IReadOnlyDictionary<string, object?> rd => NormalizeMap(rd),
        IDictionary nd => NormalizeMap(nd),
        IEnumerable e => e.Cast<object?>().Select(Normalize).ToList(),
        _ => throw new ArgumentException($"not a value: {value.GetType().FullName} (actions exchange null, bool, integers, floats, strings, lists and string-keyed dictionaries)", nameof(value)),
    };

    /// <summary>
    /// Converts an input value to a parameter's CLR type, for actions that declare typed parameters
    /// (<c>long</c>, <c>int</c>, <c>double</c>, <c>string</c>, <c>bool</c>, lists, dictionaries; <c>object?</c> takes anything).
    /// </summary>
    /// <param name="value">The input value (canonical shape).</param>
    /// <param name="type">The parameter type.</param>
    /// <param name="parameterName">For the error message.</param>
    /// <exception cref="ArgumentException">The value does not fit the type.</exception>
    public static object? ConvertTo(object? value, Type type, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(object))
        {
            return value;
        }

        var underlying = Nullable.GetUnderlyingType(type);
        if (value is null)
        {
            return !type.IsValueType || underlying is not null
                ? null
                : throw Mismatch(value, type, parameterName);
        }

        var target = underlying ?? type;
        if (target.IsInstanceOfType(value))
        {
            return value;
        }

        try
        {
            switch (value)
            {
                case long l when target == typeof(int):
                    return checked((int)l);
                case long l when target == typeof(double):
                    return (double)l;
                case long l when target == typeof(decimal):
                    return (decimal)l;
                case long l when target == typeof(float):
                    return (float)l;
                case long l when target == typeof(TimeSpan):
                    return TimeSpan.FromSeconds(l);
                case double d when target == typeof(TimeSpan):
                    return TimeSpan.FromSeconds(d);
                case double d when target == typeof(float):
                    return (float)d;
                case double d when target == typeof(decimal):
                    return (decimal)d;
                case string s when target.IsEnum && Enum.TryParse(target, s, ignoreCase: true, out var ev):
                    return ev;
                case IList list when target.IsArray:
                    var elementType = target.GetElementType()!;
                    var array = Array.CreateInstance(elementType, list.Count);
                    for (var i = 0; i < list.Count; i++)
                    {
                        array.SetValue(ConvertTo(list[i], elementType, $"{parameterName}[{i}]"), i);
                    }

                    return array;
                case IList list when target.IsGenericType && target.GetGenericArguments().Length == 1
                                     && target.IsAssignableFrom(typeof(List<>).MakeGenericType(target.GetGenericArguments()[0])):
                    var itemType = target.GetGenericArguments()[0];
                    var typed = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
                    for (var i = 0; i < list.Count; i++)
                    {
                        typed.Add(ConvertTo(list[i], itemType, $"{parameterName}[{i}]"));
                    }

                    return typed;
                default:
                    break;
            }
        }
        catch (OverflowException)
        {
            // reported below as a mismatch
        }

        throw Mismatch(value, type, parameterName);
    }

    /// <summary>The signature-level type name of a CLR parameter type: string, integer, number, boolean, list, dict or any.</summary>
    /// <param name="type">The CLR type.</param>
    public static string TypeName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string) || t.IsEnum)
        {
            return "string";
        }

        if (t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(BigInteger))
        {
            return "integer";
        }

        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal) || t == typeof(TimeSpan))
        {
            return "number";
        }

        if (t == typeof(bool))
        {
            return "boolean";
        }

        if (typeof(IDictionary).IsAssignableFrom(t) || (t.IsGenericType && t.GetGenericTypeDefinition() is var g
                && (g == typeof(IDictionary<,>) || g == typeof(IReadOnlyDictionary<,>))))
        {
            return "dict";
        }

        return t != typeof(object) && typeof(IEnumerable).IsAssignableFrom(t) ? "list" : "any";
    }

    /// <summary>
    /// JSON text of a value as Python's <c>json.dumps</c> writes it (<c>", "</c> and <c>": "</c> separators,
    /// non-ASCII escaped): used for defaults in a params spec (<c>method="GET"</c>) and for request bodies.
    /// </summary>
    /// <param name="value">The value.</param>
    public static string ToJson(object? value)
    {
        var sb = new StringBuilder();
        AppendJson(sb, Normalize(value));
        return sb.ToString();
    }

    /// <summary>Python's <c>repr()</c> of a list of strings, as Mistral's messages show them: <c>['a', 'b']</c>.</summary>
    /// <param name="items">The strings.</param>
    public static string PythonListRepr(IEnumerable<string> items) =>
        "[" + string.Join(", ", items.Select(PythonStringRepr)) + "]";

    private static string PythonStringRepr(string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (var c in s)
        {
            _ = c switch
            {
                '\\' => sb.Append(@"\\"),
                '\n' => sb.Append(@"\n"),
                '\r' => sb.Append(@"\r"),
                '\t' => sb.Append(@"\t"),
                _ when c == quote => sb.Append('\\').Append(c),
                _ when c < ' ' => sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => sb.Append(c),
            };
        }

        return sb.Append(quote).ToString();
    }

    private static void AppendJson(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long or BigInteger:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                sb.Append(text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0");
                break;
            case string s:
                AppendJsonString(sb, s);
                break;
            case OrderedDictionary<string, object?> map:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in map)
                {
                    AppendJsonString(sb.Append(first ? "" : ", "), k);
                    sb.Append(": ");
                    AppendJson(sb, v);
                    first = false;
                }

                sb.Append('}');
                break;
            case List<object?> list:
                sb.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    sb.Append(i == 0 ? "" : ", ");
                    AppendJson(sb, list[i]);
                }

                sb.Append(']');
                break;
            default:
                throw new ArgumentException($"not a value: {value.GetType().FullName}", nameof(value));
        }
    }

    private static void AppendJsonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append(@"\\"),
                '\n' => sb.Append(@"\n"),
                '\r' => sb.Append(@"\r"),
                '\t' => sb.Append(@"\t"),
                '\b' => sb.Append(@"\b"),
                '\f' => sb.Append(@"\f"),
                _ when c < ' ' || c > '~' => sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => sb.Append(c),
            };
        }

        sb.Append('"');
    }

    private static bool IsCanonicalItem(object? v) => v is null or bool or long or double or string or BigInteger
        || (v is OrderedDictionary<string, object?> d && IsCanonical(d)) || (v is List<object?> l && l.TrueForAll(IsCanonicalItem));

    private static bool IsCanonical(OrderedDictionary<string, object?> d) => d.Values.All(IsCanonicalItem);

    private static OrderedDictionary<string, object?> NormalizeMap(IEnumerable<KeyValuePair<string, object?>> map)
    {
        var result = new OrderedDictionary<string, object?>();
        foreach (var (k, v) in map)
        {
            result[k] = Normalize(v);
        }

        return result;
    }

    private static OrderedDictionary<string, object?> NormalizeMap(IDictionary map)
    {
        var result = new OrderedDictionary<string, object?>();
        foreach (DictionaryEntry e in map)
        {
            result[e.Key as string ?? throw new ArgumentException($"not a value: dictionary key {e.Key} is not a string", nameof(map))] = Normalize(e.Value);
        }

        return result;
    }

    private static ArgumentException Mismatch(object? value, Type type, string parameterName) =>
        new($"Invalid value for parameter '{parameterName}': expected {TypeName(type)} ({type.Name}), got {DescribeType(value)}", parameterName);

    private static string DescribeType(object? value) => value switch
    {
        null => "null",
        bool => "boolean",
        long or BigInteger => "integer",
        double => "number",
        string => "string",
        IDictionary or IReadOnlyDictionary<string, object?> => "dict",
        IEnumerable => "list",
        _ => value.GetType().Name,
    };
}

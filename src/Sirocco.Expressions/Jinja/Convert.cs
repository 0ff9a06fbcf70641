using System.Numerics;

namespace Sirocco.Expressions.Jinja;

/// <summary>Between template values and the plain value model.</summary>
internal static class Convert
{
    /// <summary>
    /// The value as Mistral stores it (<c>to_json_str</c>): tuples, ranges, views and generators become lists, Markup a
    /// string. A strict Undefined fails (Mistral's <c>str(result)</c>); the plain one (from <c>x if c</c>) is null.
    /// </summary>
    public static object? ToStorable(object? value, int depth = 0)
    {
        if (depth > 1000)
        {
            throw new LimitExceededError("value nested too deeply");
        }
        switch (value)
        {
            case BigInteger bi:
                return PyNum.Normalize(bi);
            case null:
            case bool:
            case long:
            case double:
            case string:
                return value;
            case int i:
                return (long)i;
            case Markup m:
                return m.Text;
            case Undefined u:
                // Mistral's str(result) fails on a strict Undefined result; nested ones print as "Undefined"
                return u.Strict && depth == 0 ? throw u.Fail() : null;
            case IDictionary<string, object?> map:
                {
                    var result = new OrderedDictionary<string, object?>(map.Count, StringComparer.Ordinal);
                    foreach (var kv in map)
                    {
                        result[kv.Key] = ToStorable(kv.Value, depth + 1);
                    }
                    return result;
                }
            case Namespace or IJinjaCallable:
                return PyText.Repr(value);
            case IEnumerable<object?> seq:
                {
                    var result = new List<object?>();
                    foreach (var item in seq)
                    {
                        result.Add(ToStorable(item, depth + 1));
                    }
                    return result;
                }
            default:
                return PyText.Str(value);
        }
    }

    /// <summary>A private copy of a context, for templates that call mutating methods (the caller's value stays intact).</summary>
    public static object? DeepCopy(object? value, int depth = 0)
    {
        if (depth > 1000)
        {
            throw new LimitExceededError("context nested too deeply");
        }
        switch (value)
        {
            case IDictionary<string, object?> map:
                {
                    var result = new OrderedDictionary<string, object?>(map.Count, StringComparer.Ordinal);
                    foreach (var kv in map)
                    {
                        result[kv.Key] = DeepCopy(kv.Value, depth + 1);
                    }
                    return result;
                }
            case IList<object?> list:
                {
                    var result = new List<object?>(list.Count);
                    foreach (var item in list)
                    {
                        result.Add(DeepCopy(item, depth + 1));
                    }
                    return result;
                }
            default:
                return value;
        }
    }
}

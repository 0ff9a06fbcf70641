using System.Numerics;

namespace Sirocco.Engine.Tests.Support;

/// <summary>
/// Compares values as the conformance runner does: dict key order ignored, list order significant,
/// <c>1 == 1.0</c>, but <c>true != 1</c>. Returns the first difference, or null.
/// </summary>
internal static class JsonCompare
{
    public static string? FirstDifference(object? expected, object? actual, string path = "$")
    {
        if (expected is IDictionary<string, object?> e && actual is IDictionary<string, object?> a)
        {
            foreach (var k in e.Keys)
            {
                if (!a.ContainsKey(k))
                {
                    return $"{path}.{k} missing (expected {Sirocco.Values.Json.Serialize(e[k])})";
                }
            }
            foreach (var k in a.Keys)
            {
                if (!e.ContainsKey(k))
                {
                    return $"{path}.{k} unexpected ({Sirocco.Values.Json.Serialize(a[k])})";
                }
            }
            foreach (var k in e.Keys)
            {
                if (FirstDifference(e[k], a[k], $"{path}.{k}") is { } d)
                {
                    return d;
                }
            }
            return null;
        }
        if (expected is IList<object?> el && actual is IList<object?> al)
        {
            if (el.Count != al.Count)
            {
                return $"{path}: expected {el.Count} items {Sirocco.Values.Json.Serialize(el)}, got {al.Count} {Sirocco.Values.Json.Serialize(al)}";
            }
            for (var i = 0; i < el.Count; i++)
            {
                if (FirstDifference(el[i], al[i], $"{path}[{i}]") is { } d)
                {
                    return d;
                }
            }
            return null;
        }
        if (IsNumber(expected) && IsNumber(actual))
        {
            return ToDouble(expected!) == ToDouble(actual!) ? null : Diff(path, expected, actual);
        }
        if (expected is null && actual is null)
        {
            return null;
        }
        if (expected is bool eb && actual is bool ab)
        {
            return eb == ab ? null : Diff(path, expected, actual);
        }
        if (expected is string es && actual is string @as)
        {
            return es == @as ? null : Diff(path, expected, actual);
        }
        return Diff(path, expected, actual);
    }

    private static bool IsNumber(object? v) => v is long or int or double or BigInteger;

    private static double ToDouble(object v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        BigInteger b => (double)b,
        _ => double.NaN,
    };

    private static string Diff(string path, object? expected, object? actual) =>
        $"{path}: expected {Sirocco.Values.Json.Serialize(expected)}, got {Sirocco.Values.Json.Serialize(actual)}";
}

using System.Collections;
using System.Text;
using Sirocco.Values;

namespace Sirocco.Expressions;

/// <summary>Python's <c>str()</c>/<c>repr()</c> over the value model plus <see cref="IPythonValue"/> run-time values.</summary>
public static class PyText
{
    /// <summary>Python's <c>str(value)</c>.</summary>
    public static string Str(object? value)
    {
        switch (value)
        {
            case string s:
                return s;
            case IPythonValue p:
                {
                    var sb = new StringBuilder();
                    p.AppendStr(sb);
                    return sb.ToString();
                }
            default:
                return Repr(value);
        }
    }

    /// <summary>Python's <c>repr(value)</c>.</summary>
    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value);
        return sb.ToString();
    }

    /// <summary>Appends Python's <c>repr(value)</c>.</summary>
    public static void AppendRepr(StringBuilder sb, object? value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        switch (value)
        {
            case IPythonValue p:
                p.AppendRepr(sb);
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
                        Py.AppendStringRepr(sb, kv.Key);
                        sb.Append(": ");
                        AppendRepr(sb, kv.Value);
                    }
                    sb.Append('}');
                    break;
                }
            case IList<object?> list:
                AppendSequence(sb, list, "[", "]");
                break;
            default:
                Py.AppendRepr(sb, value);
                break;
        }
    }

    /// <summary>Appends the items of a sequence between the given brackets, as Python does.</summary>
    public static void AppendSequence(StringBuilder sb, IEnumerable items, string open, string close)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(items);
        sb.Append(open);
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            AppendRepr(sb, item);
        }
        sb.Append(close);
    }

    /// <summary>Python's type name of a value.</summary>
    public static string TypeName(object? value) => value is IPythonValue p ? p.PythonTypeName : Py.TypeName(value);

    /// <summary>The value as Mistral stores it: run-time values converted, containers copied only when needed.</summary>
    public static object? ToStorable(object? value)
    {
        switch (value)
        {
            case IPythonValue p:
                return ToStorable(p.ToStorable());
            case IDictionary<string, object?> map:
                {
                    OrderedDictionary<string, object?>? copy = null;
                    var i = 0;
                    foreach (var kv in map)
                    {
                        var converted = ToStorable(kv.Value);
                        if (copy is null && !ReferenceEquals(converted, kv.Value))
                        {
                            copy = new OrderedDictionary<string, object?>(map.Count);
                            var j = 0;
                            foreach (var earlier in map)
                            {
                                if (j++ == i)
                                {
                                    break;
                                }
                                copy[earlier.Key] = earlier.Value;
                            }
                        }
                        if (copy is not null)
                        {
                            copy[kv.Key] = converted;
                        }
                        i++;
                    }
                    return copy ?? (map is OrderedDictionary<string, object?> ? map : new OrderedDictionary<string, object?>(map));
                }
            case IList<object?> list:
                {
                    List<object?>? copy = null;
                    for (var i = 0; i < list.Count; i++)
                    {
                        var converted = ToStorable(list[i]);
                        if (copy is null && !ReferenceEquals(converted, list[i]))
                        {
                            copy = new List<object?>(list.Count);
                            for (var j = 0; j < i; j++)
                            {
                                copy.Add(list[j]);
                            }
                        }
                        copy?.Add(converted);
                    }
                    return copy ?? (list is List<object?> ? list : new List<object?>(list));
                }
            default:
                return value;
        }
    }
}

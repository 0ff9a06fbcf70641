namespace Sirocco.Engine.DataFlow;

/// <summary>
/// The dict helpers Mistral's data flow is built on (<c>mistral_lib.utils.merge_dicts</c> / <c>update_dict</c>),
/// as copying functions: values are shared and never mutated, so every result is a fresh map.
/// </summary>
public static class Dicts
{
    /// <summary>
    /// <c>merge_dicts(left, right)</c>: a deep merge, <paramref name="right"/> winning on clashes (or not, with
    /// <paramref name="overwrite"/> false); nested maps are merged, anything else replaced.
    /// </summary>
    public static OrderedDictionary<string, object?> Merge(IReadOnlyDictionary<string, object?>? left, IReadOnlyDictionary<string, object?>? right, bool overwrite = true)
    {
        var result = Copy(left);
        if (right is null)
        {
            return result;
        }
        foreach (var (key, value) in right)
        {
            if (!result.TryGetValue(key, out var existing))
            {
                result[key] = value;
            }
            else if (existing is OrderedDictionary<string, object?> l && value is OrderedDictionary<string, object?> r)
            {
                result[key] = Merge(l, r, overwrite);
            }
            else if (overwrite)
            {
                result[key] = value;
            }
        }
        return result;
    }

    /// <summary><c>update_dict(left, right)</c>: top-level keys of <paramref name="right"/> replace those of <paramref name="left"/>.</summary>
    public static OrderedDictionary<string, object?> Update(IReadOnlyDictionary<string, object?>? left, IReadOnlyDictionary<string, object?>? right)
    {
        var result = Copy(left);
        if (right is not null)
        {
            foreach (var (key, value) in right)
            {
                result[key] = value;
            }
        }
        return result;
    }

    /// <summary>A shallow copy (an empty map for null).</summary>
    public static OrderedDictionary<string, object?> Copy(IReadOnlyDictionary<string, object?>? map)
    {
        var result = new OrderedDictionary<string, object?>(map?.Count ?? 0);
        if (map is not null)
        {
            foreach (var (key, value) in map)
            {
                result[key] = value;
            }
        }
        return result;
    }

    /// <summary>
    /// Mistral's <c>ContextView</c> flattened: lookup goes through the layers in order and the first layer holding a
    /// key wins. Null layers are skipped.
    /// </summary>
    public static OrderedDictionary<string, object?> View(params IReadOnlyDictionary<string, object?>?[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var result = new OrderedDictionary<string, object?>();
        foreach (var layer in layers)
        {
            if (layer is null)
            {
                continue;
            }
            foreach (var (key, value) in layer)
            {
                result.TryAdd(key, value);
            }
        }
        return result;
    }

    /// <summary>A one-entry map.</summary>
    public static OrderedDictionary<string, object?> Of(string key, object? value) => new() { [key] = value };
}

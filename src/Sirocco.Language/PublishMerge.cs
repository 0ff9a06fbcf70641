namespace Sirocco.Language;

/// <summary>
/// Mistral 15's publish precedence (<c>DirectWorkflowTaskSpec.get_publish</c>), reproduced with its quirks:
/// a part is merged only into a part that already exists, so merging into a missing part drops the
/// incoming values.
/// </summary>
internal static class PublishMerge
{
    public static PublishSpec? Merge(TaskSpec task, bool success)
    {
        var own = success ? task.Publish : task.PublishOnError;
        PublishSpec? result = own is { Count: > 0 }
            ? new PublishSpec(DeepCopy(own), null, null, task.Position)
            : null;

        var onComplete = task.OnComplete?.Publish;
        if (onComplete is not null)
        {
            result = result is null ? Copy(onComplete) : Into(result, onComplete);
        }

        var clause = (success ? task.OnSuccess : task.OnError)?.Publish;
        if (clause is not null)
        {
            return result is null ? Copy(clause) : Into(Copy(clause), result);
        }

        return result;
    }

    // target.merge(incoming): each incoming part is deep-merged into target's part, incoming winning;
    // a part missing on the target stays missing (Python merges into None and discards the result).
    private static PublishSpec Into(PublishSpec target, PublishSpec incoming) => target with
    {
        Branch = MergePart(target.Branch, incoming.Branch),
        Global = MergePart(target.Global, incoming.Global),
        Atomic = MergePart(target.Atomic, incoming.Atomic),
    };

    private static OrderedDictionary<string, object?>? MergePart(
        OrderedDictionary<string, object?>? target, OrderedDictionary<string, object?>? incoming)
    {
        if (target is null || incoming is not { Count: > 0 })
        {
            return target;
        }

        var merged = DeepCopy(target);
        MergeInto(merged, incoming);
        return merged;
    }

    private static void MergeInto(OrderedDictionary<string, object?> left, OrderedDictionary<string, object?> right)
    {
        foreach (var (key, value) in right)
        {
            if (left.TryGetValue(key, out var existing)
                && existing is OrderedDictionary<string, object?> leftMap
                && value is OrderedDictionary<string, object?> rightMap)
            {
                MergeInto(leftMap, rightMap);
            }
            else
            {
                left[key] = DeepCopyValue(value);
            }
        }
    }

    private static PublishSpec Copy(PublishSpec spec) => spec with
    {
        Branch = spec.Branch is null ? null : DeepCopy(spec.Branch),
        Global = spec.Global is null ? null : DeepCopy(spec.Global),
        Atomic = spec.Atomic is null ? null : DeepCopy(spec.Atomic),
    };

    internal static OrderedDictionary<string, object?> DeepCopy(OrderedDictionary<string, object?> map)
    {
        var copy = new OrderedDictionary<string, object?>(map.Count);
        foreach (var (key, value) in map)
        {
            copy.Add(key, DeepCopyValue(value));
        }

        return copy;
    }

    internal static object? DeepCopyValue(object? value) => value switch
    {
        OrderedDictionary<string, object?> map => DeepCopy(map),
        List<object?> list => list.Select(DeepCopyValue).ToList(),
        _ => value,
    };
}

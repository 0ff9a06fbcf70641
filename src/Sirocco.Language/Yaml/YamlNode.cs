namespace Sirocco.Language.Yaml;

/// <summary>A YAML node with its position and its value resolved as PyYAML's safe loader resolves it.</summary>
internal abstract class YamlNode(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    /// <summary>The node as a plain Sirocco value (maps keep first-key order, last duplicate wins).</summary>
    public abstract object? ToValue();
}

/// <summary>A scalar: <see cref="Value"/> is null, bool, long, BigInteger, double or string.</summary>
internal sealed class YamlScalar(SourcePosition position, object? value, string text) : YamlNode(position)
{
    public object? Value { get; } = value;

    /// <summary>The scalar as written (after YAML unquoting).</summary>
    public string Text { get; } = text;

    public override object? ToValue() => Value;
}

internal sealed class YamlSequence(SourcePosition position, List<YamlNode> items) : YamlNode(position)
{
    public IReadOnlyList<YamlNode> Items { get; } = items;

    public override object? ToValue() => Items.Select(i => i.ToValue()).ToList();
}

/// <summary>One key/value of a mapping; <see cref="Key"/> is the key as text (non-string keys rendered as JSON would).</summary>
internal sealed record YamlEntry(string Key, YamlNode KeyNode, YamlNode Value);

internal sealed class YamlMapping(SourcePosition position, OrderedDictionary<string, YamlEntry> entries) : YamlNode(position)
{
    public OrderedDictionary<string, YamlEntry> Entries { get; } = entries;

    public int Count => Entries.Count;

    public YamlEntry? Find(string key) => Entries.TryGetValue(key, out var entry) ? entry : null;

    public YamlNode? this[string key] => Find(key)?.Value;

    public bool Contains(string key) => Entries.ContainsKey(key);

    public override object? ToValue()
    {
        var map = new OrderedDictionary<string, object?>(Entries.Count);
        foreach (var (key, entry) in Entries)
        {
            map[key] = entry.Value.ToValue();
        }

        return map;
    }
}

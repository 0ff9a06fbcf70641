using Sirocco.Values;

namespace Sirocco.Engine.Tests.Conformance;

/// <summary>One case of <c>shared/conformance/workflows/*.json</c>.</summary>
public sealed class ConformanceCase
{
    public required string Name { get; init; }

    public required OrderedDictionary<string, object?> Raw { get; init; }

    public string Definition => (string)Raw["definition"]!;

    public string Kind => Raw.GetValueOrDefault("kind") as string ?? "workflow";

    public string Workflow => Raw.GetValueOrDefault("workflow") as string ?? "wf";

    public OrderedDictionary<string, object?> Input => Raw.GetValueOrDefault("input") as OrderedDictionary<string, object?> ?? [];

    public OrderedDictionary<string, object?> Params => Raw.GetValueOrDefault("params") as OrderedDictionary<string, object?> ?? [];

    public OrderedDictionary<string, object?> Expect => Raw.GetValueOrDefault("expect") as OrderedDictionary<string, object?> ?? [];

    public static IReadOnlyList<ConformanceCase> LoadAll()
    {
        var dir = Path.Combine(Support.SharedFolder.Conformance, "workflows");
        return Directory.GetFiles(dir, "*.json")
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new ConformanceCase
            {
                Name = Path.GetFileNameWithoutExtension(f),
                Raw = (OrderedDictionary<string, object?>)Json.Parse(File.ReadAllText(f))!,
            })
            .ToList();
    }

    public override string ToString() => Name;
}

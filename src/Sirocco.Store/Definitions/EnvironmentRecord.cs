namespace Sirocco.Store.Definitions;

/// <summary>A stored environment (Mistral's <c>environments_v2</c>): named variables an execution reads as <c>env()</c>.</summary>
public sealed record EnvironmentRecord
{
    /// <summary>UUID; filled by the store on create when empty.</summary>
    public string Id { get; init; } = "";

    /// <summary>Name, unique in its project (environments have no namespace).</summary>
    public required string Name { get; init; }

    /// <summary>Description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>The variables.</summary>
    public OrderedDictionary<string, object?> Variables { get; init; } = [];

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string Scope { get; init; } = "private";

    /// <summary>Owning project.</summary>
    public string ProjectId { get; init; } = StoreOptions.DefaultProjectId;

    /// <summary>Creation time (UTC, whole seconds); set by the store.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>Last update time; null until the first update.</summary>
    public DateTime? UpdatedAt { get; init; }
}

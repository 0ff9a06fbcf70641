namespace Sirocco.Store.Definitions;

/// <summary>A stored workbook (Mistral's <c>workbooks_v2</c>).</summary>
public sealed record Workbook
{
    /// <summary>UUID; filled by the store on create when empty.</summary>
    public string Id { get; init; } = "";

    /// <summary>Workbook name.</summary>
    public required string Name { get; init; }

    /// <summary>Namespace; <c>''</c> is the default namespace.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>Owning project.</summary>
    public string ProjectId { get; init; } = StoreOptions.DefaultProjectId;

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string Scope { get; init; } = "private";

    /// <summary>The YAML text as the user sent it.</summary>
    public required string Definition { get; init; }

    /// <summary>The parsed spec as JSON text (opaque to the store).</summary>
    public string? Spec { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Creation time (UTC, whole seconds); set by the store.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>Last update time; null until the first update.</summary>
    public DateTime? UpdatedAt { get; init; }
}

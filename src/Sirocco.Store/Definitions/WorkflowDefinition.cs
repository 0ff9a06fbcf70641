namespace Sirocco.Store.Definitions;

/// <summary>A stored workflow definition (Mistral's <c>workflow_definitions_v2</c>; REST resource "Workflow").</summary>
public sealed record WorkflowDefinition
{
    /// <summary>UUID; filled by the store on create when empty.</summary>
    public string Id { get; init; } = "";

    /// <summary>Workflow name (for a workbook's workflow: <c>workbook.workflow</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Namespace; <c>''</c> is the default namespace.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>Owning project.</summary>
    public string ProjectId { get; init; } = StoreOptions.DefaultProjectId;

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string Scope { get; init; } = "private";

    /// <summary>The YAML text of this workflow as the user sent it.</summary>
    public required string Definition { get; init; }

    /// <summary>The parsed spec as JSON text (opaque to the store).</summary>
    public string? Spec { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Mistral's input string: names, <c>name="default"</c> for entries with defaults, joined by ", ".</summary>
    public string Input { get; init; } = "";

    /// <summary>Interface as JSON text: <c>{"input": [...], "output": [...]}</c>.</summary>
    public string Interface { get; init; } = "{}";

    /// <summary>MD5 of the definition text.</summary>
    public string? Checksum { get; init; }

    /// <summary>The workbook that defined this workflow, if any.</summary>
    public string? WorkbookName { get; init; }

    /// <summary>Creation time (UTC, whole seconds); set by the store.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>Last update time; null until the first update.</summary>
    public DateTime? UpdatedAt { get; init; }
}

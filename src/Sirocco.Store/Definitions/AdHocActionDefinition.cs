namespace Sirocco.Store.Definitions;

/// <summary>
/// A stored ad-hoc action (Mistral's <c>action_definitions_v2</c> row): created by <c>POST /v2/actions</c> or by a
/// workbook's <c>actions:</c> section (then named <c>workbook.action</c> and <see cref="WorkbookName"/> is set).
/// </summary>
public sealed record AdHocActionDefinition
{
    /// <summary>UUID; empty on a record not stored yet.</summary>
    public string Id { get; init; } = "";

    /// <summary>Full name (<c>wb.action</c> for a workbook action).</summary>
    public required string Name { get; init; }

    /// <summary>Namespace (<c>""</c> by default).</summary>
    public string Namespace { get; init; } = "";

    /// <summary>Owning project.</summary>
    public string ProjectId { get; init; } = StoreOptions.DefaultProjectId;

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string Scope { get; init; } = "private";

    /// <summary>The YAML text the action came from (an action file, or the whole workbook).</summary>
    public required string Definition { get; init; }

    /// <summary>The action's description, if any.</summary>
    public string? Description { get; init; }

    /// <summary>Params spec as Mistral shows it (<c>a, b="x"</c>), null when the action declares no input.</summary>
    public string? Input { get; init; }

    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The workbook that defines it, or null for a standalone action.</summary>
    public string? WorkbookName { get; init; }

    /// <summary>Legacy flag; always false for actions Sirocco stores.</summary>
    public bool IsSystem { get; init; }

    /// <summary>Creation time (UTC, whole seconds).</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>Last update, null until updated.</summary>
    public DateTime? UpdatedAt { get; init; }
}

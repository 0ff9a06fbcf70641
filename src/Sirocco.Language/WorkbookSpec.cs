namespace Sirocco.Language;

/// <summary>
/// A workbook (<c>POST /v2/workbooks</c>): workflows and ad-hoc actions stored under
/// <c>&lt;workbook&gt;.&lt;name&gt;</c>.
/// </summary>
/// <param name="Name">The workbook <c>name</c>.</param>
/// <param name="Version">The <c>version</c> value as text (must be 2.0).</param>
/// <param name="Description"><c>description</c>, or null.</param>
/// <param name="Tags"><c>tags</c>; empty when absent.</param>
/// <param name="Workflows">The workflows (short names) in document order.</param>
/// <param name="Actions">The ad-hoc actions (short names) in document order.</param>
public sealed record WorkbookSpec(
    string Name,
    string Version,
    string? Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<WorkflowSpec> Workflows,
    IReadOnlyList<AdHocActionSpec> Actions)
{
    /// <summary>The full stored name of a workbook member: <c>&lt;workbook&gt;.&lt;name&gt;</c>.</summary>
    public string QualifiedName(string shortName) => Name + "." + shortName;
}

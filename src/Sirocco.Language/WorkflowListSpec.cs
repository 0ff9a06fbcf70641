namespace Sirocco.Language;

/// <summary>A workflow file (<c>POST /v2/workflows</c>): <c>version</c> plus one or more workflows.</summary>
/// <param name="Version">The <c>version</c> value as text (Mistral then forces <c>2.0</c> per workflow).</param>
/// <param name="Workflows">The workflows in document order.</param>
public sealed record WorkflowListSpec(string Version, IReadOnlyList<WorkflowSpec> Workflows);

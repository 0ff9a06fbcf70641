namespace Sirocco.Language;

/// <summary>
/// <c>task-defaults</c> of a workflow as written. Its effect is already applied to every
/// <see cref="TaskSpec"/>; this is kept for display and for tools.
/// </summary>
/// <param name="Policies">Default policies (null members absent).</param>
/// <param name="OnSuccess">Default on-success clause (only its <c>Next</c> is used by Mistral).</param>
/// <param name="OnError">Default on-error clause.</param>
/// <param name="OnComplete">Default on-complete clause.</param>
/// <param name="SafeRerun">Default <c>safe-rerun</c>, or null.</param>
/// <param name="Requires">Default <c>requires</c> (reverse workflows).</param>
/// <param name="Position">Where <c>task-defaults</c> is written.</param>
public sealed record TaskDefaultsSpec(
    PoliciesSpec Policies,
    OnClauseSpec? OnSuccess,
    OnClauseSpec? OnError,
    OnClauseSpec? OnComplete,
    object? SafeRerun,
    IReadOnlyList<string> Requires,
    SourcePosition Position);

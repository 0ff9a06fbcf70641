namespace Sirocco.Language;

/// <summary>
/// The policies of a task or of task-defaults. Each value is a literal (<see cref="long"/> ≥ 0 for
/// wait-before / wait-after / timeout / concurrency, <see cref="bool"/> for pause-before / fail-on) or an
/// expression string evaluated just before use; null when absent.
/// </summary>
/// <remarks>
/// In <see cref="TaskSpec.Policies"/> (the effective policies) Mistral's merge with task-defaults is
/// already applied: per policy, the task's own value when it is "active" (a non-empty expression string,
/// a number &gt; 0, <c>true</c>, any retry block), otherwise the default's when active, otherwise null.
/// So in the effective set null always means "policy off", and a task's <c>0</c> / <c>false</c> cannot
/// switch off a default (Mistral's rule).
/// </remarks>
/// <param name="Retry">The retry policy.</param>
/// <param name="WaitBefore">Seconds to wait before the first start.</param>
/// <param name="WaitAfter">Seconds to wait after completion before transitions.</param>
/// <param name="Timeout">Seconds after the first start before the task errors.</param>
/// <param name="PauseBefore">Pause the workflow before starting the task.</param>
/// <param name="Concurrency">Maximum with-items actions in flight.</param>
/// <param name="FailOn">Turn a SUCCESS into ERROR when true.</param>
public sealed record PoliciesSpec(
    RetrySpec? Retry,
    object? WaitBefore,
    object? WaitAfter,
    object? Timeout,
    object? PauseBefore,
    object? Concurrency,
    object? FailOn)
{
    /// <summary>No policy at all.</summary>
    public static PoliciesSpec None { get; } = new(null, null, null, null, null, null, null);
}

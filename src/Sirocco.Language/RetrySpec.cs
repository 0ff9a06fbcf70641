namespace Sirocco.Language;

/// <summary>
/// The <c>retry</c> policy, from either form: the map <c>{count, delay, break-on, continue-on}</c>
/// or the one-line <c>count=3 delay=1 break-on=&lt;% ... %&gt;</c> (parsed with the inline parameter rules).
/// <see cref="Count"/> and <see cref="Delay"/> are a non-negative <see cref="long"/> or an expression
/// string; <see cref="BreakOn"/> / <see cref="ContinueOn"/> are expression strings or null when absent.
/// </summary>
/// <param name="Count">Number of extra attempts (total attempts ≤ count + 1), or an expression.</param>
/// <param name="Delay">Seconds between attempts, or an expression.</param>
/// <param name="BreakOn">Stop retrying an ERROR when this is true.</param>
/// <param name="ContinueOn">Keep retrying while this is true (also gates retries of errors).</param>
/// <param name="Position">Where the retry value is written.</param>
public sealed record RetrySpec(object? Count, object? Delay, string? BreakOn, string? ContinueOn, SourcePosition Position);

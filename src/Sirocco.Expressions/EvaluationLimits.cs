namespace Sirocco.Expressions;

/// <summary>
/// Bounds on one evaluation. Expressions are user code: a hostile one must stop with a clear
/// <see cref="ExpressionEvaluationException"/> (cause kind <c>LimitExceeded</c>), never hang or exhaust the process.
/// </summary>
public sealed record EvaluationLimits
{
    /// <summary>The defaults the engine uses.</summary>
    public static readonly EvaluationLimits Default = new();

    /// <summary>Maximum evaluation steps (function calls, loop iterations, produced elements).</summary>
    public long MaxSteps { get; init; } = 5_000_000;

    /// <summary>Maximum nesting depth of evaluation (recursion).</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>Maximum size of any produced string (chars) or collection (elements).</summary>
    public long MaxResultSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Wall-clock budget for one evaluation.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

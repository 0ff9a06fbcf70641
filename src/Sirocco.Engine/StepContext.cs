using Sirocco.Engine.Definitions;
using Sirocco.Expressions;

namespace Sirocco.Engine;

/// <summary>
/// Everything from outside that one step may use: the time, new ids and definition lookup. The engine reads no
/// clock and generates no randomness of its own, so a step is a deterministic function of (state, event, context).
/// </summary>
public sealed class StepContext
{
    /// <summary>The time of this step (UTC); stamped on every change and used to compute timer due times.</summary>
    public required DateTime Now { get; init; }

    /// <summary>Source of new ids (execution, task, action and timer ids).</summary>
    public required IIdGenerator Ids { get; init; }

    /// <summary>Definition lookup for sub-workflows, ad-hoc and custom actions.</summary>
    public IDefinitionResolver Definitions { get; init; } = EmptyDefinitionResolver.Instance;

    /// <summary>Cross-execution queries for <c>tasks()</c> without an id and <c>executions()</c>; null = only this execution is visible.</summary>
    public IExecutionQueries? Queries { get; init; }

    /// <summary>Bounds for every expression evaluation in this step.</summary>
    public EvaluationLimits Limits { get; init; } = EvaluationLimits.Default;

    /// <summary>
    /// Cheap synchronous standard actions (<c>std.noop</c>, <c>std.echo</c>, <c>std.fail</c>) complete inside the step
    /// instead of going out as <see cref="Effects.RunAction"/>. The architecture allows it; hosts may turn it off.
    /// </summary>
    public bool RunCheapActionsInline { get; init; } = true;
}

/// <summary>Source of new unique ids.</summary>
public interface IIdGenerator
{
    /// <summary>A new id (Mistral uses UUID strings).</summary>
    string NewId();
}

/// <summary>Random UUIDs: the production id generator.</summary>
public sealed class GuidIdGenerator : IIdGenerator
{
    /// <summary>The shared instance.</summary>
    public static readonly GuidIdGenerator Instance = new();

    /// <inheritdoc/>
    public string NewId() => Guid.NewGuid().ToString();
}

/// <summary>Deterministic ids for tests and replays: UUID-shaped, counting up.</summary>
public sealed class SequentialIdGenerator : IIdGenerator
{
    private long _next;

    /// <inheritdoc/>
    public string NewId()
    {
        var n = Interlocked.Increment(ref _next);
        return $"00000000-0000-4000-8000-{n:x12}";
    }
}

/// <summary>Queries over other executions, for the expression functions that reach beyond the current one.</summary>
public interface IExecutionQueries
{
    /// <summary><c>tasks(workflow_execution_id, recursive, state, flat)</c> for an execution other than the current one (or all, when the id is null).</summary>
    object? Tasks(string? workflowExecutionId, bool recursive, string? state, bool flat);

    /// <summary><c>executions(id, root_execution_id, state, from_time, to_time)</c>.</summary>
    object? Executions(string? id, string? rootExecutionId, string? state, string? fromTime, string? toTime);
}

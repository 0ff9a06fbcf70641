namespace Sirocco.Engine.Model;

/// <summary>
/// What the parent execution knows about one sub-workflow execution started by one of its tasks (the child's own
/// state lives in its own <see cref="ExecutionState"/>). Plays the role of an action execution for WORKFLOW tasks.
/// </summary>
public sealed class ChildExecution
{
    /// <summary>The child workflow execution id.</summary>
    public required string Id { get; set; }

    /// <summary>Owning task execution.</summary>
    public required string TaskExecutionId { get; set; }

    /// <summary>with-items index (0 for a plain task).</summary>
    public int Index { get; set; }

    /// <summary>Last known state of the child.</summary>
    public string State { get; set; } = States.Running;

    /// <summary>The child's state_info once completed.</summary>
    public string? StateInfo { get; set; }

    /// <summary>The child's output once completed.</summary>
    public OrderedDictionary<string, object?> Output { get; set; } = [];

    /// <summary>Whether its result counts (false for superseded attempts).</summary>
    public bool Accepted { get; set; }

    /// <summary>Creation order inside the parent execution.</summary>
    public long Sequence { get; set; }
}

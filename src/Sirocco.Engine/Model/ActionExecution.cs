namespace Sirocco.Engine.Model;

/// <summary>
/// One action execution: the fields of Mistral's ActionExecution resource (mistral-api.md §1.4) plus what the
/// engine and the executor need (index, target, timeout, safe-rerun, async).
/// </summary>
public sealed class ActionExecution
{
    /// <summary>Action execution id (UUID).</summary>
    public required string Id { get; set; }

    /// <summary>Action name as resolved (<c>std.echo</c>, <c>wb.my_action</c>).</summary>
    public required string Name { get; set; }

    /// <summary>Description.</summary>
    public string? Description { get; set; }

    /// <summary>Workflow definition name.</summary>
    public string? WorkflowName { get; set; }

    /// <summary>Workflow namespace.</summary>
    public string WorkflowNamespace { get; set; } = "";

    /// <summary>Workflow execution the action belongs to.</summary>
    public string? WorkflowExecutionId { get; set; }

    /// <summary>Name of the owning task.</summary>
    public string? TaskName { get; set; }

    /// <summary>Owning task execution (null for an action run directly through the API).</summary>
    public string? TaskExecutionId { get; set; }

    /// <summary>Action state (<see cref="States"/>).</summary>
    public string State { get; set; } = States.Running;

    /// <summary>Error text or other state info.</summary>
    public string? StateInfo { get; set; }

    /// <summary>Tags.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>False while running and for results of superseded attempts (retry); true when the result counts.</summary>
    public bool Accepted { get; set; }

    /// <summary>The evaluated action input.</summary>
    public OrderedDictionary<string, object?> Input { get; set; } = [];

    /// <summary>Stored output, Mistral's shape: <c>{"result": &lt;data or error&gt;}</c>; empty while running.</summary>
    public OrderedDictionary<string, object?> Output { get; set; } = [];

    /// <summary>with-items index (0 for a plain task).</summary>
    public int Index { get; set; }

    /// <summary>False for async actions (<c>std.async_noop</c>, <c>std.mistral_http</c>), which finish through the API.</summary>
    public bool IsSync { get; set; } = true;

    /// <summary>Executor routing key (<c>target:</c>).</summary>
    public string? Target { get; set; }

    /// <summary>Hard per-action timeout in seconds handed to the executor (the task's own <c>timeout</c>).</summary>
    public int? Timeout { get; set; }

    /// <summary>Whether a redelivered run request may run the action again.</summary>
    public bool SafeRerun { get; set; }

    /// <summary>Runtime data (e.g. the ad-hoc action chain to apply to the result).</summary>
    public OrderedDictionary<string, object?> RuntimeContext { get; set; } = [];

    /// <summary>Project id.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Creation order inside the execution.</summary>
    public long Sequence { get; set; }

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last change (UTC).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>How a step's with-items tally last counted this action (engine bookkeeping within one step; not serialized).</summary>
    internal (bool Accepted, string State)? Tallied { get; set; }
}

namespace Sirocco.Engine.Model;

/// <summary>
/// One task execution: the fields of Mistral's Task resource (mistral-api.md §1.4) plus the engine's own
/// (<c>in_context</c>, <c>next_tasks</c>, <c>error_handled</c>, join key).
/// </summary>
public sealed class TaskExecution
{
    /// <summary>Task execution id (UUID).</summary>
    public required string Id { get; set; }

    /// <summary>Task name.</summary>
    public required string Name { get; set; }

    /// <summary><c>ACTION</c> or <c>WORKFLOW</c>.</summary>
    public string Type { get; set; } = TaskTypes.Action;

    /// <summary>Workflow execution this task belongs to.</summary>
    public required string WorkflowExecutionId { get; set; }

    /// <summary>Workflow definition name.</summary>
    public required string WorkflowName { get; set; }

    /// <summary>Workflow namespace.</summary>
    public string WorkflowNamespace { get; set; } = "";

    /// <summary>Workflow definition id.</summary>
    public string? WorkflowId { get; set; }

    /// <summary>Tags from the task spec.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>Description from the task spec.</summary>
    public string? Description { get; set; }

    /// <summary>Task state (<see cref="States"/>).</summary>
    public string State { get; set; } = States.Idle;

    /// <summary>Why the task is in its state; null on success.</summary>
    public string? StateInfo { get; set; }

    /// <summary>Runtime data: <c>triggered_by</c>, retry counters, with-items bookkeeping, policy flags.</summary>
    public OrderedDictionary<string, object?> RuntimeContext { get; set; } = [];

    /// <summary>Inbound context (Mistral's <c>in_context</c>).</summary>
    public OrderedDictionary<string, object?> InContext { get; set; } = [];

    /// <summary>Evaluated branch publish; <c>{}</c> if none, null in Mistral's "dropped" case (§10.20).</summary>
    public OrderedDictionary<string, object?>? Published { get; set; } = [];

    /// <summary>Evaluated global publish of this task (the API's <c>published_global</c>).</summary>
    public OrderedDictionary<string, object?> PublishedGlobal { get; set; } = [];

    /// <summary>Set once the task's completion has been fully handled (transitions computed).</summary>
    public bool Processed { get; set; }

    /// <summary>Non-command transition targets taken, with their clause: <c>[["t2","on-success"], ...]</c>.</summary>
    public List<NextTask> NextTasks { get; set; } = [];

    /// <summary>True when at least one non-command target was taken.</summary>
    public bool HasNextTasks => NextTasks.Count > 0;

    /// <summary>True when an on-error entry was taken (the error does not fail the workflow).</summary>
    public bool ErrorHandled { get; set; }

    /// <summary>Join tasks: <c>join-task-&lt;wf_ex_id&gt;-&lt;name&gt;</c>, so that a join is created once.</summary>
    public string? UniqueKey { get; set; }

    /// <summary>Creation order inside the execution (Mistral's DB row order, which <c>task()</c> and output merges depend on).</summary>
    public long Sequence { get; set; }

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last change (UTC).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>When the task first ran its action (UTC).</summary>
    public DateTime? StartedAt { get; set; }

    /// <summary>When the task completed (UTC).</summary>
    public DateTime? FinishedAt { get; set; }

    /// <summary>
    /// A shallow copy: the scalar fields (state, state info, times) as they are now; the value maps are shared. Hosts
    /// that keep a state between steps hand copies to callers and watchers, so a later step does not change what
    /// they were told.
    /// </summary>
    public TaskExecution Copy() => (TaskExecution)MemberwiseClone();
}

/// <summary>A transition target a task took.</summary>
/// <param name="Name">Target task name.</param>
/// <param name="Event">The clause: <c>on-success</c>, <c>on-error</c> or <c>on-complete</c> (null for reverse workflows).</param>
public sealed record NextTask(string Name, string? Event);

/// <summary>Task types as the API shows them.</summary>
public static class TaskTypes
{
    /// <summary>A task that runs an action.</summary>
    public const string Action = "ACTION";

    /// <summary>A task that runs a sub-workflow.</summary>
    public const string Workflow = "WORKFLOW";
}

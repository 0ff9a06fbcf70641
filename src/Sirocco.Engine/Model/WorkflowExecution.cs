namespace Sirocco.Engine.Model;

/// <summary>
/// One workflow execution: the fields Mistral's REST API returns for an Execution (mistral-api.md §1.4)
/// plus what the engine needs. Values (input, output, params, context) are in the Sirocco.Values model.
/// </summary>
/// <remarks>The engine mutates the instances it is given inside <see cref="WorkflowEngine.Step"/>; the host owns them between steps.</remarks>
public sealed class WorkflowExecution
{
    /// <summary>Execution id (UUID).</summary>
    public required string Id { get; set; }

    /// <summary>Mistral's <c>name</c> of the execution: the workflow name.</summary>
    public required string Name { get; set; }

    /// <summary>Workflow definition name (<c>wb.wf</c> for workbook workflows).</summary>
    public required string WorkflowName { get; set; }

    /// <summary>Namespace of the workflow definition (<c>""</c> is the default namespace).</summary>
    public string WorkflowNamespace { get; set; } = "";

    /// <summary>Workflow definition id.</summary>
    public string? WorkflowId { get; set; }

    /// <summary>Description given at start.</summary>
    public string? Description { get; set; }

    /// <summary>Tags copied from the workflow definition.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>Execution params (<c>env</c>, <c>task_name</c>, <c>namespace</c>, <c>notify</c>, <c>root_execution_id</c>, <c>task_execution_id</c>, <c>index</c>, and any other key unchanged).</summary>
    public OrderedDictionary<string, object?> Params { get; set; } = [];

    /// <summary>Parent task execution id when this is a sub-workflow.</summary>
    public string? TaskExecutionId { get; set; }

    /// <summary>Root execution id (the top-level execution of a sub-workflow tree; null for a root execution as in Mistral).</summary>
    public string? RootExecutionId { get; set; }

    /// <summary>Parent workflow execution id when this is a sub-workflow (engine bookkeeping for NotifyParent).</summary>
    public string? ParentExecutionId { get; set; }

    /// <summary>Execution state (<see cref="States"/>).</summary>
    public string State { get; set; } = States.Idle;

    /// <summary>Why the execution is in its state (error text, command msg); null when there is nothing to say.</summary>
    public string? StateInfo { get; set; }

    /// <summary>Validated input with defaults filled in.</summary>
    public OrderedDictionary<string, object?> Input { get; set; } = [];

    /// <summary>Output once completed (empty before).</summary>
    public OrderedDictionary<string, object?> Output { get; set; } = [];

    /// <summary>Workflow context: <c>__execution</c>, evaluated <c>vars</c> and everything published <c>global</c>.</summary>
    public OrderedDictionary<string, object?> Context { get; set; } = [];

    /// <summary>Values published with <c>global:</c> (the API's <c>published_global</c>).</summary>
    public OrderedDictionary<string, object?> PublishedGlobal { get; set; } = [];

    /// <summary>Project id (multi-tenancy is the host's business; Mistral's default is <c>&lt;default-project&gt;</c>).</summary>
    public string? ProjectId { get; set; }

    /// <summary>Workbook the workflow came from, for resolving short action and sub-workflow names.</summary>
    public string? WorkbookName { get; set; }

    /// <summary>The workflow definition text as it was when the execution started (Mistral keeps a spec snapshot).</summary>
    public string Definition { get; set; } = "";

    /// <summary>
    /// The parsed spec of <see cref="Definition"/> (and the text instance it was parsed from), so the steps and saves
    /// of a loaded or cached execution look it up without hashing the whole text each time. Not serialized.
    /// </summary>
    internal (string Text, object Spec)? ParsedSpec { get; set; }

    /// <summary>Commands held back by a <c>pause</c> command, run on resume (Mistral's command backlog).</summary>
    public List<BacklogCommand> CommandBacklog { get; set; } = [];

    /// <summary>
    /// The environment expressions see as <c>__env</c> / <c>env()</c>: <c>params.env</c> (evaluated) for a root
    /// execution, the root execution's for a sub-workflow (Mistral always reads the root's).
    /// </summary>
    public OrderedDictionary<string, object?> Env { get; set; } = [];

    /// <summary>Runtime data (<c>index</c> for a with-items sub-workflow, ...).</summary>
    public OrderedDictionary<string, object?> RuntimeContext { get; set; } = [];

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>Last change (UTC).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>
    /// A shallow copy: the scalar fields (state, state info, times) as they are now; the value maps are shared. Hosts
    /// that keep a state between steps hand copies to callers and watchers, so a later step does not change what
    /// they were told.
    /// </summary>
    public WorkflowExecution Copy() => (WorkflowExecution)MemberwiseClone();
}

/// <summary>
/// A workflow command held back behind a <c>pause</c> command (Mistral's command backlog, kept in the execution's
/// runtime context as <c>cmd.to_dict()</c>): run on resume.
/// </summary>
public sealed class BacklogCommand
{
    /// <summary>The command: a task name to run, or <c>fail</c> / <c>succeed</c> / <c>pause</c> / <c>noop</c>.</summary>
    public required string CommandName { get; set; }

    /// <summary>The task spec the command belongs to (the target task, or for an engine command the task that produced it).</summary>
    public required string TaskName { get; set; }

    /// <summary>The inbound context the task will get.</summary>
    public OrderedDictionary<string, object?> Context { get; set; } = [];

    /// <summary><c>[{"task_id": ..., "event": ...}]</c> of the triggering task.</summary>
    public List<object?>? TriggeredBy { get; set; }

    /// <summary>True when the command carries a <c>msg</c> (engine commands).</summary>
    public bool HasMsg { get; set; }

    /// <summary>The evaluated <c>msg</c> of an engine command.</summary>
    public object? Msg { get; set; }
}

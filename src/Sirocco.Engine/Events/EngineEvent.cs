using System.Text.Json.Serialization;
using Sirocco.Engine.Definitions;

namespace Sirocco.Engine.Events;

/// <summary>
/// One thing that happened to a workflow execution. The host persists events, claims them and feeds them to
/// <see cref="WorkflowEngine.Step"/> one at a time per execution.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(StartWorkflow), "start")]
[JsonDerivedType(typeof(ActionCompleted), "action-completed")]
[JsonDerivedType(typeof(ActionStateChanged), "action-state-changed")]
[JsonDerivedType(typeof(TimerFired), "timer-fired")]
[JsonDerivedType(typeof(ChildCompleted), "child-completed")]
[JsonDerivedType(typeof(ChildStateChanged), "child-state-changed")]
[JsonDerivedType(typeof(PauseWorkflow), "pause")]
[JsonDerivedType(typeof(ResumeWorkflow), "resume")]
[JsonDerivedType(typeof(StopWorkflow), "stop")]
[JsonDerivedType(typeof(RerunTask), "rerun-task")]
public abstract record EngineEvent;

/// <summary>
/// Start a workflow execution (POST /v2/executions, or a parent task starting a sub-workflow).
/// Stepped with a null state; invalid input makes <see cref="WorkflowEngine.Step"/> throw an
/// <see cref="EngineException"/> and creates nothing, as Mistral refuses the request.
/// </summary>
public sealed record StartWorkflow : EngineEvent
{
    /// <summary>The workflow definition to run (a snapshot is kept in the execution).</summary>
    public required WorkflowDefinition Workflow { get; init; }

    /// <summary>Workflow input as given.</summary>
    public OrderedDictionary<string, object?> Input { get; init; } = [];

    /// <summary>Execution params as given (<c>env</c>, <c>task_name</c>, <c>evaluate_env</c>, <c>notify</c>, ...).</summary>
    public OrderedDictionary<string, object?> Params { get; init; } = [];

    /// <summary>Execution description.</summary>
    public string? Description { get; init; }

    /// <summary>The execution id to use (API clients may choose it); a new id when null.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Sub-workflows: the parent workflow execution.</summary>
    public string? ParentExecutionId { get; init; }

    /// <summary>Sub-workflows: the parent task execution.</summary>
    public string? ParentTaskExecutionId { get; init; }

    /// <summary>Sub-workflows: the root execution of the tree.</summary>
    public string? RootExecutionId { get; init; }

    /// <summary>Sub-workflows: the root execution's environment, which expressions in the sub-workflow read as <c>__env</c>.</summary>
    public OrderedDictionary<string, object?>? RootEnv { get; init; }

    /// <summary>Project id to stamp on the execution.</summary>
    public string? ProjectId { get; init; }
}

/// <summary>An action execution finished (executor result, inline result, or PUT /v2/action_executions/{id}).</summary>
/// <param name="ActionExecutionId">The action execution.</param>
/// <param name="Result">Its result.</param>
public sealed record ActionCompleted(string ActionExecutionId, ActionResult Result) : EngineEvent;

/// <summary>An async action was paused or resumed through the API (<c>PAUSED</c> / <c>RUNNING</c>).</summary>
/// <param name="ActionExecutionId">The action execution.</param>
/// <param name="State">The new state.</param>
public sealed record ActionStateChanged(string ActionExecutionId, string State) : EngineEvent;

/// <summary>A timer armed by an <see cref="Effects.ArmTimer"/> effect is due.</summary>
/// <param name="TimerId">The timer.</param>
public sealed record TimerFired(string TimerId) : EngineEvent;

/// <summary>A sub-workflow execution started by one of this execution's tasks completed.</summary>
/// <param name="ChildExecutionId">The child execution.</param>
/// <param name="State">SUCCESS, ERROR or CANCELLED.</param>
/// <param name="StateInfo">The child's state_info.</param>
/// <param name="Output">The child's output.</param>
public sealed record ChildCompleted(string ChildExecutionId, string State, string? StateInfo, OrderedDictionary<string, object?> Output) : EngineEvent;

/// <summary>A sub-workflow execution was paused or resumed (PAUSED / RUNNING).</summary>
/// <param name="ChildExecutionId">The child execution.</param>
/// <param name="State">The child's new state.</param>
public sealed record ChildStateChanged(string ChildExecutionId, string State) : EngineEvent;

/// <summary>Pause the execution (PUT /v2/executions/{id} state=PAUSED). Cascades to running sub-workflows.</summary>
public sealed record PauseWorkflow : EngineEvent;

/// <summary>Resume a paused execution (state=RUNNING), optionally merging <paramref name="Env"/> into <c>params.env</c>.</summary>
/// <param name="Env">Environment values to deep-merge, or null.</param>
public sealed record ResumeWorkflow(OrderedDictionary<string, object?>? Env = null) : EngineEvent;

/// <summary>Force-stop: state SUCCESS, ERROR or CANCELLED with a message (CANCELLED cascades to sub-workflows).</summary>
/// <param name="State">Target state.</param>
/// <param name="Message">The state_info to set.</param>
public sealed record StopWorkflow(string State, string? Message = null) : EngineEvent;

/// <summary>Rerun a failed task (PUT /v2/tasks/{id} state=RUNNING).</summary>
/// <param name="TaskExecutionId">The task execution in ERROR.</param>
/// <param name="Reset">True: rerun everything; false (with-items only): rerun failed items.</param>
/// <param name="Env">Environment values to merge, or null.</param>
public sealed record RerunTask(string TaskExecutionId, bool Reset = true, OrderedDictionary<string, object?>? Env = null) : EngineEvent;

/// <summary>
/// An action's result, as mistral-lib's <c>Result(data, error, cancel)</c>: an error is a non-null
/// <see cref="Error"/>.
/// </summary>
public sealed record ActionResult
{
    /// <summary>Result data on success.</summary>
    public object? Data { get; init; }

    /// <summary>Error value (string or any value); non-null means the action failed.</summary>
    public object? Error { get; init; }

    /// <summary>The action was cancelled.</summary>
    public bool Cancel { get; init; }

    /// <summary>True when <see cref="Error"/> is set.</summary>
    [JsonIgnore]
    public bool IsError => Error is not null;

    /// <summary>A successful result.</summary>
    public static ActionResult Ok(object? data) => new() { Data = data };

    /// <summary>A failed result.</summary>
    public static ActionResult Failed(object error) => new() { Error = error };

    /// <summary>A cancelled result.</summary>
    public static ActionResult Cancelled() => new() { Cancel = true };
}

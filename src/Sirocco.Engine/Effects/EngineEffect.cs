using System.Text.Json.Serialization;
using Sirocco.Engine.Events;

namespace Sirocco.Engine.Effects;

/// <summary>
/// Something the host must do after committing the step that produced it (the outbox).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "effect")]
[JsonDerivedType(typeof(RunAction), "run-action")]
[JsonDerivedType(typeof(StartChildWorkflow), "start-child")]
[JsonDerivedType(typeof(SignalChild), "signal-child")]
[JsonDerivedType(typeof(NotifyParent), "notify-parent")]
[JsonDerivedType(typeof(ArmTimer), "arm-timer")]
[JsonDerivedType(typeof(CancelTimer), "cancel-timer")]
public abstract record EngineEffect;

/// <summary>
/// Run an action on an executor and send back an <see cref="ActionCompleted"/> event for
/// <see cref="ActionExecutionId"/>. The action execution record already exists in the state (RUNNING).
/// </summary>
public sealed record RunAction : EngineEffect
{
    /// <summary>The workflow execution the result goes back to; null for an action run directly through the API.</summary>
    public required string? WorkflowExecutionId { get; init; }

    /// <summary>The action execution.</summary>
    public required string ActionExecutionId { get; init; }

    /// <summary>The owning task execution.</summary>
    public string? TaskExecutionId { get; init; }

    /// <summary>The action to run (a system/provider action; ad-hoc actions are already reduced to their base).</summary>
    public required string ActionName { get; init; }

    /// <summary>Evaluated input.</summary>
    public OrderedDictionary<string, object?> Input { get; init; } = [];

    /// <summary>Executor routing key.</summary>
    public string? Target { get; init; }

    /// <summary>Hard timeout in seconds, if any.</summary>
    public int? Timeout { get; init; }

    /// <summary>Whether a redelivered request may run it again.</summary>
    public bool SafeRerun { get; init; }

    /// <summary>False for async actions: the executor starts them and the result comes later through the API.</summary>
    public bool IsSync { get; init; } = true;

    /// <summary>Context for the action (mistral-lib's ActionContext: execution ids, workflow name, callback data).</summary>
    public OrderedDictionary<string, object?> ExecutionContext { get; init; } = [];
}

/// <summary>Create and start a sub-workflow execution: step a new execution with <see cref="Start"/>.</summary>
/// <param name="Start">The start event for the child (its <c>ExecutionId</c> is set).</param>
public sealed record StartChildWorkflow(StartWorkflow Start) : EngineEffect;

/// <summary>Deliver <paramref name="Event"/> (pause, resume, stop) to a sub-workflow execution: cascading.</summary>
/// <param name="ChildExecutionId">The child execution.</param>
/// <param name="Event">The event to step it with.</param>
public sealed record SignalChild(string ChildExecutionId, EngineEvent Event) : EngineEffect;

/// <summary>Deliver <paramref name="Event"/> (<see cref="ChildCompleted"/>, <see cref="ChildStateChanged"/>) to the parent execution.</summary>
/// <param name="ParentExecutionId">The parent execution.</param>
/// <param name="Event">The event to step it with.</param>
public sealed record NotifyParent(string ParentExecutionId, EngineEvent Event) : EngineEffect;

/// <summary>Arm a durable timer; when due, step this execution with <see cref="TimerFired"/>.</summary>
/// <param name="WorkflowExecutionId">The execution to wake.</param>
/// <param name="TimerId">The timer id.</param>
/// <param name="DueAt">When (UTC).</param>
/// <param name="Kind">What for (<see cref="Model.TimerKinds"/>), for diagnostics.</param>
public sealed record ArmTimer(string WorkflowExecutionId, string TimerId, DateTime DueAt, string Kind) : EngineEffect;

/// <summary>A timer is no longer needed (best effort: a late <see cref="TimerFired"/> for it is ignored).</summary>
/// <param name="TimerId">The timer id.</param>
public sealed record CancelTimer(string TimerId) : EngineEffect;

using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Executors;

namespace Sirocco.Runtime.Hosting;

/// <summary>Work handed to the host loop in memory; it is applied in the host's next commit.</summary>
internal abstract record HostWork;

/// <summary>A command from the API: step one execution with an event; completes after the commit.</summary>
internal sealed record EventCommand(string ExecutionId, EngineEvent Event) : HostWork
{
    public TaskCompletionSource<WorkflowExecution> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The command row it came from (an API-only node's command), answered in the same commit; null from this node's API.</summary>
    public Store.SiroccoStore.PendingCommand? Durable { get; init; }
}

/// <summary>A command from the API: delete an execution (and its sub-workflows); completes after the commit.</summary>
internal sealed record DeleteCommand(string ExecutionId, bool Force) : HostWork
{
    public TaskCompletionSource<WorkflowExecution> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The command row it came from (an API-only node's command), answered in the same commit; null from this node's API.</summary>
    public Store.SiroccoStore.PendingCommand? Durable { get; init; }
}

/// <summary>An executor's result for a claimed action request.</summary>
internal sealed record ActionOutcomeWork(ActionOutcome Outcome) : HostWork;

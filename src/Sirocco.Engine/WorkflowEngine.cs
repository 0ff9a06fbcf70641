using Sirocco.Engine.Events;
using Sirocco.Engine.Execution;
using Sirocco.Engine.Model;

namespace Sirocco.Engine;

/// <summary>
/// The engine: a deterministic, pure state machine per workflow execution. <see cref="Step"/> applies one event
/// to one execution's state and returns the new state and the effects the host must carry out after committing it.
/// </summary>
public static class WorkflowEngine
{
    /// <summary>
    /// Applies <paramref name="e"/> to <paramref name="state"/> (null only for <see cref="StartWorkflow"/>).
    /// The state is changed in place. Errors in the workflow (bad expressions, failing actions) end up in the state,
    /// as Mistral records them. A request the engine refuses (bad input at start, pausing a completed execution,
    /// rerunning a task that did not fail, an unknown action execution id) throws <see cref="EngineException"/>
    /// before anything is changed.
    /// </summary>
    public static StepResult Step(ExecutionState? state, EngineEvent e, StepContext ctx)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(ctx);
        return new StepRunner(ctx).Run(state, e);
    }
}

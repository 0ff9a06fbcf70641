using Sirocco.Engine.Events;
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
    /// The state is changed in place. Errors in the workflow (bad expressions, failing actions) end up in the state;
    /// a request the engine refuses throws <see cref="EngineException"/> and leaves the state unchanged.
    /// </summary>
    public static StepResult Step(ExecutionState? state, EngineEvent e, StepContext ctx)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(ctx);
        throw new EngineException("NotSupportedException", "not supported: engine step (being built)");
    }
}

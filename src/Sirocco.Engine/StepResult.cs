using Sirocco.Engine.Effects;
using Sirocco.Engine.Model;

namespace Sirocco.Engine;

/// <summary>What one step produced: the new state, the effects to carry out after commit, and what changed.</summary>
public sealed class StepResult
{
    /// <summary>The execution state after the step (the same instance that was passed in, changed in place, or a new one on start).</summary>
    public required ExecutionState State { get; init; }

    /// <summary>Effects in the order they were produced.</summary>
    public IReadOnlyList<EngineEffect> Effects { get; init; } = [];

    /// <summary>Ids of task executions created or changed by this step.</summary>
    public IReadOnlySet<string> ChangedTasks { get; init; } = new HashSet<string>();

    /// <summary>Ids of action executions created or changed by this step.</summary>
    public IReadOnlySet<string> ChangedActions { get; init; } = new HashSet<string>();

    /// <summary>True when the workflow execution record itself changed.</summary>
    public bool WorkflowChanged { get; init; }
}

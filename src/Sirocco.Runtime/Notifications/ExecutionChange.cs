using Sirocco.Engine.Model;

namespace Sirocco.Runtime.Notifications;

/// <summary>A committed change of one execution, published after the commit (for waiters and live progress).</summary>
/// <param name="Workflow">The workflow execution as committed.</param>
/// <param name="ChangedTasks">Task executions created or changed by the commit, in creation order.</param>
/// <param name="Deleted">The execution was deleted.</param>
public sealed record ExecutionChange(WorkflowExecution Workflow, IReadOnlyList<TaskExecution> ChangedTasks, bool Deleted = false);

using Sirocco.Expressions;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Rerun of a failed task (PUT /v2/tasks/{id} state=RUNNING; Mistral's <c>Workflow.rerun</c>): the workflow goes back
/// to RUNNING (and its parents, through <see cref="Effects.NotifyParent"/>), the task's earlier results stop counting
/// (all of them with reset, only the failed items without), and the task runs again from its policies on.
/// </summary>
internal sealed partial class StepRunner
{
    private void Rerun(RerunTask e)
    {
        var task = TaskById(e.TaskExecutionId)
            ?? throw new EngineException("NotFoundException", $"Task execution not found [id={e.TaskExecutionId}]");
        if (task.State != States.Error)
        {
            throw new EngineException("WorkflowException", $"Failed to rerun the task because it is not in ERROR state [task_ex_id={task.Id}, state={task.State}]");
        }
        var spec = TaskSpecOf(task);
        if (!e.Reset && !spec.HasWithItems)
        {
            throw new EngineException("InputException", "Only with-items task has the option to not reset.");
        }
        if (Wf.State == States.Paused)
        {
            return;
        }
        UpdateEnv(e.Env);
        SetWorkflowState(States.Running, null);
        if (Wf.ParentExecutionId is not null)
        {
            Emit(new Effects.NotifyParent(Wf.ParentExecutionId, new ChildStateChanged(Wf.Id, States.Running)));
        }
        if (States.IsCompleted(Wf.State))
        {
            return;
        }
        var cmd = new WorkflowCommand
        {
            Kind = CommandKind.RunExistingTask,
            TaskSpec = spec,
            Name = spec.Name,
            Context = task.InContext,
            Existing = task,
            Reset = e.Reset,
            Rerun = true,
            UniqueKey = task.UniqueKey,
        };
        ConfigureIfJoin(cmd);
        task.RuntimeContext.Clear();
        Touch(task);
        ContinueWithCommands([cmd]);
    }
}

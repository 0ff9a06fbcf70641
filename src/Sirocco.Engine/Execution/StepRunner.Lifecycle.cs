using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Pause, resume and stop (cancel / force SUCCESS or ERROR) of an execution, cascading to sub-workflows as Mistral's
/// <c>workflow_handler</c> does: pause and resume reach every running sub-workflow, stop only for CANCELLED.
/// </summary>
internal sealed partial class StepRunner
{
    private void PauseWorkflowCascading(object? msg)
    {
        if (Wf.State == States.Paused)
        {
            return;
        }
        if (!States.IsValidTransition(Wf.State, States.Paused))
        {
            throw new EngineException("WorkflowException", $"Can't change workflow execution state from {Wf.State} to {States.Paused}. [workflow={Wf.Name}, execution_id={Wf.Id}]");
        }
        foreach (var child in _state.Children)
        {
            if (!States.IsCompleted(child.State))
            {
                Emit(new SignalChild(child.Id, new PauseWorkflow()));
            }
        }
        SetWorkflowState(States.Paused, msg);
        if (Wf.ParentExecutionId is not null)
        {
            Emit(new NotifyParent(Wf.ParentExecutionId, new ChildStateChanged(Wf.Id, States.Paused)));
        }
    }

    private void ResumeWorkflowCascading(OrderedDictionary<string, object?>? env)
    {
        if (Wf.State is not (States.Paused or States.Idle))
        {
            return;
        }
        foreach (var child in _state.Children)
        {
            if (!States.IsCompleted(child.State))
            {
                Emit(new SignalChild(child.Id, new ResumeWorkflow()));
            }
        }
        UpdateEnv(env);
        SetWorkflowState(States.Running, null);
        var cmds = ContinueWorkflow(null);
        ContinueWithCommands(cmds);
        if (Wf.ParentExecutionId is not null)
        {
            Emit(new NotifyParent(Wf.ParentExecutionId, new ChildStateChanged(Wf.Id, States.Running)));
        }
    }

    /// <summary>Mistral's <c>_continue_workflow</c>: pause commands recomputed on resume are dropped.</summary>
    private void ContinueWithCommands(List<WorkflowCommand> cmds)
    {
        cmds = cmds.Where(c => c.Kind != CommandKind.Pause).ToList();
        foreach (var t in _state.Tasks)
        {
            if (States.IsCompleted(t.State) && !t.Processed)
            {
                t.Processed = true;
                Touch(t);
            }
        }
        if (cmds.Count > 0 || Wf.CommandBacklog.Count > 0)
        {
            DispatchWorkflowCommands(cmds);
        }
        else
        {
            CheckAndComplete();
        }
    }

    /// <summary>New env values are deep-merged into <c>params.env</c> (Mistral's <c>update_workflow_execution_env</c>).</summary>
    private void UpdateEnv(OrderedDictionary<string, object?>? env)
    {
        if (env is null || env.Count == 0)
        {
            return;
        }
        var current = Wf.Params.GetValueOrDefault("env") as OrderedDictionary<string, object?>;
        var merged = Dicts.Merge(current, env);
        Wf.Params["env"] = merged;
        if (Wf.RootExecutionId is null)
        {
            Wf.Env = merged;
        }
        TouchWorkflow();
    }

    /// <summary>Mistral's <c>stop_workflow</c>.</summary>
    private void StopWorkflowCascading(string state, object? msg)
    {
        switch (state)
        {
            case States.Success:
                if (!States.IsValidTransition(Wf.State, States.Success))
                {
                    throw new EngineException("WorkflowException", $"Can't change workflow execution state from {Wf.State} to {state}. [workflow={Wf.Name}, execution_id={Wf.Id}]");
                }
                SucceedWorkflow(FinalContextOrEmpty(), msg);
                break;
            case States.Error:
                FailWorkflow(FinalContextOrEmpty(), msg);
                break;
            case States.Cancelled:
                CancelWorkflow(msg);
                foreach (var child in _state.Children)
                {
                    if (!States.IsCompleted(child.State))
                    {
                        Emit(new SignalChild(child.Id, new StopWorkflow(States.Cancelled, msg as string)));
                    }
                }
                break;
            default:
                throw new EngineException("InvalidStateTransitionException", $"Invalid workflow execution state [wf_ex_id={Wf.Id}, wf_name={Wf.Name}, state={state}]");
        }
    }
}

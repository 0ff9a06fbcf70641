using Sirocco.Expressions;
using Sirocco.Engine.Model;
using Sirocco.Language;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Dispatching workflow commands (Mistral's <c>engine/dispatcher.py</c>): noops dropped, task commands before the
/// first state command kept (sorted the way Mistral sorts them), commands after a <c>pause</c> kept in the
/// backlog and run on resume, nothing after the workflow completed.
/// </summary>
internal sealed partial class StepRunner
{
    private void DispatchWorkflowCommands(List<WorkflowCommand> commands)
    {
        ProcessCommands(PollBacklog());
        ProcessCommands(commands);
    }

    private void ProcessCommands(List<WorkflowCommand> commands)
    {
        if (commands.Count == 0)
        {
            return;
        }
        foreach (var cmd in Rearrange(commands))
        {
            if (States.IsCompleted(Wf.State))
            {
                break;
            }
            if (Wf.State == States.Paused)
            {
                SaveToBacklog(cmd);
                continue;
            }
            if (cmd.Kind is CommandKind.RunTask or CommandKind.RunExistingTask)
            {
                RunTaskCommand(cmd);
            }
            else
            {
                SetWorkflowStateByCommand(cmd.NewState, cmd.Msg);
            }
        }
    }

    /// <summary>Mistral's <c>_rearrange_commands</c>.</summary>
    private static List<WorkflowCommand> Rearrange(List<WorkflowCommand> commands)
    {
        var cmds = commands.Where(c => c.Kind != CommandKind.Noop).ToList();
        var stateIdx = cmds.FindIndex(c => c.IsStateCommand);
        if (stateIdx < 0)
        {
            PySort.Sort(cmds, CompareTaskCommands);
            return cmds;
        }
        var stateCmd = cmds[stateIdx];
        if (stateIdx == 0 && stateCmd.Kind != CommandKind.Pause)
        {
            return [stateCmd];
        }
        var res = cmds.GetRange(0, stateIdx);
        PySort.Sort(res, CompareTaskCommands);
        res.Add(stateCmd);
        if (stateCmd.Kind == CommandKind.Pause)
        {
            res.AddRange(cmds.Skip(stateIdx + 1));
        }
        return res;
    }

    /// <summary>Mistral's comparator: waiting (join) commands go last, ordered by unique key. It is not a consistent order, which is why <see cref="PySort"/> is needed.</summary>
    private static int CompareTaskCommands(WorkflowCommand a, WorkflowCommand b)
    {
        if (a.Kind is not (CommandKind.RunTask or CommandKind.RunExistingTask) || !a.Wait)
        {
            return -1;
        }
        if (b.Kind is not (CommandKind.RunTask or CommandKind.RunExistingTask) || !b.Wait)
        {
            return 1;
        }
        return string.CompareOrdinal(a.UniqueKey, b.UniqueKey) switch
        {
            0 => 0,
            < 0 => -1,
            _ => 1,
        };
    }

    private void SaveToBacklog(WorkflowCommand cmd)
    {
        Wf.CommandBacklog.Add(new BacklogCommand
        {
            CommandName = cmd.Kind == CommandKind.RunExistingTask ? "run_existing_task" : cmd.Name,
            TaskName = cmd.TaskSpec.Name,
            Context = cmd.Context,
            TriggeredBy = cmd.TriggeredBy,
            HasMsg = cmd.HasMsg,
            Msg = cmd.Msg,
        });
        TouchWorkflow();
    }

    /// <summary>Mistral's <c>restore_command_from_dict</c>: note that join flags are not restored, as in Mistral.</summary>
    private List<WorkflowCommand> PollBacklog()
    {
        if (Wf.CommandBacklog.Count == 0)
        {
            return [];
        }
        var backlog = Wf.CommandBacklog;
        Wf.CommandBacklog = [];
        TouchWorkflow();
        var result = new List<WorkflowCommand>();
        foreach (var b in backlog)
        {
            var taskSpec = _spec.TaskNamed(b.TaskName);
            if (taskSpec is null)
            {
                continue;
            }
            var parameters = b.HasMsg ? new OrderedDictionary<string, object?> { ["msg"] = b.Msg } : null;
            result.Add(WorkflowCommand.Create(b.CommandName, taskSpec, b.Context, parameters, b.TriggeredBy, handlesError: false));
        }
        return result;
    }

    /// <summary>Mistral's <c>set_workflow_state</c> as engine commands use it.</summary>
    private void SetWorkflowStateByCommand(string state, object? msg)
    {
        if (States.IsCompleted(state))
        {
            StopWorkflowCascading(state, msg);
        }
        else if (state == States.Paused)
        {
            PauseWorkflowCascading(msg);
        }
    }

    /// <summary>Mistral's <c>continue_workflow</c> for this workflow's type.</summary>
    private List<WorkflowCommand> ContinueWorkflow(TaskExecution? task)
    {
        if (States.IsCompleted(Wf.State))
        {
            return [];
        }
        var cmds = new List<WorkflowCommand>();
        if (task is null)
        {
            // The base controller: IDLE tasks (e.g. held by pause-before) run again.
            foreach (var t in _state.Tasks)
            {
                if (t.State == States.Idle)
                {
                    cmds.Add(new WorkflowCommand
                    {
                        Kind = CommandKind.RunExistingTask,
                        TaskSpec = TaskSpecOf(t),
                        Name = t.Name,
                        Context = t.InContext,
                        Existing = t,
                        Reset = true,
                        UniqueKey = t.UniqueKey,
                    });
                }
            }
        }
        if (_spec.Type == WorkflowType.Reverse)
        {
            cmds.AddRange(FindReverseCommands());
            return cmds;
        }
        if (task is null && _state.Tasks.Count == 0)
        {
            return FindStartCommands();
        }
        var tasks = task is not null
            ? [task]
            : _state.Tasks.Where(t => States.IsCompleted(t.State) && !t.Processed).ToList();
        foreach (var t in tasks)
        {
            cmds.AddRange(FindNextCommandsForTask(t));
        }
        return cmds;
    }
}

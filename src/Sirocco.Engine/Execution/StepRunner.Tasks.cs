using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Model;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Running and completing tasks (Mistral's <c>task_handler.py</c> and <c>tasks.py</c>): creating task executions,
/// join deferral, forced failures with Mistral's texts, the completion sequence (publish, keep-result, policies,
/// transitions).
/// </summary>
internal sealed partial class StepRunner
{
    /// <summary>Mistral's <c>task_handler.run_task</c>.</summary>
    private void RunTaskCommand(WorkflowCommand cmd)
    {
        var task = BuildTaskFromCommand(cmd);
        try
        {
            if (task.Waiting && task.Rerun && task.Ex is not null)
            {
                SetTaskState(task.Ex, States.Waiting, "Task is waiting.");
                ScheduleRefreshTaskState(task.Ex);
            }
            RunTask(task);
        }
        catch (Exception e) when (IsWorkflowError(e))
        {
            var msg = $"Failed to run task [error={e.Message}, wf={Wf.Name}, task={cmd.TaskSpec.Name}]:\n{Trace(e)}";
            ForceFailTask(task.Ex, msg);
            return;
        }
        CheckAffectedTasks(task.Ex);
    }

    private TaskRun BuildTaskFromCommand(WorkflowCommand cmd)
    {
        if (cmd.Kind == CommandKind.RunExistingTask && cmd.Existing is { } ex)
        {
            return new TaskRun
            {
                Spec = cmd.TaskSpec,
                Ex = ex,
                Ctx = cmd.Context,
                Waiting = ex.State == States.Waiting,
                UniqueKey = ex.UniqueKey,
                TriggeredBy = cmd.TriggeredBy,
                Rerun = cmd.Rerun,
                ResetFlag = cmd.Reset,
            };
        }
        return new TaskRun
        {
            Spec = cmd.TaskSpec,
            Ctx = cmd.Context,
            Waiting = cmd.Wait,
            UniqueKey = cmd.UniqueKey,
            TriggeredBy = cmd.TriggeredBy,
        };
    }

    private TaskRun BuildTaskFromExecution(TaskExecution ex) => new()
    {
        Spec = TaskSpecOf(ex),
        Ex = ex,
        Ctx = ex.InContext,
    };

    private void RunTask(TaskRun task)
    {
        if (task.Ex is null)
        {
            RunNew(task);
        }
        else
        {
            RunExisting(task);
        }
    }

    private void RunNew(TaskRun task)
    {
        if (task.Waiting)
        {
            Defer(task);
            return;
        }
        var ex = CreateTaskExecution(task, States.Running, null);
        BeforeTaskStart(task);
        if (ex.State != States.Running)
        {
            return;
        }
        ScheduleActions(task);
    }

    private void RunExisting(TaskRun task)
    {
        var ex = task.Ex!;
        if (task.Waiting)
        {
            return;
        }
        if (ex.State == States.Success)
        {
            throw new MistralError("MistralError", "Rerunning succeeded tasks is not supported.");
        }
        SetTaskState(ex, States.Running, null, processed: false, rerun: task.Rerun);
        if (task.Rerun)
        {
            BeforeTaskStart(task);
            if (ex.State != States.Running)
            {
                return;
            }
        }
        UpdateInboundContext(task);
        if (task.TriggeredBy is not null)
        {
            ex.RuntimeContext["triggered_by"] = task.TriggeredBy;
        }
        ResetActions(task);
        ScheduleActions(task);
    }

    /// <summary>
    /// Join tasks wait (Mistral's <c>Task.defer</c>): the first trigger creates the task execution in WAITING, later
    /// ones find it. Once the join has left WAITING a later trigger changes nothing, so a join runs once.
    /// </summary>
    private void Defer(TaskRun task)
    {
        TaskExecution? existing = null;
        foreach (var t in _state.Tasks)
        {
            if (t.UniqueKey is not null && t.UniqueKey == task.UniqueKey)
            {
                existing = t;
                break;
            }
        }
        if (existing is not null)
        {
            task.Ex = existing;
            return;
        }
        CreateTaskExecution(task, States.Waiting, "Task is waiting.");
    }

    private TaskExecution CreateTaskExecution(TaskRun task, string state, string? stateInfo)
    {
        var ex = new TaskExecution
        {
            Id = NewId(),
            Name = task.Spec.Name,
            WorkflowExecutionId = Wf.Id,
            WorkflowName = Wf.WorkflowName,
            WorkflowNamespace = Wf.WorkflowNamespace,
            WorkflowId = Wf.WorkflowId,
            Tags = [.. task.Spec.Tags],
            Description = task.Spec.Description,
            State = state,
            StateInfo = stateInfo,
            UniqueKey = task.UniqueKey,
            InContext = task.Ctx,
            Published = [],
            Type = task.Spec.IsWorkflowTask ? TaskTypes.Workflow : TaskTypes.Action,
            Sequence = NextSequence(),
            CreatedAt = Now,
            UpdatedAt = Now,
            StartedAt = state == States.Running ? Now : null,
        };
        if (task.TriggeredBy is not null)
        {
            ex.RuntimeContext["triggered_by"] = task.TriggeredBy;
        }
        AddTask(ex);
        Touch(ex);
        task.Ex = ex;
        return ex;
    }

    private void UpdateInboundContext(TaskRun task)
    {
        task.Ctx = GetTaskInboundContext(task.Spec);
        task.Ex!.InContext = Dicts.Update(task.Ex.InContext, task.Ctx);
    }

    /// <summary>Mistral's <c>_reset_actions</c>: results of earlier runs stop counting.</summary>
    private void ResetActions(TaskRun task)
    {
        var ex = task.Ex!;
        foreach (var a in ActionsOf(ex))
        {
            if (a.Accepted && (task.ResetFlag || a.State is States.Error or States.Cancelled))
            {
                a.Accepted = false;
                Touch(a);
            }
        }
        foreach (var c in ChildrenOf(ex))
        {
            if (c.Accepted && (task.ResetFlag || c.State is States.Error or States.Cancelled))
            {
                c.Accepted = false;
            }
        }
    }

    /// <summary>Mistral's <c>get_task_inbound_context</c>.</summary>
    private OrderedDictionary<string, object?> GetTaskInboundContext(TaskSpec spec) =>
        EvaluateUpstreamContext(UpstreamTaskExecutions(spec));

    private List<TaskExecution> UpstreamTaskExecutions(TaskSpec spec)
    {
        if (_spec.Type == WorkflowType.Reverse)
        {
            var requires = spec.Requires;
            return _state.Tasks.Where(t => requires.Contains(t.Name) && t.State == States.Success).ToList();
        }
        var names = _spec.InboundTasks(spec.Name).Select(t => t.Name).ToList();
        if (names.Count == 0)
        {
            return [];
        }
        if (spec.Join is null)
        {
            // Not a join: Mistral assumes a single parent and takes the first inbound task's executions.
            return _state.Tasks.Where(t => t.Name == names[0] && States.IsCompleted(t.State) && t.Processed).ToList();
        }
        return _state.Tasks
            .Where(t => names.Contains(t.Name) && States.IsCompleted(t.State) && t.NextTasks.Any(n => n.Name == spec.Name))
            .ToList();
    }

    /// <summary>Mistral 15's <c>evaluate_upstream_context</c>: outbound contexts deep-merged, then all published values on top.</summary>
    private static OrderedDictionary<string, object?> EvaluateUpstreamContext(List<TaskExecution> upstream)
    {
        var published = new OrderedDictionary<string, object?>();
        var ctx = new OrderedDictionary<string, object?>();
        foreach (var t in upstream)
        {
            published = Dicts.Merge(published, t.Published);
            ctx = Dicts.Merge(ctx, OutboundContext(t));
        }
        return Dicts.Merge(ctx, published);
    }

    // ---------------------------------------------------------------- completion

    /// <summary>An action (or sub-workflow) of <paramref name="ex"/> finished: Mistral's <c>task_handler._on_action_complete</c>.</summary>
    private void OnTaskActionComplete(TaskExecution ex, string actionName, string actionState, object? actionResult)
    {
        var task = BuildTaskFromExecution(ex);
        try
        {
            if (task.IsWithItems)
            {
                WithItemsOnActionComplete(task);
            }
            else
            {
                var info = actionState == States.Success ? null : (Py.Truthy(actionResult) ? PyText.Str(actionResult) : null);
                Complete(task, actionState, info);
            }
        }
        catch (Exception e) when (IsWorkflowError(e))
        {
            var msg = $"Failed to handle action completion [error={e.Message}, wf={Wf.Name}, task={ex.Name}, action={actionName}]:\n{Trace(e)}";
            ForceFailTask(ex, msg);
            return;
        }
        CheckAffectedTasks(ex);
    }

    /// <summary>Mistral's <c>task_handler.complete_task</c> (join failures, wait-after, timeout).</summary>
    private void CompleteTaskFromHandler(TaskExecution ex, string state, string? stateInfo)
    {
        var task = BuildTaskFromExecution(ex);
        try
        {
            Complete(task, state, stateInfo);
        }
        catch (Exception e) when (IsWorkflowError(e))
        {
            var msg = $"Failed to complete task [error={e.Message}, wf={Wf.Name}, task={ex.Name}]:\n{Trace(e)}";
            ForceFailTask(ex, msg);
            return;
        }
        CheckAffectedTasks(ex);
    }

    /// <summary>Mistral's <c>task_handler.continue_task</c> (joins that may run, wait-before and retry timers).</summary>
    private void ContinueTask(TaskExecution ex)
    {
        var task = BuildTaskFromExecution(ex);
        try
        {
            SetTaskState(ex, States.Running, null);
            RunTask(task);
        }
        catch (Exception e) when (IsWorkflowError(e))
        {
            var msg = $"Failed to run task [error={e.Message}, wf={Wf.Name}, task={ex.Name}]:\n{Trace(e)}";
            ForceFailTask(ex, msg);
            return;
        }
        CheckAffectedTasks(ex);
    }

    /// <summary>Mistral's <c>Task.complete</c>: state, publish, keep-result, policies, then the next commands.</summary>
    private void Complete(TaskRun task, string state, string? stateInfo)
    {
        var ex = task.Ex!;
        if (States.IsCompleted(ex.State))
        {
            return;
        }
        SetTaskState(ex, state, stateInfo);
        PublishVariables(ex, task.Spec);
        if (!Py.Truthy(task.Spec.KeepResult))
        {
            foreach (var a in ActionsOf(ex))
            {
                a.Output = [];
                Touch(a);
            }
        }
        AfterTaskComplete(task);
        if (ex.State == States.Delayed)
        {
            return;
        }
        var cmds = ContinueWorkflow(ex);
        ex.NextTasks = [];
        foreach (var c in cmds)
        {
            if (c.IsEngineCommand)
            {
                continue;
            }
            var eventName = c.TriggeredBy is [OrderedDictionary<string, object?> first, ..] ? first.GetValueOrDefault("event") as string : null;
            ex.NextTasks.Add(new NextTask(c.TaskSpec.Name, eventName));
        }
        if (ex.State == States.Error)
        {
            ex.ErrorHandled = cmds.Any(c => c.HandlesError);
        }
        Touch(ex);
        if (Wf.State == States.Paused)
        {
            return;
        }
        ex.Processed = true;
        DispatchWorkflowCommands(cmds);
    }

    /// <summary>
    /// Mistral's <c>force_fail_task</c>: errors in the workflow's own structure (expressions, unknown actions, bad
    /// input) fail the task and the whole workflow at once; no on-error handling.
    /// </summary>
    private void ForceFailTask(TaskExecution? ex, string msg)
    {
        if (ex is not null)
        {
            SetTaskState(ex, States.Error, msg);
        }
        StopWorkflowCascading(States.Error, msg);
    }

    /// <summary>After a task completes, joins that may depend on it re-check their condition (Mistral's <c>_check_affected_tasks</c>).</summary>
    private void CheckAffectedTasks(TaskExecution? ex)
    {
        if (ex is null || !States.IsCompleted(ex.State) || States.IsCompleted(Wf.State))
        {
            return;
        }
        foreach (var t in _state.Tasks)
        {
            if (t.State == States.Waiting && t.UniqueKey is not null)
            {
                ScheduleRefreshTaskState(t);
            }
        }
    }
}

using Sirocco.Engine.Definitions;
using Sirocco.Expressions;
using Sirocco.Engine.Actions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Scheduling a task's action (Mistral's <c>RegularTask._schedule_actions</c> and <c>RegularAction</c>): input,
/// target, action lookup (workbook prefix first, then the name; namespace), parameter check, the action execution
/// record, and either an inline result (cheap std actions) or a <see cref="RunAction"/> effect.
/// </summary>
internal sealed partial class StepRunner
{
    private void ScheduleActions(TaskRun task)
    {
        if (task.IsWithItems)
        {
            WithItemsScheduleActions(task);
            return;
        }
        var input = GetActionInput(task, null);
        var target = GetTarget(task, input);
        if (task.Spec.IsWorkflowTask)
        {
            ScheduleWorkflowAction(task, input, 0);
            return;
        }
        var desc = GetActionDescriptor(task);
        ScheduleRegularAction(task, desc, input, target, 0);
    }

    /// <summary>Mistral's <c>_get_action_input</c>: the evaluated task input, then <c>env.__actions</c> defaults under it.</summary>
    private OrderedDictionary<string, object?> GetActionInput(TaskRun task, IReadOnlyDictionary<string, object?>? extra)
    {
        var ex = task.Ex!;
        var inputSpec = task.Spec.Input;
        object? input = Py.Truthy(inputSpec) ? Evaluate(inputSpec, TaskExpressionContext(ex, extra), ex) : new OrderedDictionary<string, object?>();
        if (input is not OrderedDictionary<string, object?> dict)
        {
            throw new MistralError("InputException",
                $"Wrong dynamic input for task: {task.Spec.Name}. Dict type is expected. Actual type: <class '{PyText.TypeName(input)}'>. Actual value: {PyText.Str(input)}");
        }
        return Dicts.Merge(dict, ActionDefaults(task), overwrite: false);
    }

    private OrderedDictionary<string, object?>? ActionDefaults(TaskRun task)
    {
        var name = task.Spec.Action;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        if (Wf.Params.GetValueOrDefault("env") is OrderedDictionary<string, object?> env
            && env.GetValueOrDefault("__actions") is OrderedDictionary<string, object?> actions
            && actions.GetValueOrDefault(name) is OrderedDictionary<string, object?> defaults)
        {
            return defaults;
        }
        return null;
    }

    private string? GetTarget(TaskRun task, OrderedDictionary<string, object?> input)
    {
        if (string.IsNullOrEmpty(task.Spec.Target))
        {
            return null;
        }
        var view = Dicts.View(input, task.Ctx, EnvDict(), Wf.Context, Wf.Input);
        var target = Evaluate(task.Spec.Target, view, task.Ex);
        return target is null ? null : PyText.Str(target);
    }

    /// <summary>The task's own <c>timeout</c> (not task-defaults'), handed to the executor as a hard limit.</summary>
    private int? GetActionTimeout(TaskRun task)
    {
        var timeout = task.Spec.OwnPolicies.Timeout;
        if (timeout is string)
        {
            timeout = Evaluate(timeout, Dicts.View(task.Ex!.InContext, Wf.Context, Wf.Input), task.Ex);
        }
        return timeout switch
        {
            long l when l > 0 => (int)Math.Min(l, int.MaxValue),
            double d when d > 0 => (int)Math.Ceiling(d),
            _ => null,
        };
    }

    private string GetActionName(TaskRun task)
    {
        object? name = task.Spec.Action;
        if (name is string plain && !ExpressionEvaluator.HasExpression(plain))
        {
            // a plain action name (the usual case): nothing to evaluate, no expression context to build
            return plain.Length > 0 ? plain : "std.noop";
        }
        if (Py.Truthy(name))
        {
            name = Evaluate(name, TaskExpressionContext(task.Ex!), task.Ex);
        }
        return Py.Truthy(name) ? PyText.Str(name) : "std.noop";
    }

    /// <summary>Mistral's <c>_get_action_descriptor</c>: <c>&lt;workbook&gt;.&lt;name&gt;</c> first, then the name.</summary>
    private ActionDescriptor GetActionDescriptor(TaskRun task)
    {
        var name = GetActionName(task);
        var ns = Wf.WorkflowNamespace;
        ActionDescriptor? desc = null;
        if (Wf.RuntimeContext.GetValueOrDefault("wb_name") is string wb)
        {
            desc = FindAction($"{wb}.{name}", ns);
        }
        desc ??= FindAction(name, ns);
        return desc ?? throw new MistralError("MistralException", $"Failed to find action [action_name={name}, namespace={ns}]");
    }

    private ActionDescriptor? FindAction(string name, string ns)
    {
        if (StandardActions.Find(name) is { } std)
        {
            return new ActionDescriptor
            {
                Name = std.Name,
                BaseName = std.Name,
                ClassName = std.ClassName,
                Parameters = std.Parameters.Select(p => (p.Name, p.Required)).ToList(),
                IsAsync = std.IsAsync,
                BaseIsStandard = true,
            };
        }
        var def = FindActionDefinition(name, ns);
        if (def is null)
        {
            return null;
        }
        if (def.Definition is not null)
        {
            return ResolveAdHocAction(def);
        }
        return new ActionDescriptor
        {
            Name = def.Name,
            BaseName = def.Name,
            ClassName = def.Name,
            Parameters = def.Parameters?.Select(p => (p.Name, p.Required)).ToList(),
            IsAsync = def.IsAsync,
            Definition = def,
        };
    }

    /// <summary>
    /// A non-standard action by exact name: the host's resolver first, then the ad-hoc actions of the workbook this
    /// execution's workflow came from (its text is part of the execution, so they resolve even when the host does not
    /// store workbook actions separately).
    /// </summary>
    private ActionDefinition? FindActionDefinition(string name, string ns)
    {
        if (_ctx.Definitions.FindAction(name, ns) is { } def)
        {
            return def;
        }
        if (Wf.WorkbookName is { } wb && name.StartsWith(wb + ".", StringComparison.Ordinal) && Wf.Definition.Length > 0)
        {
            try
            {
                var workbook = SpecCache.GetWorkbook(Wf.Definition);
                var shortName = name[(wb.Length + 1)..];
                if (workbook.Name == wb && workbook.Actions.Any(a => a.Name == shortName))
                {
                    return new ActionDefinition { Name = name, Namespace = ns, Definition = Wf.Definition, WorkbookName = wb };
                }
            }
            catch (Sirocco.Language.LanguageException)
            {
                // Not a workbook text: nothing to find here.
            }
        }
        return null;
    }

    /// <summary>Mistral's <c>check_parameters</c>: missing or unexpected input fails the task (forced).</summary>
    private static void CheckParameters(ActionDescriptor desc, IReadOnlyDictionary<string, object?> input)
    {
        if (desc.Parameters is null)
        {
            return;
        }
        var (missing, unexpected) = CompareParameters(desc.Parameters, input);
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new MistralError("InputException", InvalidInputMessage(desc.Name, desc.ClassName, missing, unexpected));
        }
    }

    private void ScheduleRegularAction(TaskRun task, ActionDescriptor desc, OrderedDictionary<string, object?> input, string? target, int index)
    {
        CheckParameters(desc, input);
        var ex = task.Ex!;
        var (baseName, baseInput) = desc.AdHocChain.Count > 0 ? AdHocBaseInput(task, desc, input) : (desc.BaseName, input);
        var safeRerun = Py.Truthy(task.Spec.SafeRerun);
        var a = new ActionExecution
        {
            Id = NewId(),
            Name = desc.Name,
            Description = "",
            State = States.Running,
            Input = input,
            RuntimeContext = new OrderedDictionary<string, object?> { ["index"] = (long)index, ["safe_rerun"] = safeRerun },
            WorkflowName = ex.WorkflowName,
            WorkflowNamespace = ex.WorkflowNamespace,
            WorkflowExecutionId = Wf.Id,
            TaskExecutionId = ex.Id,
            TaskName = ex.Name,
            ProjectId = Wf.ProjectId,
            IsSync = !desc.IsAsync,
            Index = index,
            Target = target,
            Timeout = GetActionTimeout(task),
            SafeRerun = safeRerun,
            Sequence = NextSequence(),
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        if (desc.AdHocChain.Count > 0)
        {
            a.RuntimeContext[AdHocChainKey] = true;
        }
        AddAction(a);
        Touch(a);
        if (_ctx.RunCheapActionsInline && desc.BaseIsStandard && StandardActions.TryRunInline(baseName, baseInput, a.Id) is { } result)
        {
            _work.Enqueue(() => CompleteAction(a, result));
            return;
        }
        Emit(new RunAction
        {
            WorkflowExecutionId = Wf.Id,
            ActionExecutionId = a.Id,
            TaskExecutionId = ex.Id,
            ActionName = baseName,
            Input = baseInput,
            Target = target,
            Timeout = a.Timeout,
            SafeRerun = safeRerun,
            IsSync = a.IsSync,
            ExecutionContext = new OrderedDictionary<string, object?>
            {
                ["workflow_execution_id"] = Wf.Id,
                ["task_execution_id"] = ex.Id,
                ["workflow_name"] = Wf.Name,
                ["action_execution_id"] = a.Id,
                ["callback_url"] = $"/v2/action_executions/{a.Id}",
            },
        });
    }

    private void OnActionCompleted(ActionCompleted e)
    {
        var a = _state.FindAction(e.ActionExecutionId)
            ?? throw new EngineException("NotFoundException", $"Action execution not found [id={e.ActionExecutionId}]");
        CompleteAction(a, e.Result);
    }

    /// <summary>Mistral's <c>action_handler.on_action_complete</c>. A second result for the same action is ignored.</summary>
    private void CompleteAction(ActionExecution a, ActionResult result)
    {
        if (States.IsCompleted(a.State))
        {
            return;
        }
        a.State = result.IsError ? States.Error : result.Cancel ? States.Cancelled : States.Success;
        var value = result.IsError ? result.Error : result.Cancel ? null : result.Data;
        if (a.State == States.Success && a.RuntimeContext.ContainsKey(AdHocChainKey))
        {
            try
            {
                value = AdHocPostProcess(a, value);
            }
            catch (Exception e) when (IsWorkflowError(e))
            {
                var msg = $"Failed to complete action [error={e.Message}, action={a.Name}, task={a.TaskName}]:\n{Trace(e)}";
                a.State = States.Error;
                a.Output = new OrderedDictionary<string, object?> { ["result"] = msg };
                a.Accepted = true;
                Touch(a);
                if (a.TaskExecutionId is not null && TaskById(a.TaskExecutionId) is { } failed)
                {
                    ForceFailTask(failed, msg);
                }
                return;
            }
        }
        a.Output = new OrderedDictionary<string, object?> { ["result"] = value };
        a.Accepted = true;
        Touch(a);
        if (a.TaskExecutionId is null || TaskById(a.TaskExecutionId) is not { } task)
        {
            return;
        }
        OnTaskActionComplete(task, a.Name, a.State, value);
    }

    private void OnActionStateChanged(ActionStateChanged e)
    {
        var a = _state.FindAction(e.ActionExecutionId)
            ?? throw new EngineException("NotFoundException", $"Action execution not found [id={e.ActionExecutionId}]");
        if (e.State == States.Paused && a.IsSync)
        {
            throw new EngineException("InvalidStateTransitionException", "Transition to the PAUSED state is only supported for asynchronous action execution.");
        }
        if (!States.IsValidTransition(a.State, e.State))
        {
            throw new EngineException("InvalidStateTransitionException", $"Invalid state transition from {a.State} to {e.State}.");
        }
        a.State = e.State;
        Touch(a);
        if (a.TaskExecutionId is not null && TaskById(a.TaskExecutionId) is { } task)
        {
            OnTaskActionUpdate(task, e.State);
        }
    }

    /// <summary>Mistral's <c>_on_action_update</c>: a paused async action or sub-workflow pauses its task and the workflow.</summary>
    private void OnTaskActionUpdate(TaskExecution task, string state)
    {
        if (!States.IsCompleted(task.State) && States.IsValidTransition(task.State, state))
        {
            var childPaused = ActionsOf(task).Any(x => x.State == States.Paused) || ChildrenOf(task).Any(x => x.State == States.Paused);
            if (!(state == States.Running && childPaused))
            {
                SetTaskState(task, state, null);
            }
        }
        if (state == States.Paused)
        {
            PauseWorkflowCascading(null);
        }
        else if (state == States.Running)
        {
            if (_state.Tasks.Any(t => t.State == States.Paused))
            {
                return;
            }
            ResumeWorkflowCascading(null);
        }
    }
}

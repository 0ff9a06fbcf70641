using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Ending a workflow (Mistral's <c>check_and_complete</c>, <c>_succeed_workflow</c>, <c>_fail_workflow</c>,
/// <c>_cancel_workflow</c>): the final context, output / output-on-error / implicit output, and the
/// "Failure caused by error in tasks" text.
/// </summary>
internal sealed partial class StepRunner
{
    /// <summary>Completes the workflow when no task is active any more.</summary>
    private void CheckAndComplete()
    {
        if (Wf.State is States.Paused || States.IsCompleted(Wf.State) || Wf.State != States.Running)
        {
            return;
        }
        foreach (var t in _state.Tasks)
        {
            if (States.IsActive(t.State))
            {
                return;
            }
        }
        try
        {
            if (_state.Tasks.Any(t => t.State == States.Cancelled))
            {
                var names = _state.Tasks.Where(t => t.State == States.Cancelled).Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);
                CancelWorkflow("Cancelled tasks: " + string.Join(", ", names));
            }
            else if (AllErrorsHandled())
            {
                SucceedWorkflow(FinalContext(), null);
            }
            else
            {
                var msg = BuildFailInfoMessage();
                FailWorkflow(FinalContext(), msg);
            }
        }
        catch (Exception e) when (IsWorkflowError(e))
        {
            var msg = $"Failed to check and complete [wf_ex_id={Wf.Id}, wf_name={Wf.Name}]: {e.Message}\n{Trace(e)}";
            StopWorkflowCascading(States.Error, msg);
        }
    }

    private bool AllErrorsHandled() => _spec.Type == WorkflowType.Reverse
        ? !_state.Tasks.Any(t => t.State == States.Error)
        : !_state.Tasks.Any(t => t.State == States.Error && !t.ErrorHandled);

    /// <summary>For the failure text: direct workflows leave out tasks that have an on-error clause, whatever its guards said.</summary>
    private bool IsErrorHandledFor(TaskExecution t) => _spec.Type == WorkflowType.Reverse
        ? t.State != States.Error
        : (_spec.TaskNamed(t.Name)?.OnError?.Next.Count ?? 0) > 0;

    private string BuildFailInfoMessage()
    {
        var failed = _state.Tasks
            .Where(t => t.State == States.Error)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Where(t => !IsErrorHandledFor(t))
            .ToList();
        var sb = new System.Text.StringBuilder();
        sb.Append("Failure caused by error in tasks: ").Append(string.Join(", ", failed.Select(t => t.Name))).Append('\n');
        foreach (var t in failed)
        {
            sb.Append("\n  ").Append(t.Name).Append(" [task_ex_id=").Append(t.Id).Append("] -> ").Append(t.StateInfo ?? "None").Append('\n');
            var i = 0;
            foreach (var a in ActionsOf(t))
            {
                if (a.State == States.Error)
                {
                    var output = a.Output.TryGetValue("result", out var r) ? r : "Unknown";
                    sb.Append("    [action_ex_id=").Append(a.Id).Append(", idx=").Append(i).Append("]: ").Append(PyText.Str(output)).Append('\n');
                }
                i++;
            }
            i = 0;
            foreach (var c in ChildrenOf(t))
            {
                if (c.State == States.Error)
                {
                    var output = c.Output.TryGetValue("result", out var r) ? r : "Unknown";
                    sb.Append("    [wf_ex_id=").Append(c.Id).Append(", idx=").Append(i).Append("]: ").Append(PyText.Str(output)).Append('\n');
                }
                i++;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Direct: the outbound contexts of completed tasks that took no task transition (end tasks), merged in creation
    /// order. Reverse: the target task's outbound context.
    /// </summary>
    private OrderedDictionary<string, object?> FinalContext()
    {
        if (_spec.Type == WorkflowType.Reverse)
        {
            var target = Wf.Params.GetValueOrDefault("task_name") as string;
            var t = _state.Tasks.FirstOrDefault(x => x.Name == target);
            return t is null ? [] : OutboundContext(t);
        }
        var ctx = new OrderedDictionary<string, object?>();
        foreach (var t in _state.Tasks)
        {
            if (States.IsCompleted(t.State) && !t.HasNextTasks)
            {
                ctx = Dicts.Merge(ctx, OutboundContext(t));
            }
        }
        return ctx;
    }

    /// <summary>Mistral's <c>_get_final_context</c>: errors are swallowed (empty context).</summary>
    private OrderedDictionary<string, object?> FinalContextOrEmpty()
    {
        try
        {
            return FinalContext();
        }
        catch (Exception e) when (IsWorkflowError(e))
        {
            return [];
        }
    }

    /// <summary>Mistral's <c>evaluate_workflow_output</c>: <c>output or ctx</c>.</summary>
    private OrderedDictionary<string, object?> EvaluateWorkflowOutput(object? outputSpec, OrderedDictionary<string, object?> ctx)
    {
        var view = Dicts.View(ctx, EnvDict(), Wf.Context, Wf.Input);
        var output = Evaluate(outputSpec, view, null);
        return Py.Truthy(output) && output is OrderedDictionary<string, object?> map ? map : ctx;
    }

    private void SucceedWorkflow(OrderedDictionary<string, object?> finalContext, object? msg)
    {
        var output = EvaluateWorkflowOutput(_spec.Output, finalContext);
        SetWorkflowState(States.Success, msg);
        Wf.Output = output;
        SendResultToParent();
    }

    private void FailWorkflow(OrderedDictionary<string, object?> finalContext, object? msg)
    {
        if (Wf.State == States.Paused || States.IsCompleted(Wf.State))
        {
            return;
        }
        var outputOnError = new OrderedDictionary<string, object?>();
        try
        {
            outputOnError = EvaluateWorkflowOutput(_spec.OutputOnError, finalContext);
        }
        catch (Exception e) when (IsWorkflowError(e))
        {
            msg = $"Failed to evaluate expression in output-on-error! (output-on-error: '{PyText.Str(_spec.OutputOnError)}', exception: '{e.Message}' Cause: '{PyText.Str(msg)}'";
        }
        SetWorkflowState(States.Error, msg);
        Wf.Output = Dicts.Merge(Dicts.Of("result", msg), outputOnError);
        SendResultToParent();
    }

    private void CancelWorkflow(object? msg)
    {
        if (States.IsCompleted(Wf.State))
        {
            return;
        }
        SetWorkflowState(States.Cancelled, msg);
        Wf.Output = Dicts.Of("result", msg);
        SendResultToParent();
    }

    /// <summary>A completed sub-workflow reports to its parent task.</summary>
    private void SendResultToParent()
    {
        if (Wf.ParentExecutionId is null)
        {
            return;
        }
        Emit(new NotifyParent(Wf.ParentExecutionId, new ChildCompleted(Wf.Id, Wf.State, Wf.StateInfo, Wf.Output)));
    }
}

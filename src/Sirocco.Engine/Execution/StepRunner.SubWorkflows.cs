using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Definitions;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Sub-workflows (Mistral's <c>WorkflowAction</c>): a <c>workflow:</c> task starts a child execution through a
/// <see cref="StartChildWorkflow"/> effect; input keys the child does not declare become its params; the child's
/// output is the task result; pause/resume/cancel cascade through <see cref="SignalChild"/> and
/// <see cref="NotifyParent"/>.
/// </summary>
internal sealed partial class StepRunner
{
    private void ScheduleWorkflowAction(TaskRun task, OrderedDictionary<string, object?> input, int index)
    {
        var ex = task.Ex!;
        var nameValue = Evaluate(task.Spec.Workflow, TaskExpressionContext(ex), ex);
        var name = PyText.Str(nameValue);
        var ns = Wf.Params.GetValueOrDefault("namespace") as string ?? "";
        var def = ResolveWorkflowDefinition(name, ns);
        var childSpec = SpecCache.GetWorkflowSpec(def);

        var parameters = new OrderedDictionary<string, object?>
        {
            ["root_execution_id"] = Wf.RootExecutionId ?? Wf.Id,
            ["task_execution_id"] = ex.Id,
            ["index"] = (long)index,
            ["namespace"] = ns,
        };
        if (Wf.Params.TryGetValue("notify", out var notify))
        {
            parameters["notify"] = notify;
        }
        // Undeclared input keys become params of the sub-execution (§10.36).
        var childInput = new OrderedDictionary<string, object?>();
        var declared = childSpec.Input.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (k, v) in input)
        {
            if (declared.Contains(k))
            {
                childInput[k] = v;
            }
            else
            {
                parameters[k] = v;
            }
        }
        var (missing, unexpected) = CompareParameters(childSpec.Input.Select(p => (p.Name, p.IsRequired)), childInput);
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new MistralError("InputException", InvalidInputMessage(childSpec.Name, childSpec.Type == Language.WorkflowType.Reverse ? "ReverseWorkflowSpec" : "DirectWorkflowSpec", missing, unexpected));
        }

        var child = new ChildExecution
        {
            Id = NewId(),
            TaskExecutionId = ex.Id,
            Index = index,
            State = States.Running,
            Sequence = NextSequence(),
        };
        _state.Children.Add(child);
        TouchWorkflow();
        Emit(new StartChildWorkflow(new StartWorkflow
        {
            Workflow = def,
            Input = childInput,
            Params = parameters,
            Description = "sub-workflow execution",
            ExecutionId = child.Id,
            ParentExecutionId = Wf.Id,
            ParentTaskExecutionId = ex.Id,
            RootExecutionId = Wf.RootExecutionId ?? Wf.Id,
            RootEnv = Wf.Env,
            ProjectId = Wf.ProjectId,
        }));
    }

    /// <summary>Mistral's <c>resolve_workflow_definition</c>: <c>&lt;workbook&gt;.&lt;name&gt;</c> first, then the name; each in the namespace, then the default one.</summary>
    private WorkflowDefinition ResolveWorkflowDefinition(string name, string ns)
    {
        WorkflowDefinition? Find(string n) => _ctx.Definitions.FindWorkflow(n, ns) ?? (ns.Length > 0 ? _ctx.Definitions.FindWorkflow(n, "") : null);

        WorkflowDefinition? def = null;
        if (Wf.WorkbookName is { } wb)
        {
            def = Find($"{wb}.{name}");
        }
        def ??= Find(name);
        return def ?? throw new MistralError("WorkflowException", $"Failed to find workflow [name={name}] [namespace={ns}]");
    }

    private void OnChildCompleted(ChildCompleted e)
    {
        var child = _state.FindChild(e.ChildExecutionId);
        if (child is null || States.IsCompleted(child.State))
        {
            return;
        }
        child.State = e.State;
        child.StateInfo = e.StateInfo;
        child.Output = e.Output;
        child.Accepted = true;
        TouchWorkflow();
        if (TaskById(child.TaskExecutionId) is not { } task)
        {
            return;
        }
        var result = e.State == States.Success ? (object?)e.Output : e.Output.GetValueOrDefault("result");
        OnTaskActionComplete(task, task.Name, e.State, result);
    }

    private void OnChildStateChanged(ChildStateChanged e)
    {
        var child = _state.FindChild(e.ChildExecutionId);
        if (child is null)
        {
            return;
        }
        if (States.IsCompleted(child.State))
        {
            if (e.State == States.Running)
            {
                RerunFromChild(child);
            }
            return;
        }
        child.State = e.State;
        TouchWorkflow();
        if (TaskById(child.TaskExecutionId) is { } task && e.State is States.Paused or States.Running)
        {
            OnTaskActionUpdate(task, e.State);
        }
    }

    /// <summary>A failed sub-workflow was rerun: its parents run again too (Mistral's <c>_recursive_rerun</c>).</summary>
    private void RerunFromChild(ChildExecution child)
    {
        child.State = States.Running;
        child.Accepted = false;
        TouchWorkflow();
        if (Wf.State is States.Error or States.Cancelled)
        {
            SetWorkflowState(States.Running, null);
            if (Wf.ParentExecutionId is not null)
            {
                Emit(new NotifyParent(Wf.ParentExecutionId, new ChildStateChanged(Wf.Id, States.Running)));
            }
        }
        if (TaskById(child.TaskExecutionId) is { } task)
        {
            SetTaskState(task, States.Running, null, processed: false);
        }
    }
}

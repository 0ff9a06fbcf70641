using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Model;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Direct workflows: which commands follow a completed task (Mistral's <c>direct_workflow.py</c>):
/// on-error (state ERROR), on-success (SUCCESS), on-complete (SUCCESS or ERROR), guards and command params
/// evaluated against the task's outbound context.
/// </summary>
internal sealed partial class StepRunner
{
    private List<WorkflowCommand> FindStartCommands()
    {
        var cmds = new List<WorkflowCommand>();
        foreach (var t in _spec.StartTasks)
        {
            cmds.Add(WorkflowCommand.Create(t.Name, t, [], null, null, false));
        }
        foreach (var c in cmds)
        {
            ConfigureIfJoin(c);
        }
        return cmds;
    }

    private List<WorkflowCommand> FindNextCommandsForTask(TaskExecution task)
    {
        var cmds = new List<WorkflowCommand>();
        var ctx = OutboundContext(task);
        foreach (var (name, parameters, eventName) in FindNextTasks(task, ctx))
        {
            var target = EngineCommands.IsEngineCommand(name) ? null : _spec.TaskNamed(name);
            if (target is null && !EngineCommands.IsEngineCommand(name))
            {
                throw new MistralError("WorkflowException", $"Task '{name}' not found.");
            }
            target ??= TaskSpecOf(task);
            var triggeredBy = new List<object?>
            {
                new OrderedDictionary<string, object?> { ["task_id"] = task.Id, ["event"] = eventName },
            };
            var cmd = WorkflowCommand.Create(name, target, ctx, parameters, triggeredBy, eventName == "on-error");
            ConfigureIfJoin(cmd);
            cmds.Add(cmd);
        }
        return cmds;
    }

    private void ConfigureIfJoin(WorkflowCommand cmd)
    {
        if (cmd.Kind is not (CommandKind.RunTask or CommandKind.RunExistingTask) || cmd.TaskSpec.Join is null)
        {
            return;
        }
        cmd.UniqueKey = JoinUniqueKey(cmd.TaskSpec.Name);
        cmd.Wait = true;
    }

    private string JoinUniqueKey(string taskName) => $"join-task-{Wf.Id}-{taskName}";

    /// <summary>Mistral's <c>_find_next_tasks</c>: (target, evaluated params, event) in clause order.</summary>
    private List<(string Name, OrderedDictionary<string, object?>? Params, string Event)> FindNextTasks(TaskExecution task, OrderedDictionary<string, object?> outbound)
    {
        var spec = TaskSpecOf(task);
        // The context is built only for a transition with a condition or parameters (a plain "on-success: next" needs none).
        OrderedDictionary<string, object?>? view = null;
        var result = new List<(string, OrderedDictionary<string, object?>?, string)>();

        void Take(OnClauseSpec? clause, string eventName)
        {
            if (clause is null)
            {
                return;
            }
            foreach (var tr in clause.Next)
            {
                if (tr.Condition is null && tr.Params.Count == 0)
                {
                    result.Add((tr.Name, [], eventName)); // what evaluating the empty parameters gives
                    continue;
                }
                view ??= Dicts.View(CurrentTaskDict(task), outbound, EnvDict(), Wf.Context, Wf.Input);
                if (tr.Condition is null || Py.Truthy(EvaluateOne(tr.Condition, view, task)))
                {
                    var parameters = Evaluate(tr.Params, view, task) as OrderedDictionary<string, object?>;
                    result.Add((tr.Name, parameters, eventName));
                }
            }
        }

        if (task.State == States.Error)
        {
            Take(spec.OnError, "on-error");
        }
        if (task.State == States.Success)
        {
            Take(spec.OnSuccess, "on-success");
        }
        if (States.IsCompleted(task.State) && task.State != States.Cancelled)
        {
            Take(spec.OnComplete, "on-complete");
        }
        return result;
    }

    /// <summary>Mistral's <c>evaluate_task_outbound_context</c>: in_context with published keys replaced.</summary>
    private static OrderedDictionary<string, object?> OutboundContext(TaskExecution task) => Dicts.Update(task.InContext, task.Published);
}

using Sirocco.Expressions;
using Sirocco.Engine.Model;
using Sirocco.Language;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Reverse workflows (Mistral's <c>reverse_workflow.py</c>): from the target task (<c>params.task_name</c>), a
/// depth-first post-order walk over <c>requires</c>; every reachable task with no execution yet whose requires all
/// succeeded is started. Unreachable tasks never run; each task runs at most once.
/// </summary>
internal sealed partial class StepRunner
{
    private List<WorkflowCommand> FindReverseCommands()
    {
        var targetName = Wf.Params.GetValueOrDefault("task_name") as string;
        var target = targetName is null ? null : _spec.TaskNamed(targetName);
        if (target is null)
        {
            throw new MistralError("WorkflowException", $"Invalid task name [wf_spec={SpecRepr()}, task_name={targetName}]");
        }
        var order = new List<TaskSpec>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        PostOrder(target, visited, order);
        var cmds = new List<WorkflowCommand>();
        foreach (var spec in order)
        {
            if (IsSatisfied(spec))
            {
                cmds.Add(WorkflowCommand.Create(spec.Name, spec, GetTaskInboundContext(spec), null, null, false));
            }
        }
        return cmds;
    }

    private void PostOrder(TaskSpec spec, HashSet<string> visited, List<TaskSpec> order)
    {
        visited.Add(spec.Name);
        foreach (var dep in spec.Requires)
        {
            if (!visited.Contains(dep) && _spec.TaskNamed(dep) is { } depSpec)
            {
                PostOrder(depSpec, visited, order);
            }
        }
        order.Add(spec);
    }

    private bool IsSatisfied(TaskSpec spec)
    {
        if (_state.Tasks.Any(t => t.Name == spec.Name))
        {
            return false;
        }
        return spec.Requires.All(r => _state.Tasks.Any(t => t.Name == r && t.State == States.Success));
    }
}

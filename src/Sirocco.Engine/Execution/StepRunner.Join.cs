using Sirocco.Expressions;
using Sirocco.Engine.Model;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// join (Mistral's <c>_get_join_logical_state</c>): a WAITING join task re-checks its inbound tasks after each
/// completion. Each inbound task induces RUNNING (completed and named the join in its next tasks), ERROR
/// (completed without it, or no route can reach it any more) or WAITING.
/// </summary>
internal sealed partial class StepRunner
{
    private readonly HashSet<string> _refreshQueued = [];

    private void ScheduleRefreshTaskState(TaskExecution t)
    {
        if (_refreshQueued.Add(t.Id))
        {
            _work.Enqueue(() =>
            {
                _refreshQueued.Remove(t.Id);
                RefreshTaskState(t);
            });
        }
    }

    /// <summary>Mistral's <c>_refresh_task_state</c>.</summary>
    private void RefreshTaskState(TaskExecution t)
    {
        if (States.IsCompleted(t.State) || t.State == States.Running || States.IsCompleted(Wf.State))
        {
            return;
        }
        var (state, info, triggeredBy) = GetLogicalTaskState(t);
        t.RuntimeContext["triggered_by"] = triggeredBy;
        Touch(t);
        if (state == States.Running)
        {
            ContinueTask(t);
        }
        else if (state == States.Error)
        {
            CompleteTaskFromHandler(t, States.Error, info);
        }
    }

    private (string State, string? Info, List<object?> TriggeredBy) GetLogicalTaskState(TaskExecution t)
    {
        var spec = TaskSpecOf(t);
        if (spec.Join is null || _spec.Type == WorkflowType.Reverse)
        {
            return (t.State, t.StateInfo, []);
        }
        var join = spec.Join;
        var inbound = _spec.InboundTasks(spec.Name).ToList();
        if (inbound.Count == 0)
        {
            return (States.Running, null, []);
        }
        var induced = new List<(string Name, TaskExecution? Ex, string State, int Depth, string? Event)>();
        foreach (var inSpec in inbound)
        {
            var inEx = LastTaskByName(inSpec.Name);
            var (state, depth, ev) = InducedJoinState(inSpec, inEx, spec);
            induced.Add((inSpec.Name, inEx, state, depth, ev));
        }
        var errors = induced.Count(s => s.State == States.Error);
        var runnings = induced.Count(s => s.State == States.Running);
        var total = induced.Count;

        string Names(string state) => PyText.Repr(induced.Where(s => s.State == state).Select(s => (object?)s.Name).ToList());
        List<object?> TriggeredBy(string state) => induced
            .Where(s => s.State == state && s.Ex is not null)
            .Select(s => (object?)new OrderedDictionary<string, object?> { ["task_id"] = s.Ex!.Id, ["event"] = s.Event })
            .ToList();

        if (!join.IsAll)
        {
            var cardinality = join.Count;
            if (runnings >= cardinality)
            {
                return (States.Running, null, TriggeredBy(States.Running));
            }
            if (errors > total - cardinality)
            {
                return (States.Error, "Failed by tasks: " + Names(States.Error), []);
            }
            return (States.Waiting, "Blocked by tasks: " + Names(States.Waiting), []);
        }
        if (total == runnings)
        {
            return (States.Running, null, TriggeredBy(States.Running));
        }
        if (errors > 0)
        {
            return (States.Error, "Failed by tasks: " + Names(States.Error), TriggeredBy(States.Error));
        }
        return (States.Waiting, "Blocked by tasks: " + Names(States.Waiting), []);
    }

    private (string State, int Depth, string? Event) InducedJoinState(TaskSpec inSpec, TaskExecution? inEx, TaskSpec joinSpec)
    {
        if (inEx is null)
        {
            var (possible, depth) = PossibleRoute(inSpec, 1, []);
            return possible ? (States.Waiting, depth, null) : (States.Error, depth, "impossible route");
        }
        if (!States.IsCompleted(inEx.State))
        {
            return (States.Waiting, 1, null);
        }
        string? ev = null;
        var found = false;
        foreach (var n in inEx.NextTasks)
        {
            if (n.Name == joinSpec.Name)
            {
                found = true;
                ev = n.Event;
            }
        }
        return found ? (States.Running, 1, ev) : (States.Error, 1, "not triggered");
    }

    /// <summary>Can <paramref name="spec"/> still be reached? (Mistral's <c>_possible_route</c>, with a guard against cycles.)</summary>
    private (bool Possible, int Depth) PossibleRoute(TaskSpec spec, int depth, HashSet<string> visiting)
    {
        var inbound = _spec.InboundTasks(spec.Name).ToList();
        if (inbound.Count == 0)
        {
            return (true, depth);
        }
        visiting.Add(spec.Name);
        foreach (var inSpec in inbound)
        {
            var ex = LastTaskByName(inSpec.Name);
            if (ex is null)
            {
                if (visiting.Contains(inSpec.Name))
                {
                    continue;
                }
                (var possible, depth) = PossibleRoute(inSpec, depth + 1, visiting);
                if (possible)
                {
                    return (true, depth);
                }
            }
            else
            {
                if (!States.IsCompleted(ex.State) || ex.NextTasks.Any(n => n.Name == spec.Name))
                {
                    return (true, depth);
                }
            }
        }
        return (false, depth);
    }

    /// <summary>The last execution of a task name in creation order (what a name-keyed lookup over DB rows yields).</summary>
    private TaskExecution? LastTaskByName(string name)
    {
        for (var i = _state.Tasks.Count - 1; i >= 0; i--)
        {
            if (_state.Tasks[i].Name == name)
            {
                return _state.Tasks[i];
            }
        }
        return null;
    }
}

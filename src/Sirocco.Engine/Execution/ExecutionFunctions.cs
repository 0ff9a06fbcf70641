using Sirocco.Engine.Model;
using Sirocco.Expressions;

namespace Sirocco.Engine.Execution;

/// <summary>
/// <c>task()</c>, <c>tasks()</c>, <c>execution()</c>, <c>executions()</c> and <c>global()</c> over the execution
/// being stepped (Mistral's <c>std_functions.py</c>). Other executions are reached through the host's
/// <see cref="IExecutionQueries"/> when it provides one.
/// </summary>
internal sealed class ExecutionFunctions : IExecutionFunctions
{
    private readonly StepRunner _runner;
    private readonly TaskExecution? _current;

    public ExecutionFunctions(StepRunner runner, TaskExecution? current)
    {
        _runner = runner;
        _current = current;
    }

    public object? Task(string? name)
    {
        var state = _runner.State;
        TaskExecution? task;
        if (_current is not null && (string.IsNullOrEmpty(name) || name == _current.Name))
        {
            task = _current;
        }
        else
        {
            // Mistral returns the last of several executions in DB order.
            task = state.Tasks.LastOrDefault(t => t.Name == name);
        }
        return task is null ? null : _runner.TaskDict(task);
    }

    public object? Tasks(string? workflowExecutionId, bool recursive, string? state, bool flat)
    {
        var st = _runner.State;
        if (workflowExecutionId is null || workflowExecutionId != st.Workflow.Id || recursive)
        {
            if (_runner.Queries is { } q)
            {
                return q.Tasks(workflowExecutionId, recursive, state, flat);
            }
            if (workflowExecutionId is not null && workflowExecutionId != st.Workflow.Id)
            {
                return new List<object?>();
            }
        }
        var result = new List<object?>();
        foreach (var t in st.Tasks)
        {
            if (state is not null && t.State != state)
            {
                continue;
            }
            if (flat && t.Type == TaskTypes.Workflow && st.Children.Any(c => c.TaskExecutionId == t.Id && c.State == t.State))
            {
                continue;
            }
            result.Add(_runner.TaskDict(t));
        }
        return result;
    }

    public object? Execution()
    {
        var wf = _runner.State.Workflow;
        return new OrderedDictionary<string, object?>
        {
            ["id"] = wf.Id,
            ["name"] = wf.Name,
            ["spec"] = _runner.SpecDict(),
            ["input"] = wf.Input,
            ["params"] = wf.Params,
            ["created_at"] = Timestamps.Iso(wf.CreatedAt),
            ["updated_at"] = Timestamps.Iso(wf.UpdatedAt),
            ["root_execution_id"] = wf.RootExecutionId,
        };
    }

    public object? Executions(string? id, string? rootExecutionId, string? state, string? fromTime, string? toTime)
    {
        if (_runner.Queries is { } q)
        {
            return q.Executions(id, rootExecutionId, state, fromTime, toTime);
        }
        throw new NotSupportedException("not supported: executions() without an execution store");
    }

    public object? Global(string name) => _runner.State.Workflow.Context.GetValueOrDefault(name);
}

/// <summary>Timestamps as Mistral's functions render them (<c>datetime.isoformat(' ')</c>).</summary>
internal static class Timestamps
{
    public static string Iso(DateTime t)
    {
        var s = t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var micro = (t.Ticks % TimeSpan.TicksPerSecond) / 10;
        return micro == 0 ? s : s + "." + micro.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}

using Sirocco.Engine.Model;

namespace Sirocco.Engine.Execution;

/// <summary>Mistral's <c>get_task_execution_result</c>, shared by <c>task()</c> and the public helper.</summary>
internal static class TaskResultsCore
{
    /// <param name="state">the execution (its sub-workflow children are scanned)</param>
    /// <param name="task">the task execution</param>
    /// <param name="withItems">a with-items task: always a list</param>
    /// <param name="taskActions">the task's action executions when the caller has them indexed; else every action of the execution is scanned</param>
    public static object? Result(ExecutionState state, TaskExecution task, bool withItems, List<ActionExecution>? taskActions = null)
    {
        List<(int Index, long Seq, object? Value)>? results = null;
        var sorted = true;
        void Add(int index, long seq, object? value)
        {
            results ??= [];
            if (results.Count > 0 && (results[^1].Index, results[^1].Seq).CompareTo((index, seq)) > 0)
            {
                sorted = false;
            }
            results.Add((index, seq, value));
        }

        foreach (var a in taskActions ?? state.Actions)
        {
            if (a.TaskExecutionId == task.Id && a.Accepted)
            {
                Add(a.Index, a.Sequence, a.Output.Count > 0 ? a.Output.GetValueOrDefault("result") : null);
            }
        }
        foreach (var c in state.Children)
        {
            if (c.TaskExecutionId == task.Id && c.Accepted)
            {
                Add(c.Index, c.Sequence, c.Output);
            }
        }
        if (results is null)
        {
            return new List<object?>();
        }
        if (!withItems && results.Count == 1)
        {
            return results[0].Value;
        }
        if (!sorted)
        {
            // (index, sequence) pairs are unique: an unstable sort gives the same order as a stable one
            results.Sort((x, y) => (x.Index, x.Seq).CompareTo((y.Index, y.Seq)));
        }
        var values = new List<object?>(results.Count);
        foreach (var r in results)
        {
            values.Add(r.Value);
        }
        return values;
    }

    /// <summary>Action executions grouped by task execution id, in creation order.</summary>
    public static Dictionary<string, List<ActionExecution>> ActionsByTask(ExecutionState state)
    {
        var byTask = new Dictionary<string, List<ActionExecution>>(StringComparer.Ordinal);
        foreach (var a in state.Actions)
        {
            if (a.TaskExecutionId is { } id)
            {
                if (!byTask.TryGetValue(id, out var list))
                {
                    byTask[id] = list = [];
                }
                list.Add(a);
            }
        }
        return byTask;
    }
}

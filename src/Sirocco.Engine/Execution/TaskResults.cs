using Sirocco.Engine.Model;

namespace Sirocco.Engine.Execution;

/// <summary>Mistral's <c>get_task_execution_result</c>, shared by <c>task()</c> and the public helper.</summary>
internal static class TaskResultsCore
{
    public static object? Result(ExecutionState state, TaskExecution task, bool withItems)
    {
        var results = new List<(int Index, long Seq, object? Value)>();
        foreach (var a in state.Actions)
        {
            if (a.TaskExecutionId == task.Id && a.Accepted)
            {
                results.Add((a.Index, a.Sequence, a.Output.Count > 0 ? a.Output.GetValueOrDefault("result") : null));
            }
        }
        foreach (var c in state.Children)
        {
            if (c.TaskExecutionId == task.Id && c.Accepted)
            {
                results.Add((c.Index, c.Sequence, c.Output));
            }
        }
        var values = results.OrderBy(r => r.Index).ThenBy(r => r.Seq).Select(r => r.Value).ToList();
        if (withItems)
        {
            return values;
        }
        return values.Count == 1 ? values[0] : values;
    }
}

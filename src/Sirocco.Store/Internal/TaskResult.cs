using Sirocco.Engine.Model;

namespace Sirocco.Store.Internal;

/// <summary>
/// A completed task's <c>result</c> as Mistral's API shows it: the accepted action's <c>output.result</c>
/// (the sub-workflow's output for a WORKFLOW task); for with-items, the list of them in item order.
/// Stored denormalised so the API reads it without the engine.
/// </summary>
internal static class TaskResult
{
    public static object? Of(ExecutionState state, TaskExecution task)
    {
        var withItems = task.RuntimeContext.ContainsKey("with_items");
        var results = new List<(int Index, long Seq, object? Value)>();
        if (task.Type == TaskTypes.Workflow)
        {
            foreach (var child in state.Children)
            {
                if (child.TaskExecutionId == task.Id && child.Accepted)
                {
                    results.Add((child.Index, child.Sequence, child.Output));
                }
            }
        }
        else
        {
            foreach (var action in state.Actions)
            {
                if (action.TaskExecutionId == task.Id && action.Accepted)
                {
                    results.Add((action.Index, action.Sequence, action.Output.GetValueOrDefault("result")));
                }
            }
        }

        results.Sort((a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : a.Seq.CompareTo(b.Seq));
        if (withItems)
        {
            return results.Select(r => r.Value).ToList();
        }

        return results.Count == 0 ? null : results[^1].Value;
    }
}

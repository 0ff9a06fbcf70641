using Sirocco.Engine.Execution;
using Sirocco.Engine.Model;
using Sirocco.Language;

namespace Sirocco.Engine;

/// <summary>What a task execution's result is, as <c>task().result</c> and the API's task <c>result</c> field show it.</summary>
public static class TaskResults
{
    /// <summary>
    /// The results of the task's accepted action executions (or sub-workflow outputs) in item order: a list for a
    /// with-items task; otherwise the single value, or a list when there are zero or several.
    /// </summary>
    public static object? Of(ExecutionState state, TaskExecution task) => Of(state, task, null);

    /// <summary>
    /// As <see cref="Of(ExecutionState, TaskExecution)"/>, with the execution's actions grouped by task once
    /// (<see cref="ActionsByTask"/>) for callers that need the results of many tasks of one execution.
    /// </summary>
    public static object? Of(ExecutionState state, TaskExecution task, IReadOnlyDictionary<string, List<ActionExecution>>? actionsByTask)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(task);
        var withItems = false;
        try
        {
            withItems = SpecCache.GetWorkflowSpec(state.Workflow).TaskNamed(task.Name)?.HasWithItems ?? false;
        }
        catch (Exception e) when (e is LanguageException or MistralError)
        {
            // A definition that no longer parses: fall back to the plain shape.
        }
        List<ActionExecution>? taskActions = null;
        if (actionsByTask is not null)
        {
            taskActions = actionsByTask.GetValueOrDefault(task.Id) ?? [];
        }
        return TaskResultsCore.Result(state, task, withItems, taskActions);
    }

    /// <summary>The execution's action executions grouped by task execution id, in creation order.</summary>
    public static IReadOnlyDictionary<string, List<ActionExecution>> ActionsByTask(ExecutionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return TaskResultsCore.ActionsByTask(state);
    }
}

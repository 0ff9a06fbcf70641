namespace Sirocco.Expressions;

/// <summary>
/// Mistral's functions that need execution state (<c>task()</c>, <c>tasks()</c>, <c>execution()</c>,
/// <c>executions()</c>, <c>global()</c>). The engine implements this; values follow the value model
/// of Sirocco.Values. <c>env()</c> needs no state: it reads <c>__env</c> from the context.
/// When no implementation is given, these functions fail as Mistral's do without a database.
/// </summary>
public interface IExecutionFunctions
{
    /// <summary><c>task(name)</c>: the task execution dict, or null if that task has not run. A null name means the current task.</summary>
    object? Task(string? name);

    /// <summary><c>tasks(workflow_execution_id, recursive, state, flat)</c>: a list of task execution dicts.</summary>
    object? Tasks(string? workflowExecutionId, bool recursive, string? state, bool flat);

    /// <summary><c>execution()</c>: the current workflow execution dict.</summary>
    object? Execution();

    /// <summary><c>executions(id, root_execution_id, state, from_time, to_time)</c>.</summary>
    object? Executions(string? id, string? rootExecutionId, string? state, string? fromTime, string? toTime);

    /// <summary><c>global(name)</c>: a value of the workflow context (global publish, vars), or null.</summary>
    object? Global(string name);
}

using Sirocco.Engine.Model;
using Sirocco.Language;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Mistral's engine-side <c>Task</c> object: a task spec with the execution it works on and how it was reached
/// (context, join flags, rerun flags). Lives only during a step.
/// </summary>
internal sealed class TaskRun
{
    public required TaskSpec Spec { get; init; }

    public TaskExecution? Ex { get; set; }

    public OrderedDictionary<string, object?> Ctx { get; set; } = [];

    public bool Waiting { get; init; }

    public string? UniqueKey { get; init; }

    public List<object?>? TriggeredBy { get; init; }

    public bool Rerun { get; init; }

    public bool ResetFlag { get; set; }

    public bool IsWithItems => Spec.HasWithItems;
}

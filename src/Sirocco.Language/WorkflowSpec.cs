namespace Sirocco.Language;

/// <summary>One workflow: its keys as Mistral's <c>WorkflowSpec</c> reads them, tasks in document order.</summary>
public sealed record WorkflowSpec
{
    /// <summary>The workflow name (its key in the document; in a workbook the short name, without the workbook prefix).</summary>
    public required string Name { get; init; }

    /// <summary>Where the workflow's key is written.</summary>
    public required SourcePosition Position { get; init; }

    /// <summary><c>type</c>; <see cref="WorkflowType.Direct"/> when absent.</summary>
    public WorkflowType Type { get; init; } = WorkflowType.Direct;

    /// <summary><c>description</c>, or null.</summary>
    public string? Description { get; init; }

    /// <summary><c>tags</c>; empty when absent.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary><c>input</c> parameters in written order; empty when absent.</summary>
    public IReadOnlyList<InputParameter> Input { get; init; } = [];

    /// <summary><c>output</c> map (values may be expressions), or null when absent.</summary>
    public OrderedDictionary<string, object?>? Output { get; init; }

    /// <summary><c>output-on-error</c> map, or null.</summary>
    public OrderedDictionary<string, object?>? OutputOnError { get; init; }

    /// <summary><c>vars</c> map (evaluated once at start), or null.</summary>
    public OrderedDictionary<string, object?>? Vars { get; init; }

    /// <summary><c>task-defaults</c> as written, or null (already merged into <see cref="Tasks"/>).</summary>
    public TaskDefaultsSpec? TaskDefaults { get; init; }

    /// <summary>The tasks in document order.</summary>
    public required IReadOnlyList<TaskSpec> Tasks { get; init; }

    /// <summary>
    /// The workflow's own part of the document text, as Mistral stores it as the definition of this
    /// workflow (for a file with one workflow, the whole text).
    /// </summary>
    public string Definition { get; init; } = "";

    /// <summary>The task with this name, or null.</summary>
    public TaskSpec? FindTask(string name) => Tasks.FirstOrDefault(t => t.Name == name);

    /// <summary>Where each workflow keyword's value is written (e.g. <c>KeyPositions["output"]</c>).</summary>
    public IReadOnlyDictionary<string, SourcePosition> KeyPositions { get; init; } = new Dictionary<string, SourcePosition>();

    /// <summary>
    /// Direct workflows: the tasks no transition leads to (task-defaults transitions included), in
    /// document order — where an execution starts. Empty for reverse workflows.
    /// </summary>
    public IReadOnlyList<TaskSpec> StartTasks =>
        Type == WorkflowType.Reverse
            ? []
            : Graph().Start;

    /// <summary>
    /// Direct workflows: the tasks whose effective on-success / on-error / on-complete name
    /// <paramref name="taskName"/> (guards ignored), in document order. A join counts these. As in
    /// Mistral, a transition to a task named like an engine command counts here too.
    /// </summary>
    public IEnumerable<TaskSpec> InboundTasks(string taskName) =>
        Graph().Inbound.TryGetValue(taskName, out var inbound) ? inbound : [];

    // The graph is asked for on every engine step: computed once per spec (and again after a 'with' copy).
    // A class, so that publishing it to other threads is one atomic reference write.
    private TaskGraph? graph;

    private TaskGraph Graph()
    {
        var current = graph;
        if (current is not null && ReferenceEquals(current.For, Tasks))
        {
            return current;
        }

        var built = new TaskGraph(Tasks);
        graph = built;
        return built;
    }

    private sealed class TaskGraph
    {
        public TaskGraph(IReadOnlyList<TaskSpec> tasks)
        {
            For = tasks;
            foreach (var task in tasks)
            {
                foreach (var target in task.AllTransitions.Select(t => t.Name).Distinct(StringComparer.Ordinal))
                {
                    if (!Inbound.TryGetValue(target, out var list))
                    {
                        Inbound[target] = list = [];
                    }

                    list.Add(task);
                }
            }

            Start = tasks.Where(t => !Inbound.ContainsKey(t.Name)).ToList();
        }

        public IReadOnlyList<TaskSpec> For { get; }

        public IReadOnlyList<TaskSpec> Start { get; }

        public Dictionary<string, List<TaskSpec>> Inbound { get; } = new(StringComparer.Ordinal);
    }
}

using Sirocco.Engine.Model;
using Sirocco.Engine.Testing;
using Sirocco.Values;

namespace Sirocco.Engine.Tests.Support;

/// <summary>Small helpers to run a workflow text in memory and look at the outcome.</summary>
internal static class Run
{
    /// <summary>Runs the workflow <paramref name="name"/> of <paramref name="yaml"/> to the end.</summary>
    public static Outcome Workflow(string yaml, string name = "wf", string? inputJson = null, string? paramsJson = null, Action<WorkflowEnvironment>? setup = null)
    {
        var env = new WorkflowEnvironment();
        env.Definitions.AddWorkflows(yaml);
        setup?.Invoke(env);
        var id = env.Start(name, Map(inputJson), Map(paramsJson));
        env.RunUntilIdle();
        return new Outcome(env, env.Executions[id]);
    }

    public static OrderedDictionary<string, object?> Map(string? json) =>
        json is null ? [] : (OrderedDictionary<string, object?>)Json.Parse(json)!;
}

/// <summary>The end state of a run.</summary>
internal sealed record Outcome(WorkflowEnvironment Env, ExecutionState State)
{
    public WorkflowExecution Wf => State.Workflow;

    public string OutputJson => Json.Serialize(Wf.Output);

    public IEnumerable<TaskExecution> Named(string name) => State.Tasks.Where(t => t.Name == name);

    public TaskExecution Task(string name) => State.Tasks.Single(t => t.Name == name);

    public string Published(string name) => Json.Serialize(Task(name).Published);

    public object? Result(string name) => TaskResults.Of(State, Task(name));

    public string TaskNames => string.Join(",", State.Tasks.Select(t => t.Name));
}

using Sirocco.Values;
using Xunit;

namespace Sirocco.Language.Tests;

/// <summary>
/// Golden files: for each <c>Golden/*.yaml</c> workflow file, <c>Golden/*.json</c> holds what real Mistral 15
/// reads from it (task input after inline parameters, effective policies and transitions after
/// task-defaults, publish precedence, start and inbound tasks, requires). The JSON was produced by running
/// Mistral's own spec classes on the file; this test renders the Sirocco spec in the same shape.
/// </summary>
public class GoldenSpecTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Golden");

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Spec_reads_like_Mistral(string name)
    {
        var spec = LanguageParser.ParseWorkflows(File.ReadAllText(Path.Combine(Folder, name + ".yaml")));
        var expected = Json.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        var actual = spec.Workflows.Select(Render).ToList<object?>();

        var expectedWorkflows = (List<object?>)expected!;
        Assert.Equal(expectedWorkflows.Count, actual.Count);
        for (var i = 0; i < actual.Count; i++)
        {
            var expectedTasks = (OrderedDictionary<string, object?>)((OrderedDictionary<string, object?>)expectedWorkflows[i]!)["tasks"]!;
            var actualTasks = (OrderedDictionary<string, object?>)((OrderedDictionary<string, object?>)actual[i]!)["tasks"]!;

            // Task by task first, so a failure names the task.
            foreach (var (task, value) in expectedTasks)
            {
                Assert.Equal($"{task}: {Json.Serialize(value)}", $"{task}: {Json.Serialize(actualTasks.GetValueOrDefault(task))}");
            }

            Assert.Equal(Json.Serialize(expectedWorkflows[i]), Json.Serialize(actual[i]));
        }
    }

    private static OrderedDictionary<string, object?> Render(WorkflowSpec wf)
    {
        var result = new OrderedDictionary<string, object?>
        {
            ["name"] = wf.Name,
            ["type"] = wf.Type == WorkflowType.Direct ? "direct" : "reverse",
            ["input"] = wf.Input.Select(p => p.HasDefault ? new List<object?> { p.Name, p.Default } : new List<object?> { p.Name }).ToList<object?>(),
            ["output"] = wf.Output,
            ["output-on-error"] = wf.OutputOnError,
            ["vars"] = wf.Vars,
        };
        var tasks = new OrderedDictionary<string, object?>();
        foreach (var t in wf.Tasks)
        {
            var task = new OrderedDictionary<string, object?>
            {
                ["action"] = t.Action,
                ["workflow"] = t.Workflow,
                ["input"] = t.Input,
                ["with-items"] = t.WithItems.Select(w => new List<object?> { w.Variable, w.Collection }).ToList<object?>(),
                ["policies"] = Policies(t.Policies),
                ["keep-result"] = t.KeepResult,
                ["safe-rerun"] = t.SafeRerun,
                ["target"] = t.Target,
                ["publish-success"] = Publish(t.GetPublish(success: true)),
                ["publish-error"] = Publish(t.GetPublish(success: false)),
            };
            if (wf.Type == WorkflowType.Direct)
            {
                task["join"] = t.Join is null ? null : t.Join.IsAll ? "all" : (long)t.Join.Count;
                task["on-success"] = Clause(t.OnSuccess);
                task["on-error"] = Clause(t.OnError);
                task["on-complete"] = Clause(t.OnComplete);
                task["inbound"] = wf.InboundTasks(t.Name).Select(x => (object?)x.Name).ToList();
            }
            else
            {
                task["requires"] = t.Requires.Order(StringComparer.Ordinal).ToList<object?>();
            }

            tasks[t.Name] = task;
        }

        result["tasks"] = tasks;
        if (wf.Type == WorkflowType.Direct)
        {
            result["start-tasks"] = wf.StartTasks.Select(x => (object?)x.Name).ToList();
        }

        return result;
    }

    // In Mistral's policy order: pause-before, wait-before, wait-after, fail-on, retry, timeout, concurrency.
    private static OrderedDictionary<string, object?> Policies(PoliciesSpec p)
    {
        var result = new OrderedDictionary<string, object?>();
        void Add(string key, object? value)
        {
            if (value is not null)
            {
                result[key] = value;
            }
        }

        Add("pause-before", p.PauseBefore);
        Add("wait-before", p.WaitBefore);
        Add("wait-after", p.WaitAfter);
        Add("fail-on", p.FailOn);
        if (p.Retry is { } r)
        {
            result["retry"] = new OrderedDictionary<string, object?>
            {
                ["count"] = r.Count,
                ["delay"] = r.Delay,
                ["break-on"] = r.BreakOn,
                ["continue-on"] = r.ContinueOn,
            };
        }

        Add("timeout", p.Timeout);
        Add("concurrency", p.Concurrency);
        return result;
    }

    private static OrderedDictionary<string, object?>? Publish(PublishSpec? p) => p is null
        ? null
        : new OrderedDictionary<string, object?> { ["branch"] = p.Branch, ["global"] = p.Global, ["atomic"] = p.Atomic };

    private static List<object?> Clause(OnClauseSpec? clause) =>
        (clause?.Next ?? []).Select(t => (object?)new List<object?> { t.Name, t.Condition, t.Params }).ToList();
}

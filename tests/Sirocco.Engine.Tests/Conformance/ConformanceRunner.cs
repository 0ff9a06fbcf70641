using Sirocco.Engine.Model;
using Sirocco.Engine.Testing;
using Sirocco.Engine.Tests.Support;
using Sirocco.Expressions;
using Sirocco.Language;

namespace Sirocco.Engine.Tests.Conformance;

/// <summary>
/// Runs one conformance case through the in-memory <see cref="WorkflowEnvironment"/> and compares the outcome the
/// way <c>shared/tools/conformance.py</c> compares a server's: state, output (with a volatile <c>result</c> checked
/// by fragment), state_info fragment, and every task execution (state, published, state_info fragment).
/// </summary>
internal static class ConformanceRunner
{
    /// <summary>The problems found (empty when the case passes).</summary>
    public static List<string> Run(ConformanceCase c)
    {
        var problems = new List<string>();
        var expect = c.Expect;
        var env = new WorkflowEnvironment();

        Exception? uploadError = null;
        try
        {
            if (c.Kind == "workbook")
            {
                env.Definitions.AddWorkbook(c.Definition, checkExpression: CheckExpression);
            }
            else
            {
                env.Definitions.AddWorkflows(c.Definition, checkExpression: CheckExpression);
            }
        }
        catch (LanguageException e)
        {
            uploadError = e;
        }
        if (expect.GetValueOrDefault("upload_error_contains") is string uploadFragment)
        {
            if (uploadError is null)
            {
                problems.Add($"upload accepted, expected rejection containing '{uploadFragment}'");
            }
            else if (!uploadError.Message.Contains(uploadFragment, StringComparison.Ordinal))
            {
                problems.Add($"upload error '{uploadError.Message}' does not contain '{uploadFragment}'");
            }
            return problems;
        }
        if (uploadError is not null)
        {
            problems.Add("upload failed: " + uploadError.Message);
            return problems;
        }

        string id;
        try
        {
            id = env.Start(c.Workflow, c.Input, c.Params);
        }
        catch (EngineException e)
        {
            if (expect.GetValueOrDefault("start_error_contains") is string startFragment && e.Message.Contains(startFragment, StringComparison.Ordinal))
            {
                return problems;
            }
            problems.Add("start failed: " + e.Message);
            return problems;
        }
        if (expect.GetValueOrDefault("start_error_contains") is string fragment)
        {
            problems.Add($"start accepted, expected refusal containing '{fragment}'");
            return problems;
        }
        env.RunUntilIdle();
        var state = env.Executions[id];
        var wf = state.Workflow;

        if (wf.State != expect.GetValueOrDefault("state") as string)
        {
            problems.Add($"state {wf.State}, expected {expect.GetValueOrDefault("state")} (state_info: {wf.StateInfo})");
        }
        var output = new OrderedDictionary<string, object?>(wf.Output);
        if (expect.ContainsKey("output_result_contains"))
        {
            output.Remove("result", out var res);
            if (expect["output_result_contains"] is string want && !Sirocco.Values.Py.Str(res).Contains(want, StringComparison.Ordinal))
            {
                problems.Add($"output.result '{Sirocco.Values.Py.Str(res)}' does not contain '{want}'");
            }
        }
        if (expect.TryGetValue("output", out var expectedOutput))
        {
            if (JsonCompare.FirstDifference(expectedOutput ?? new OrderedDictionary<string, object?>(), output, "output") is { } d)
            {
                problems.Add(d);
            }
        }
        if (expect.TryGetValue("state_info_contains", out var infoWant))
        {
            if (infoWant is null)
            {
                if (!string.IsNullOrEmpty(wf.StateInfo))
                {
                    problems.Add($"state_info '{wf.StateInfo}', expected none");
                }
            }
            else if (!(wf.StateInfo ?? "").Contains((string)infoWant, StringComparison.Ordinal))
            {
                problems.Add($"state_info '{wf.StateInfo}' does not contain '{infoWant}'");
            }
        }
        problems.AddRange(CompareTasks(expect.GetValueOrDefault("tasks") as OrderedDictionary<string, object?> ?? [], state.Tasks));
        return problems;
    }

    private static string? CheckExpression(string text)
    {
        try
        {
            ExpressionEvaluator.ValidateSyntax(text);
            return null;
        }
        catch (ExpressionException e)
        {
            return e.Message;
        }
    }

    private static List<string> CompareTasks(OrderedDictionary<string, object?> expected, List<TaskExecution> actual)
    {
        var problems = new List<string>();
        var byName = actual.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var name in expected.Keys)
        {
            if (!byName.ContainsKey(name))
            {
                problems.Add($"task {name}: not executed");
            }
        }
        foreach (var (name, list) in byName)
        {
            if (!expected.ContainsKey(name))
            {
                problems.Add($"task {name}: unexpected ({list.Count} x, {string.Join(",", list.Select(t => t.State))})");
            }
        }
        foreach (var (name, exp) in expected)
        {
            if (!byName.TryGetValue(name, out var acts))
            {
                continue;
            }
            var expList = exp is List<object?> l ? l.Cast<OrderedDictionary<string, object?>>().ToList() : [(OrderedDictionary<string, object?>)exp!];
            if (expList.Count != acts.Count)
            {
                problems.Add($"task {name}: executed {acts.Count} times, expected {expList.Count}");
                continue;
            }
            var unmatched = new List<TaskExecution>(acts);
            foreach (var e in expList)
            {
                var hit = unmatched.FirstOrDefault(a => EntryProblem(e, a) is null);
                if (hit is null)
                {
                    problems.Add($"task {name}: {string.Join("; ", unmatched.Select(a => EntryProblem(e, a)))}");
                    break;
                }
                unmatched.Remove(hit);
            }
        }
        return problems;
    }

    private static string? EntryProblem(OrderedDictionary<string, object?> e, TaskExecution a)
    {
        if (e.GetValueOrDefault("state") as string != a.State)
        {
            return $"state {a.State}, expected {e.GetValueOrDefault("state")} (state_info: {a.StateInfo})";
        }
        var expPublished = e.GetValueOrDefault("published") as OrderedDictionary<string, object?> ?? [];
        var actPublished = a.Published ?? [];
        if (JsonCompare.FirstDifference(expPublished, actPublished, "published") is { } d)
        {
            return d;
        }
        if (e.TryGetValue("state_info_contains", out var want))
        {
            if (want is null)
            {
                if (!string.IsNullOrEmpty(a.StateInfo))
                {
                    return $"state_info '{a.StateInfo}', expected none";
                }
            }
            else if (!(a.StateInfo ?? "").Contains((string)want, StringComparison.Ordinal))
            {
                return $"state_info '{a.StateInfo}' does not contain '{want}'";
            }
        }
        return null;
    }
}

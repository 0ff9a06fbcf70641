using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Sirocco.Engine.Tests.Conformance;
using Sirocco.Engine.Tests.Support;
using Sirocco.Values;

namespace Sirocco.Conformance.Tests;

/// <summary>
/// Runs one conformance case against a server's REST API the way <c>shared/tools/conformance.py</c> does: upload
/// the definition as text/plain (on 409 delete the same names and post again), start it with <c>input</c> and
/// <c>params</c> as JSON strings (as python-mistralclient sends them), poll the execution until a stop state, read its
/// tasks (re-reading while they still settle), compare, and delete the execution.
/// </summary>
internal sealed partial class RestConformanceRunner(HttpClient http)
{
    private static readonly string[] StopStates = ["SUCCESS", "ERROR", "CANCELLED", "PAUSED"];
    private static readonly string[] ActiveTaskStates = ["IDLE", "RUNNING", "WAITING", "DELAYED", "RUNNING_DELAYED"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Seconds to wait for one execution to stop (generous: CI machines are shared).</summary>
    public double TimeoutSeconds { get; init; } = 90;

    /// <summary>The problems found (empty when the case passes).</summary>
    public async Task<List<string>> RunAsync(ConformanceCase c)
    {
        var expect = c.Expect;
        var uploadError = await UploadAsync(c);
        if (expect.GetValueOrDefault("upload_error_contains") is string uploadWant)
        {
            return uploadError is null ? [$"upload accepted, expected rejection containing '{uploadWant}'"]
                : uploadError.Status >= 500 ? [$"upload gave HTTP {uploadError.Status} (expected 4xx): {uploadError.Message}"]
                : !uploadError.Contains(uploadWant) ? [$"upload error '{uploadError.Message}' does not contain '{uploadWant}'"]
                : [];
        }

        if (uploadError is not null)
        {
            return [$"upload failed: HTTP {uploadError.Status} {uploadError.Message}"];
        }

        var start = new OrderedDictionary<string, object?>
        {
            ["workflow_name"] = c.Workflow,
            ["input"] = Json.Serialize(c.Input),
            ["params"] = Json.Serialize(c.Params),
        };
        var started = await SendAsync(HttpMethod.Post, "v2/executions", Json.Serialize(start), "application/json");
        if (expect.GetValueOrDefault("start_error_contains") is string startWant)
        {
            if (started.Ok)
            {
                await DeleteExecutionAsync(Id(started.Body));
                return [$"start accepted, expected refusal containing '{startWant}'"];
            }

            return started.Status >= 500 ? [$"start gave HTTP {started.Status} (expected 4xx): {started.Message}"]
                : !started.Contains(startWant) ? [$"start error '{started.Message}' does not contain '{startWant}'"]
                : [];
        }

        if (!started.Ok)
        {
            return [$"start failed: HTTP {started.Status} {started.Message}"];
        }

        var id = Id(started.Body);
        try
        {
            return await CompareAsync(id, expect);
        }
        finally
        {
            await DeleteExecutionAsync(id);
        }
    }

    private async Task<List<string>> CompareAsync(string id, OrderedDictionary<string, object?> expect)
    {
        var clock = Stopwatch.StartNew();
        OrderedDictionary<string, object?> ex;
        while (true)
        {
            ex = await GetMapAsync($"v2/executions/{id}");
            if (StopStates.Contains(ex["state"] as string))
            {
                break;
            }

            if (clock.Elapsed.TotalSeconds > TimeoutSeconds)
            {
                return [$"timed out after {TimeoutSeconds}s in state {ex["state"]}"];
            }

            // the server works in its own threads; a client can only ask again
            await Task.Delay(20, Ct);
        }

        var expectedTasks = expect.GetValueOrDefault("tasks") as OrderedDictionary<string, object?> ?? [];
        List<OrderedDictionary<string, object?>> tasks;
        var settle = Stopwatch.StartNew();
        while (true)
        {
            tasks = ((List<object?>)(await GetMapAsync($"v2/executions/{id}/tasks"))["tasks"]!)
                .Cast<OrderedDictionary<string, object?>>()
                .OrderBy(t => t["created_at"] as string ?? "", StringComparer.Ordinal)
                .ThenBy(t => t["id"] as string ?? "", StringComparer.Ordinal)
                .ToList();
            var active = tasks.Any(t => ActiveTaskStates.Contains(t["state"] as string));
            if (CompareTasks(expectedTasks, tasks).Count == 0 || !active || settle.Elapsed.TotalSeconds > 5)
            {
                break;
            }

            await Task.Delay(50, Ct);
        }

        ex = await GetMapAsync($"v2/executions/{id}");
        var problems = new List<string>();
        if (ex["state"] as string != expect.GetValueOrDefault("state") as string)
        {
            problems.Add($"state {ex["state"]}, expected {expect.GetValueOrDefault("state")} (state_info: {ex["state_info"]})");
        }

        var output = AsJson(ex["output"]) ?? new OrderedDictionary<string, object?>();
        if (expect.ContainsKey("output_result_contains") && output is OrderedDictionary<string, object?> outputMap)
        {
            output = outputMap = new OrderedDictionary<string, object?>(outputMap);
            outputMap.Remove("result", out var result);
            if (expect["output_result_contains"] is string want && !Py.Str(result).Contains(want, StringComparison.Ordinal))
            {
                problems.Add($"output.result '{Py.Str(result)}' does not contain '{want}'");
            }
        }

        if (expect.TryGetValue("output", out var expectedOutput)
            && JsonCompare.FirstDifference(expectedOutput ?? new OrderedDictionary<string, object?>(), output, "output") is { } d)
        {
            problems.Add(d);
        }

        if (expect.TryGetValue("state_info_contains", out var infoWant) && InfoProblem(infoWant as string, ex["state_info"] as string) is { } p)
        {
            problems.Add(p);
        }

        problems.AddRange(CompareTasks(expectedTasks, tasks));
        return problems;
    }

    private static List<string> CompareTasks(OrderedDictionary<string, object?> expected, List<OrderedDictionary<string, object?>> actual)
    {
        var problems = new List<string>();
        var byName = actual.GroupBy(t => (string)t["name"]!).ToDictionary(g => g.Key, g => g.ToList());
        problems.AddRange(expected.Keys.Where(n => !byName.ContainsKey(n)).Select(n => $"task {n}: not executed"));
        problems.AddRange(byName.Where(kv => !expected.ContainsKey(kv.Key))
            .Select(kv => $"task {kv.Key}: unexpected ({kv.Value.Count} x, {string.Join(",", kv.Value.Select(t => t["state"]))})"));
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

            // repeated executions of one name compare as a multiset: parallel branches create them in either order
            var unmatched = new List<OrderedDictionary<string, object?>>(acts);
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

    private static string? EntryProblem(OrderedDictionary<string, object?> e, OrderedDictionary<string, object?> a)
    {
        if (e.GetValueOrDefault("state") as string != a["state"] as string)
        {
            return $"state {a["state"]}, expected {e.GetValueOrDefault("state")} (state_info: {a["state_info"]})";
        }

        // absent, null and {} published are the same
        var expPublished = e.GetValueOrDefault("published") ?? new OrderedDictionary<string, object?>();
        var actPublished = AsJson(a["published"]) ?? new OrderedDictionary<string, object?>();
        if (JsonCompare.FirstDifference(expPublished, actPublished, "published") is { } d)
        {
            return d;
        }

        return e.TryGetValue("state_info_contains", out var want) ? InfoProblem(want as string, a["state_info"] as string) : null;
    }

    private static string? InfoProblem(string? want, string? got) => want is null
        ? string.IsNullOrEmpty(got) ? null : $"state_info '{got}', expected none"
        : (got ?? "").Contains(want, StringComparison.Ordinal) ? null : $"state_info '{got}' does not contain '{want}'";

    /// <summary>Mistral's API gives JSON fields (output, published) as JSON text.</summary>
    private static object? AsJson(object? v)
    {
        if (v is not string s)
        {
            return v;
        }

        try
        {
            return Json.Parse(s);
        }
        catch (System.Text.Json.JsonException)
        {
            return s;
        }
    }

    private async Task<Response?> UploadAsync(ConformanceCase c)
    {
        var collection = c.Kind == "workbook" ? "v2/workbooks" : "v2/workflows";
        var r = await SendAsync(HttpMethod.Post, collection, c.Definition, "text/plain");
        if (r.Ok)
        {
            return null;
        }

        if (r.Status != 409)
        {
            return r;
        }

        // the same names exist from an earlier case: replace them, as the reference runner does
        foreach (var name in DefinitionNames(c))
        {
            var deleted = await SendAsync(HttpMethod.Delete, $"{collection}/{Uri.EscapeDataString(name)}", null, null);
            Assert.True(deleted.Ok || deleted.Status == 404, $"cannot delete existing {c.Kind} {name}: HTTP {deleted.Status} {deleted.Message}");
        }

        r = await SendAsync(HttpMethod.Post, collection, c.Definition, "text/plain");
        return r.Ok ? null : r;
    }

    private static IEnumerable<string> DefinitionNames(ConformanceCase c)
    {
        if (c.Kind == "workbook")
        {
            var m = WorkbookName().Match(c.Definition);
            return m.Success ? [m.Groups[1].Value] : [];
        }

        return TopLevelKey().Matches(c.Definition).Select(m => m.Groups[2].Value).Where(n => n != "version");
    }

    [GeneratedRegex("""^name:\s*['"]?([^'"\s#]+)""", RegexOptions.Multiline)]
    private static partial Regex WorkbookName();

    [GeneratedRegex("""^(['"]?)([^\s:'"#][^:'"#]*?)\1\s*:""", RegexOptions.Multiline)]
    private static partial Regex TopLevelKey();

    private async Task DeleteExecutionAsync(string id)
    {
        var r = await SendAsync(HttpMethod.Delete, $"v2/executions/{id}?force=true", null, null);
        Assert.True(r.Ok, $"cannot delete execution {id}: HTTP {r.Status} {r.Message}");
    }

    private static string Id(object? body) => (string)((OrderedDictionary<string, object?>)body!)["id"]!;

    private async Task<OrderedDictionary<string, object?>> GetMapAsync(string path)
    {
        var r = await SendAsync(HttpMethod.Get, path, null, null);
        Assert.True(r.Ok, $"GET {path}: HTTP {r.Status} {r.Message}");
        return (OrderedDictionary<string, object?>)r.Body!;
    }

    private async Task<Response> SendAsync(HttpMethod method, string path, string? body, string? contentType)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
        }

        // Mistral answers 406 to text/plain POSTs that insist on JSON
        request.Headers.Accept.ParseAdd(contentType == "text/plain" ? "*/*" : "application/json");
        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        object? parsed;
        try
        {
            parsed = text.Length == 0 ? null : Json.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            parsed = text;
        }

        return new Response((int)response.StatusCode, text, parsed);
    }

    /// <summary>One HTTP answer: status, raw body, parsed body.</summary>
    private sealed record Response(int Status, string Text, object? Body)
    {
        public bool Ok => Status is >= 200 and < 300;

        /// <summary>The error text (Mistral's faultstring), or the raw body.</summary>
        public string Message => Body is OrderedDictionary<string, object?> m && m.GetValueOrDefault("faultstring") is string f ? f : Text;

        public bool Contains(string fragment) =>
            Message.Contains(fragment, StringComparison.Ordinal) || Text.Contains(fragment, StringComparison.Ordinal);
    }
}

using Sirocco.Store;
using Sirocco.Values;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// Issue 4's restart test: executions waiting in <c>wait-before</c>, in a retry delay, inside a sub-workflow, on a
/// task <c>timeout</c> (its async action never answers) and in <c>wait-after</c> are
/// all in flight when the real server process is SIGKILLed; a new process on the same database finishes each of them
/// exactly as an uninterrupted run does (state, output, tasks with their published values, action executions per
/// task, sub-workflow executions): no wait lost, no task or action run twice.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DurableWaitRestartTests
{
    // The waits are seconds long so that the process is surely killed inside them, whatever the machine's load.
    private const string Workflows = """
        version: '2.0'
        waiting:
          tasks:
            first:
              action: std.echo output=1
              publish:
                a: <% task().result %>
              on-success: [later]
            later:
              action: std.echo output=<% $.a + 1 %>
              wait-before: 6
              publish:
                b: <% task().result %>
          output:
            b: <% $.b %>
        retrying:
          tasks:
            flaky:
              action: std.fail error_data="nope"
              retry:
                count: 2
                delay: 5
              publish-on-error:
                why: <% task().result %>
              on-error: [recover]
            recover:
              action: std.echo output="recovered from <% $.why %>"
              publish:
                msg: <% task().result %>
        parent:
          tasks:
            call:
              workflow: child
              input:
                n: 21
              publish:
                got: <% task().result %>
          output:
            got: <% $.got %>
        child:
          input: [n]
          tasks:
            nap:
              action: std.sleep seconds=5
              on-success: [double]
            double:
              action: std.echo output=<% $.n * 2 %>
              publish:
                r: <% task().result %>
          output:
            r: <% $.r %>
        timing_out:
          tasks:
            hang:
              action: std.async_noop
              timeout: 6
              on-error: [after_timeout]
            after_timeout:
              action: std.echo output="gave up"
              publish:
                r: <% task().result %>
        waiting_after:
          tasks:
            step:
              action: std.echo output=1
              wait-after: 6
              publish:
                s: <% task().result %>
        """;

    private static readonly string[] Roots = ["waiting", "retrying", "parent", "timing_out", "waiting_after"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Wait_before_retry_delay_subworkflow_timeout_and_wait_after_survive_SIGKILL_and_end_as_an_uninterrupted_run()
    {
        using var dir = new TempDir();

        // the reference: the same three executions, uninterrupted
        var expected = new Dictionary<string, object?>();
        int expectedExecutions;
        await using (var server = await ServerProcess.StartAsync(dir.File("reference.db")))
        {
            var ids = await StartAllAsync(server);
            foreach (var name in Roots)
            {
                await server.WaitForExecutionAsync(ids[name], "SUCCESS");
                expected[name] = await SnapshotAsync(server, ids[name]);
            }

            expectedExecutions = await ExecutionCountAsync(server);
            TestContext.Current.TestOutputHelper?.WriteLine($"uninterrupted: {Json.Serialize(expected)}");
        }

        // the crash: killed while each execution waits
        var db = dir.File("crash.db");
        Dictionary<string, string> started;
        await using (var server = await ServerProcess.StartAsync(db))
        {
            started = await StartAllAsync(server);
            await Poll.UntilAsync(async () => await TaskStateAsync(server, started["waiting"], "later") == "DELAYED",
                "task 'later' to wait in wait-before");
            await Poll.UntilAsync(async () => await TaskStateAsync(server, started["retrying"], "flaky") == "DELAYED",
                "task 'flaky' to wait in its retry delay");
            await Poll.UntilAsync(async () => await TaskStateAsync(server, started["waiting_after"], "step") == "DELAYED",
                "task 'step' to wait in wait-after");
            await WaitForClaimedSleepAsync(db);
            await using (var store = await SiroccoStore.OpenSqliteAsync(db, new StoreOptions(), Ct))
            {
                await Poll.UntilAsync(async () => await TaskStateAsync(server, started["timing_out"], "hang") == "RUNNING"
                    && await CountAsync(store, "SELECT COUNT(*) FROM durable_timers WHERE workflow_execution_id = $p", started["timing_out"]) > 0,
                    "task 'hang' to run with its timeout timer set");
            }

            server.Kill();
        }

        // what the dead process left: the two timers still pending, the sub-workflow's sleep not finished
        await using (var store = await SiroccoStore.OpenSqliteAsync(db, new StoreOptions(), Ct))
        {
            Assert.True(await CountAsync(store, "SELECT COUNT(*) FROM durable_timers WHERE workflow_execution_id = $p", started["waiting"]) > 0,
                "the wait-before timer had already fired when the process was killed");
            Assert.True(await CountAsync(store, "SELECT COUNT(*) FROM durable_timers WHERE workflow_execution_id = $p", started["retrying"]) > 0,
                "the retry delay had already passed when the process was killed");
            Assert.Equal(1L, await CountAsync(store, "SELECT COUNT(*) FROM action_requests WHERE action_name = $p", "std.sleep"));
            Assert.True(await CountAsync(store, "SELECT COUNT(*) FROM durable_timers WHERE workflow_execution_id = $p", started["timing_out"]) > 0,
                "the timeout had already fired when the process was killed");
            Assert.True(await CountAsync(store, "SELECT COUNT(*) FROM durable_timers WHERE workflow_execution_id = $p", started["waiting_after"]) > 0,
                "the wait-after timer had already fired when the process was killed");
        }

        await using (var restarted = await ServerProcess.StartAsync(db))
        {
            foreach (var name in Roots)
            {
                await restarted.WaitForExecutionAsync(started[name], "SUCCESS");
                var actual = await SnapshotAsync(restarted, started[name]);
                Assert.True(ValueEquality.AreEqual(expected[name], actual),
                    $"{name} after the restart:\n{Json.Serialize(actual)}\nuninterrupted:\n{Json.Serialize(expected[name])}");
            }

            // no sub-workflow started twice
            Assert.Equal(expectedExecutions, await ExecutionCountAsync(restarted));
        }
    }

    private static async Task<Dictionary<string, string>> StartAllAsync(ServerProcess server)
    {
        await server.SendAsync(HttpMethod.Post, "v2/workflows", Workflows, "text/plain", expect: 201);
        var ids = new Dictionary<string, string>();
        foreach (var name in Roots)
        {
            var created = await server.SendAsync(HttpMethod.Post, "v2/executions", $"{{\"workflow_name\": \"{name}\"}}", "application/json", expect: 201);
            ids[name] = (string)created["id"]!;
        }

        return ids;
    }

    /// <summary>
    /// What a user sees of one execution when it is over: state, output, and per task (by name) its state, state_info,
    /// published values, how many action executions it had, and the snapshots of the sub-workflows it started.
    /// </summary>
    private static async Task<OrderedDictionary<string, object?>> SnapshotAsync(ServerProcess server, string id)
    {
        var ex = await server.GetAsync($"v2/executions/{id}");
        var tasks = new OrderedDictionary<string, object?>();
        foreach (var task in (await ListAsync(server, $"v2/executions/{id}/tasks", "tasks")).OrderBy(t => (string)t["name"]!, StringComparer.Ordinal))
        {
            var taskId = (string)task["id"]!;
            var actions = await ListAsync(server, $"v2/tasks/{taskId}/action_executions", "action_executions");
            var children = new List<object?>();
            foreach (var child in await ListAsync(server, $"v2/executions?task_execution_id={taskId}", "executions"))
            {
                children.Add(await SnapshotAsync(server, (string)child["id"]!));
            }

            // a task name that ran twice would show as a list here and differ from the reference
            var entry = new OrderedDictionary<string, object?>
            {
                ["state"] = task["state"],
                ["state_info"] = task["state_info"],
                ["published"] = ParseJson(task["published"]),
                ["action_executions"] = actions.Select(a => a["state"]).ToList(),
                ["sub_workflows"] = children,
            };
            tasks[(string)task["name"]!] = tasks.TryGetValue((string)task["name"]!, out var seen) ? new List<object?> { seen, entry } : entry;
        }

        return new OrderedDictionary<string, object?>
        {
            ["workflow_name"] = ex["workflow_name"],
            ["state"] = ex["state"],
            ["state_info"] = ex["state_info"],
            ["output"] = ParseJson(ex["output"]),
            ["tasks"] = tasks,
        };
    }

    private static object? ParseJson(object? v) => v is string s ? Json.Parse(s) : v;

    private static async Task<List<OrderedDictionary<string, object?>>> ListAsync(ServerProcess server, string path, string key) =>
        ((List<object?>)(await server.GetAsync(path))[key]!).Cast<OrderedDictionary<string, object?>>().ToList();

    private static async Task<int> ExecutionCountAsync(ServerProcess server) => (await ListAsync(server, "v2/executions", "executions")).Count;

    private static async Task<string?> TaskStateAsync(ServerProcess server, string executionId, string taskName)
    {
        var task = (await ListAsync(server, $"v2/executions/{executionId}/tasks", "tasks")).FirstOrDefault(t => (string?)t["name"] == taskName);
        return task?["state"] as string;
    }

    /// <summary>Waits until an executor holds the lease on the sub-workflow's sleep: the process dies with it claimed.</summary>
    private static async Task WaitForClaimedSleepAsync(string db)
    {
        await using var store = await SiroccoStore.OpenSqliteAsync(db, new StoreOptions(), Ct);
        await Poll.UntilAsync(async () => await CountAsync(store,
            "SELECT COUNT(*) FROM action_requests WHERE action_name = $p AND lease_owner IS NOT NULL", "std.sleep") == 1,
            "the sub-workflow's std.sleep action to be claimed by the executor");
    }

    private static Task<long> CountAsync(SiroccoStore store, string sql, string parameter) => store.ReadAsync(async (c, ct) =>
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var p = cmd.CreateParameter();
        p.ParameterName = "$p";
        p.Value = parameter;
        cmd.Parameters.Add(p);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }, Ct);
}

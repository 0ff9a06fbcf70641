using Sirocco.Store;
using Sirocco.Values;
using Xunit;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// Issue 3's crash test: the real server process is killed with SIGKILL while an execution is inside a
/// <c>std.sleep</c> task, started again on the same database, and the execution finishes with the same output and
/// task list as an uninterrupted run; no task lost, none run twice.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CrashRestartTests
{
    private const string Workflow = """
        version: '2.0'
        sleepy:
          input:
            - name
          tasks:
            hello:
              action: std.echo output="Hello <% $.name %>"
              publish:
                greeting: <% task().result %>
              on-success: nap
            nap:
              action: std.sleep seconds=2
              on-success: bye
            bye:
              action: std.echo output=<% $.greeting + ", bye" %>
              publish:
                final: <% task().result %>
          output:
            result: <% $.final %>
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Server_killed_inside_a_sleep_task_finishes_the_execution_after_restart_like_an_uninterrupted_run()
    {
        using var dir = new TempDir();

        // the reference: an uninterrupted run
        string expectedOutput;
        List<(string, string)> expectedTasks;
        await using (var server = await ServerProcess.StartAsync(dir.File("reference.db")))
        {
            var id = await StartExecutionAsync(server);
            var done = await server.WaitForExecutionAsync(id, "SUCCESS");
            expectedOutput = (string)done["output"]!;
            expectedTasks = await TaskListAsync(server, id);
        }

        // the crash: SIGKILL while the sleep runs, then a new process on the same file
        var db = dir.File("crash.db");
        string executionId;
        await using (var server = await ServerProcess.StartAsync(db))
        {
            executionId = await StartExecutionAsync(server);
            await WaitForClaimedSleepAsync(db);
            server.Kill();
        }

        await using (var restarted = await ServerProcess.StartAsync(db))
        {
            var done = await restarted.WaitForExecutionAsync(executionId, "SUCCESS");
            Assert.True(ValueEquality.AreEqual(Json.Parse(expectedOutput), Json.Parse((string)done["output"]!)));
            Assert.Equal(expectedTasks, await TaskListAsync(restarted, executionId));

            // none ran twice: one action execution per task
            var tasks = (List<object?>)(await restarted.GetAsync($"v2/executions/{executionId}/tasks"))["tasks"]!;
            foreach (var task in tasks.Cast<OrderedDictionary<string, object?>>())
            {
                var actions = (List<object?>)(await restarted.GetAsync($"v2/tasks/{task["id"]}/action_executions"))["action_executions"]!;
                Assert.Single(actions);
            }
        }
    }

    private static async Task<string> StartExecutionAsync(ServerProcess server)
    {
        await server.SendAsync(HttpMethod.Post, "v2/workflows", Workflow, "text/plain", expect: 201);
        var created = await server.SendAsync(HttpMethod.Post, "v2/executions",
            "{\"workflow_name\": \"sleepy\", \"input\": {\"name\": \"Bo\"}}", "application/json", expect: 201);
        return (string)created["id"]!;
    }

    private static async Task<List<(string, string)>> TaskListAsync(ServerProcess server, string executionId)
    {
        var tasks = (List<object?>)(await server.GetAsync($"v2/executions/{executionId}/tasks"))["tasks"]!;
        return tasks.Cast<OrderedDictionary<string, object?>>()
            .Select(t => ((string)t["name"]!, (string)t["state"]!))
            .OrderBy(t => t.Item1, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Waits until an executor holds the lease on the sleep action: the process dies with it claimed.</summary>
    private static async Task WaitForClaimedSleepAsync(string db)
    {
        await using var store = await SiroccoStore.OpenSqliteAsync(db, new StoreOptions(), Ct);
        await Poll.UntilAsync(async () => await store.ReadAsync(async (c, ct) =>
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM action_requests WHERE action_name = 'std.sleep' AND lease_owner IS NOT NULL";
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }, Ct), "the std.sleep action to be claimed by the executor");
    }
}

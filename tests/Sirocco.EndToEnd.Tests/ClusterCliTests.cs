using System.Globalization;
using System.Text.Json;
using Sirocco.Testing;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// The real <c>mistral</c> CLI against a cluster: three <c>sirocco server</c> processes with different roles and a
/// <c>sirocco executor --pool</c> on one PostgreSQL. <c>service-list</c> shows every node with its roles, and the
/// <c>cron-trigger-*</c> commands work through any node, with a trigger firing once per due time.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClusterCliTests(PostgresServer postgres)
{
    private const string Workflow = """
        version: '2.0'
        tick:
          tasks:
            t:
              action: std.noop
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Service_list_shows_each_node_with_its_roles_and_cron_triggers_work_through_any_node()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        var all = new ClusterNode("all", cs);
        var noScheduler = new ClusterNode("no-scheduler", cs, "--roles", "api,engine,executor");
        var noExecutor = new ClusterNode("no-executor", cs, "--roles", "api,engine,scheduler");
        var batch = ClusterNode.Executor("batch", cs, "batch");
        List<ClusterNode> nodes = [all, noScheduler, noExecutor, batch];
        try
        {
            foreach (var node in nodes)
            {
                await node.StartAsync(Ct);
            }

            // mistral service-list: one row per node and role, named by the node id (host:pid:suffix)
            var services = await MistralCli.JsonAsync(noScheduler.Url, "service-list");
            var byPid = services.EnumerateArray()
                .GroupBy(s => int.Parse(s.GetProperty("Name").GetString()!.Split(':')[^2], CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.Select(s => s.GetProperty("Type").GetString()!).Order(StringComparer.Ordinal).ToList());
            Assert.Equal(nodes.Select(n => n.Pid).Order(), byPid.Keys.Order());
            Assert.Equal(["api_group", "engine_group", "executor_group", "scheduler_group"], byPid[all.Pid]);
            Assert.Equal(["api_group", "engine_group", "executor_group"], byPid[noScheduler.Pid]);
            Assert.Equal(["api_group", "engine_group", "scheduler_group"], byPid[noExecutor.Pid]);
            Assert.Equal(["executor_group"], byPid[batch.Pid]);

            // the cron-trigger commands through different nodes of the cluster
            var file = Path.Combine(Path.GetTempPath(), $"sirocco-tick-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(file, Workflow, Ct);
            try
            {
                await MistralCli.OkAsync(noScheduler.Url, "workflow-create", file);
            }
            finally
            {
                File.Delete(file);
            }

            var first = DateTime.UtcNow.AddHours(2).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            await MistralCli.JsonAsync(all.Url, "cron-trigger-create", "nightly", "tick", "--pattern", "0 3 * * *", "--first-time", first, "--utc",
                "--count", "3");
            // five due times, one a second, with two scheduler nodes competing for each
            var five = await MistralCli.JsonAsync(noExecutor.Url, "cron-trigger-create", "five", "tick", "--pattern", "* * * * * *", "--count", "5");
            Assert.Equal(5, five.GetProperty("Remaining executions").GetInt32());

            var listed = await MistralCli.JsonAsync(noScheduler.Url, "cron-trigger-list");
            Assert.Contains("nightly", listed.EnumerateArray().Select(t => t.GetProperty("Name").GetString()));
            var got = await MistralCli.JsonAsync(noExecutor.Url, "cron-trigger-get", "nightly");
            Assert.Equal(first + ":00", got.GetProperty("Next execution time").GetString());

            // the last due time deletes the trigger in the same transaction that starts its execution: once it is
            // gone, nothing more fires, so the executions then are all there will be
            var deadline = DateTime.UtcNow.AddSeconds(120);
            List<JsonElement> fired;
            while (true)
            {
                var (code, _, _) = await MistralCli.RunAsync(all.Url, "cron-trigger-get", "five");
                fired = (await MistralCli.JsonAsync(noScheduler.Url, "execution-list"))
                    .EnumerateArray().Where(e => e.GetProperty("Workflow name").GetString() == "tick").ToList();
                if (code != 0 && fired.Count >= 5 && fired.All(e => e.GetProperty("State").GetString() == "SUCCESS"))
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"the trigger has not fired five successful executions: {fired.Count} so far");
            }

            var dueTimes = fired.Select(e => JsonDocument.Parse(e.GetProperty("Description").GetString()!).RootElement
                .GetProperty("triggered_by").GetProperty("due_time").GetString()).ToList();
            Assert.Equal(5, dueTimes.Count);
            Assert.Equal(5, dueTimes.Distinct(StringComparer.Ordinal).Count());

            Assert.Contains("Request to delete cron trigger nightly has been accepted.",
                await MistralCli.OkAsync(noExecutor.Url, "cron-trigger-delete", "nightly"), StringComparison.Ordinal);
            Assert.DoesNotContain((await MistralCli.JsonAsync(all.Url, "cron-trigger-list")).EnumerateArray(),
                row => row.GetProperty("Name").GetString() is { Length: > 0 });
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}

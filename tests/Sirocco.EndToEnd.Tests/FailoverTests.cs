using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using Sirocco.Testing;
using Sirocco.Values;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// Issue 6's failover test: three real <c>sirocco server</c> processes on one PostgreSQL run 100 executions (a sleep,
/// a with-items of HTTP calls with <c>safe-rerun: true</c>, a sub-workflow with an HTTP call without it and another
/// sleep) while a driver SIGKILLs a node every few seconds and starts it again. Each HTTP call lands on a loopback
/// counter in this test, so the counts are the actions' real runs. Some kills are aimed: the counter holds a request
/// until the node that sent it is killed, so an interrupted action of each kind is certain.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FailoverTests(PostgresServer postgres)
{
    private const int Executions = 100;

    private const string Workload = """
        version: '2.0'
        failover:
          input: [n, url]
          output:
            n: <% $.n %>
            items: <% $.items %>
            m: <% $.m %>
          tasks:
            nap:
              action: std.sleep seconds=0.5
              on-success: [items]
            items:
              with-items: i in <% range(3) %>
              action: std.http url=<% $.url + '/safe/' + str($.n) + '-' + str($.i) %>
              safe-rerun: true
              publish:
                items: <% task().result.select($.content.key) %>
              on-success: [child]
            child:
              workflow: failover_child n=<% $.n %> url=<% $.url %>
              publish:
                m: <% task().result.m %>
        failover_child:
          input: [n, url]
          output:
            m: <% $.n * 2 %>
          tasks:
            once:
              action: std.http url=<% $.url + '/once/' + str($.n) %>
              on-success: [nap]
              on-error: [nap]
            nap:
              action: std.sleep seconds=0.5
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_servers_killed_and_restarted_at_random_finish_every_execution_as_uninterrupted()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var counter = new CounterServer(TimeSpan.FromMilliseconds(150));
        // short leases so that a dead node's actions move on within seconds
        var nodes = Enumerable.Range(0, 3).Select(i => new ClusterNode($"node{i}", cs, "--action-lease", "3", "--sweep-interval", "0.5")).ToList();
        try
        {
            foreach (var node in nodes)
            {
                await node.StartAsync(Ct);
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using (var upload = new StringContent(Workload, Encoding.UTF8))
            {
                upload.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                using var created = await http.PostAsync($"{nodes[0].Url}/workflows", upload, Ct);
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
            }

            var chaos = new Chaos(nodes, cs, counter);
            // the first request of each kind is held until its node has been killed
            var traps = new List<(string Kind, CounterServer.Trap Trap)> { ("safe", counter.Arm("safe")), ("once", counter.Arm("once")) };
            var ids = Enumerable.Range(0, Executions).Select(_ => Guid.NewGuid().ToString()).ToList();
            var starter = Task.Run(() => StartAllAsync(http, nodes, counter.Url, ids, chaos), Ct);

            // the driver: the two aimed kills first, then every couple of seconds a random node, or one caught
            // running an HTTP call, killed and started again, until every execution has finished
            var random = new Random(6);
            foreach (var (kind, trap) in traps)
            {
                var key = await trap.Sprung.Task.WaitAsync(TimeSpan.FromSeconds(180), Ct);
                await chaos.KillHolderAsync(kind, key, trap);
            }

            var round = 0;
            while (!(starter.IsCompleted && await chaos.AllFinishedAsync(Executions)))
            {
                Assert.True(chaos.Elapsed < TimeSpan.FromMinutes(5), $"executions still running after {chaos.Elapsed} ({chaos.Kills} kills)");
                if (starter.IsFaulted)
                {
                    await starter; // surfaces the failure
                }

                await Task.Delay(TimeSpan.FromMilliseconds(1000 + random.Next(1500)), Ct);
                round++;
                if (round % 3 == 0)
                {
                    var kind = round % 2 == 0 ? "safe" : "once";
                    var trap = counter.Arm(kind);
                    string? key = null;
                    try
                    {
                        key = await trap.Sprung.Task.WaitAsync(TimeSpan.FromSeconds(3), Ct);
                    }
                    catch (TimeoutException) when (counter.Disarm(kind, trap))
                    {
                        // no call of that kind came: a random kill instead
                    }
                    catch (TimeoutException)
                    {
                        key = await trap.Sprung.Task; // sprang just now
                    }

                    if (key is not null)
                    {
                        await chaos.KillHolderAsync(kind, key, trap);
                        continue;
                    }
                }

                await chaos.KillAndRestartAsync(nodes[random.Next(nodes.Count)]);
            }

            await starter;

            // every execution ends as it would uninterrupted
            var states = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var n = 0; n < Executions; n++)
            {
                using var response = await http.GetAsync($"{nodes[n % nodes.Count].Url}/executions/{ids[n]}", Ct);
                var execution = (OrderedDictionary<string, object?>)Json.Parse(await response.Content.ReadAsStringAsync(Ct))!;
                var state = (string)execution["state"]!;
                states[state] = states.GetValueOrDefault(state) + 1;
                Assert.True(state == "SUCCESS", $"execution {n} ended {state}: {execution["state_info"]}");
                var expected = new OrderedDictionary<string, object?>
                {
                    ["n"] = (long)n,
                    ["items"] = Enumerable.Range(0, 3).Select(i => (object?)$"{n}-{i}").ToList(),
                    ["m"] = 2L * n,
                };
                Assert.True(ValueEquality.AreEqual(expected, Json.Parse((string)execution["output"]!)),
                    $"execution {n}: output {execution["output"]}, expected {Json.Serialize(expected)}");
            }

            // the with-items calls (safe-rerun: true) ran at least once each, the interrupted ones again
            var counts = counter.Counts;
            var safeKeys = Enumerable.Range(0, Executions).SelectMany(n => Enumerable.Range(0, 3).Select(i => $"safe/{n}-{i}")).ToList();
            Assert.All(safeKeys, k => Assert.True(counts.GetValueOrDefault(k) >= 1, $"{k} never ran"));
            Assert.All(chaos.Interrupted.Where(k => k.StartsWith("safe/", StringComparison.Ordinal)),
                k => Assert.True(counts.GetValueOrDefault(k) >= 2, $"{k} was interrupted and not run again"));

            // the sub-workflow's call (no safe-rerun) never ran twice; one lost with its node failed its task as lost
            var onceTasks = await chaos.OnceTasksAsync();
            Assert.Equal(Executions, onceTasks.Count);
            var lost = 0;
            foreach (var (n, (state, info)) in onceTasks)
            {
                var key = $"once/{n}";
                var runs = counts.GetValueOrDefault(key);
                Assert.True(runs <= 1, $"{key} ran {runs} times");
                if (state == "ERROR")
                {
                    Assert.Contains("executor that stopped", info, StringComparison.Ordinal);
                    lost++;
                }
                else
                {
                    Assert.Equal("SUCCESS", state);
                    Assert.Equal(1, runs);
                }
            }

            Assert.All(chaos.Interrupted.Where(k => k.StartsWith("once/", StringComparison.Ordinal)),
                k => Assert.Equal("ERROR", onceTasks[int.Parse(k["once/".Length..], CultureInfo.InvariantCulture)].State));
            Assert.Contains(chaos.Interrupted, k => k.StartsWith("safe/", StringComparison.Ordinal));
            Assert.Contains(chaos.Interrupted, k => k.StartsWith("once/", StringComparison.Ordinal));

            var safeRuns = safeKeys.Sum(k => counts.GetValueOrDefault(k));
            var onceRuns = onceTasks.Keys.Sum(n => counts.GetValueOrDefault($"once/{n}"));
            var report =
                $"failover on PostgreSQL, 3 nodes, {chaos.Kills} kills in {chaos.Elapsed.TotalSeconds:0}s (starts {string.Join("/", nodes.Select(x => x.Starts))}); " +
                $"executions: {string.Join(", ", states.Select(s => $"{s.Value} {s.Key}"))}; " +
                $"HTTP action runs: {safeRuns + onceRuns} (safe-rerun calls {safeRuns} for {safeKeys.Count}: {safeRuns - safeKeys.Count} re-runs; " +
                $"calls without safe-rerun {onceRuns} for {Executions}, {lost} lost with their node and failed, none twice); " +
                $"aimed kills interrupted {string.Join(", ", chaos.Interrupted)}";
            TestContext.Current.TestOutputHelper?.WriteLine(report);
            TestContext.Current.SendDiagnosticMessage(report);
            Assert.True(chaos.Kills >= 4, $"only {chaos.Kills} kills");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the executions at a steady pace on live nodes, retrying on another node when one dies under the request.</summary>
    private static async Task StartAllAsync(HttpClient http, List<ClusterNode> nodes, string url, List<string> ids, Chaos chaos)
    {
        var random = new Random(7);
        for (var n = 0; n < ids.Count; n++)
        {
            if (n == ids.Count - 20)
            {
                // keep work running until the driver has killed a few nodes
                var deadline = DateTime.UtcNow.AddMinutes(3);
                while (chaos.Kills < 4)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the driver killed fewer than 4 nodes in 3 minutes");
                    await Task.Delay(100, Ct);
                }
            }

            var body = $$$"""{"workflow_name": "failover", "id": "{{{ids[n]}}}", "input": {"n": {{{n}}}, "url": "{{{url}}}"}}""";
            var started = DateTime.UtcNow;
            while (true)
            {
                var up = nodes.Where(x => x.Up).ToList();
                var node = up.Count > 0 ? up[random.Next(up.Count)] : null;
                try
                {
                    if (node is not null)
                    {
                        using var content = new StringContent(body, Encoding.UTF8, "application/json");
                        using var response = await http.PostAsync($"{node.Url}/executions", content, Ct);
                        if (response.IsSuccessStatusCode)
                        {
                            break;
                        }

                        var text = await response.Content.ReadAsStringAsync(Ct);
                        Assert.True((int)response.StatusCode >= 500, $"start {n}: {(int)response.StatusCode} {text}");
                    }
                }
                catch (HttpRequestException)
                {
                    // the node died under the request: the same id on another node (a start already committed stands)
                }
                catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
                {
                    // timed out on a dying node
                }

                Assert.True(DateTime.UtcNow - started < TimeSpan.FromMinutes(2), $"execution {n} could not be started");
                await Task.Delay(100, Ct);
            }

            await Task.Delay(150, Ct); // the arrival rate: about six starts a second
        }
    }

    /// <summary>The driver's side: kills, restarts, and what it reads from the database.</summary>
    private sealed class Chaos(List<ClusterNode> nodes, string connectionString, CounterServer counter)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private int _kills;

        public int Kills => Volatile.Read(ref _kills);

        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>The calls (<c>KIND/KEY</c>) whose node was killed while the counter held them.</summary>
        public List<string> Interrupted { get; } = [];

        public async Task KillAndRestartAsync(ClusterNode node)
        {
            node.Kill();
            Interlocked.Increment(ref _kills);
            await node.StartAsync(Ct);
        }

        /// <summary>Kills the node holding the lease of the call the counter holds, then lets the held call go.</summary>
        public async Task KillHolderAsync(string kind, string key, CounterServer.Trap trap)
        {
            var owner = await LeaseOwnerAsync($"/{kind}/{key}\"");
            var holder = owner is null ? null : nodes.FirstOrDefault(x => x.Up && owner.Split(':')[^2] == x.Pid.ToString(CultureInfo.InvariantCulture));
            if (holder is not null)
            {
                holder.Kill();
                Interlocked.Increment(ref _kills);
            }

            // killed now, or its node died already (an earlier kill): either way that run of the action was cut
            Interrupted.Add($"{kind}/{key}");
            trap.Release.TrySetResult();
            if (holder is not null)
            {
                await holder.StartAsync(Ct);
            }
        }

        private async Task<string?> LeaseOwnerAsync(string urlTail)
        {
            await using var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand("SELECT lease_owner FROM action_requests WHERE input LIKE @p AND lease_owner IS NOT NULL", c);
            cmd.Parameters.AddWithValue("p", "%" + urlTail + "%");
            return await cmd.ExecuteScalarAsync(Ct) as string;
        }

        public async Task<bool> AllFinishedAsync(int expected)
        {
            await using var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand(
                "SELECT COUNT(*) FROM workflow_executions WHERE workflow_name = 'failover' AND state IN ('SUCCESS', 'ERROR', 'CANCELLED')", c);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture) >= expected;
        }

        /// <summary>The sub-workflows' <c>once</c> tasks by the parent's <c>n</c>: state and state_info.</summary>
        public async Task<Dictionary<int, (string State, string Info)>> OnceTasksAsync()
        {
            var result = new Dictionary<int, (string, string)>();
            await using var c = new NpgsqlConnection(connectionString);
            await c.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand(
                "SELECT t.state, COALESCE(t.state_info, ''), w.input FROM task_executions t " +
                "JOIN workflow_executions w ON w.id = t.workflow_execution_id WHERE t.name = 'once'", c);
            await using var r = await cmd.ExecuteReaderAsync(Ct);
            while (await r.ReadAsync(Ct))
            {
                var input = (OrderedDictionary<string, object?>)Json.Parse(r.GetString(2))!;
                result.Add((int)(long)input["n"]!, (r.GetString(0), r.GetString(1)));
            }

            return result;
        }

        public override string ToString() => $"{Kills} kills, counter {counter.Url}";
    }
}

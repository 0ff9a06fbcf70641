using System.Globalization;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Scheduling;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Store.Triggers;
using Sirocco.Testing;

namespace Sirocco.Runtime.Tests.Scheduling;

/// <summary>
/// The issue's cron test on PostgreSQL: a trigger firing every second, three scheduler nodes (each with its own
/// store and connection pool, as separate processes would have) on one database, nodes killed mid-work and restarted
/// along the way, and exactly one execution per due time over more than 60 due times.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CronClusterTests(PostgresServer postgres)
{
    private const string Workflow = """
        version: '2.0'
        tick:
          tasks:
            t:
              action: std.noop
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One scheduler node: its own store (pool) and loop; killing it cancels whatever it is doing.</summary>
    private sealed class Node(string connectionString, CronOptions options) : IAsyncDisposable
    {
        private CancellationTokenSource? _cts;
        private Task? _loop;
        private SiroccoStore? _store;

        public int Starts { get; private set; }

        public bool Up => _loop is not null;

        public async Task StartAsync()
        {
            _store = await SiroccoStore.OpenPostgresAsync(connectionString, new StoreOptions { SyncEveryCommit = false }, Ct);
            _cts = new CancellationTokenSource();
            var scheduler = new CronScheduler(_store, options);
            _loop = Task.Run(() => scheduler.RunAsync(_cts.Token), CancellationToken.None);
            Starts++;
        }

        /// <summary>Kills the node: its work is cut wherever it is (an open transaction rolls back).</summary>
        public async Task KillAsync()
        {
            if (_loop is null)
            {
                return;
            }

            await _cts!.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // cut mid-work
            }

            await _store!.DisposeAsync();
            _cts.Dispose();
            _loop = null;
        }

        public ValueTask DisposeAsync() => new(KillAsync());
    }

    [Fact]
    public async Task A_per_second_trigger_fires_once_per_due_time_across_three_nodes_killed_along_the_way()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var store = await SiroccoStore.OpenPostgresAsync(cs, new StoreOptions { SyncEveryCommit = false }, Ct);
        var wf = await store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = "tick", Definition = Workflow }, Ct);

        // FireAll: a node that wakes late on a loaded machine still serves every due time it finds (one execution each)
        var options = new CronOptions { MissedPolicy = MissedFirePolicy.FireAll };
        var nodes = Enumerable.Range(0, 3).Select(_ => new Node(cs, options)).ToList();
        foreach (var n in nodes)
        {
            await n.StartAsync();
        }

        var first = DateTime.UtcNow.AddSeconds(2);
        first = new DateTime(first.Ticks - first.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        await store.CronTriggers.CreateAsync(new CronTrigger
        {
            Name = "every-second", Pattern = "* * * * * *", NextExecutionTime = first, WorkflowName = "tick", WorkflowId = wf.Id,
        }, Ct);

        // the chaos driver: every couple of seconds one node dies (cut mid-work) and a dead one comes back
        var random = new Random(6);
        var end = first.AddSeconds(64);
        var kills = 0;
        while (DateTime.UtcNow < end)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(700 + random.Next(1300)), Ct);
            var up = nodes.Where(n => n.Up).ToList();
            if (up.Count > 1)
            {
                await up[random.Next(up.Count)].KillAsync();
                kills++;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300 + random.Next(700)), Ct);
            foreach (var down in nodes.Where(n => !n.Up).Take(1))
            {
                await down.StartAsync();
            }
        }

        foreach (var n in nodes)
        {
            await n.KillAsync();
        }

        var last = (await store.CronTriggers.GetAsync("every-second", ct: Ct)).NextExecutionTime.AddSeconds(-1);

        // one runtime turns the queued starts into executions
        await using (var runtime = new SiroccoRuntime(store, new RuntimeOptions { Cron = new CronOptions { Enabled = false } }))
        {
            var queued = await CountAsync(store, "SELECT COUNT(*) FROM pending_events WHERE kind = 'start'");
            var completed = new HashSet<string>(StringComparer.Ordinal);
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            runtime.ExecutionChanged += change =>
            {
                if (States.IsCompleted(change.Workflow.State))
                {
                    lock (completed)
                    {
                        if (completed.Add(change.Workflow.Id) && completed.Count >= queued)
                        {
                            all.TrySetResult();
                        }
                    }
                }
            };
            await runtime.StartAsync(Ct);
            await all.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        }

        var executions = await DueTimesAsync(store);
        var dueTimes = Enumerable.Range(0, (int)(last - first).TotalSeconds + 1).Select(i => first.AddSeconds(i).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).ToList();
        TestContext.Current.SendDiagnosticMessage(
            $"cron on PostgreSQL: {dueTimes.Count} due times, {executions.Count} executions, {kills} node kills, node starts {string.Join("/", nodes.Select(n => n.Starts))}");
        Assert.True(dueTimes.Count >= 60, $"only {dueTimes.Count} due times");
        Assert.True(kills >= 10, $"only {kills} kills");
        Assert.Empty(executions.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(dueTimes, executions.Order(StringComparer.Ordinal));
    }

    private static async Task<long> CountAsync(SiroccoStore store, string sql) =>
        await store.ReadAsync(async (c, ct) =>
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, Ct);

    private static async Task<List<string>> DueTimesAsync(SiroccoStore store) =>
        await store.ReadAsync(async (c, ct) =>
        {
            var list = new List<string>();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT description FROM workflow_executions WHERE workflow_name = 'tick'";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var d = (OrderedDictionary<string, object?>)Values.Json.Parse(r.GetString(0))!;
                list.Add((string)((OrderedDictionary<string, object?>)d["triggered_by"]!)["due_time"]!);
            }

            return list;
        }, Ct);
}

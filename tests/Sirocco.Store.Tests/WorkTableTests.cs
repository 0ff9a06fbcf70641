using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Values;

namespace Sirocco.Store.Tests;

public abstract class WorkTableTests(StoreKind kind, PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RunAction Sleep(string id, bool safe = false) => new()
    {
        WorkflowExecutionId = "ex-1",
        ActionExecutionId = id,
        TaskExecutionId = "task-1",
        ActionName = "std.sleep",
        Input = new OrderedDictionary<string, object?> { ["seconds"] = 1L },
        SafeRerun = safe,
    };

    [Fact]
    public async Task Action_request_is_claimed_once_and_only_its_lease_holder_completes_it()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WriteAsync((c, tx, ct) => SiroccoStore.AddActionRequestAsync(c, tx, Sleep("a1"), 0, ct), Ct);

        var first = await store.ClaimActionRequestsAsync("node-a", 10_000, 10, Ct);
        var second = await store.ClaimActionRequestsAsync("node-b", 10_000, 10, Ct);

        var claimed = Assert.Single(first);
        Assert.Equal("a1", claimed.Request.ActionExecutionId);
        Assert.Equal(1, claimed.Attempts);
        Assert.Equal(1L, claimed.Request.Input["seconds"]);
        Assert.Empty(second);

        Assert.False(await store.WriteAsync((c, tx, ct) => SiroccoStore.CompleteActionRequestAsync(c, tx, "a1", "node-b", ct), Ct));
        Assert.True(await store.WriteAsync((c, tx, ct) => SiroccoStore.CompleteActionRequestAsync(c, tx, "a1", "node-a", ct), Ct));
        Assert.Equal(0, await store.CountActionRequestsAsync(Ct));
    }

    [Fact]
    public async Task Expired_or_foreign_leases_are_orphans_and_a_released_request_is_claimed_again()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WriteAsync(async (c, tx, ct) =>
        {
            await SiroccoStore.AddActionRequestAsync(c, tx, Sleep("a1"), 0, ct);
            await SiroccoStore.AddActionRequestAsync(c, tx, Sleep("a2", safe: true), 1, ct);
        }, Ct);
        await store.ClaimActionRequestsAsync("dead-node", leaseUntilMs: 5_000, limit: 10, Ct);

        // before expiry, only a "foreign owners are dead" sweep (start-up on SQLite) sees them
        var live = await store.WriteAsync((c, tx, ct) => SiroccoStore.ListOrphanedActionRequestsAsync(c, tx, "me", false, 4_000, ct), Ct);
        var atStart = await store.WriteAsync((c, tx, ct) => SiroccoStore.ListOrphanedActionRequestsAsync(c, tx, "me", true, 4_000, ct), Ct);
        var expired = await store.WriteAsync((c, tx, ct) => SiroccoStore.ListOrphanedActionRequestsAsync(c, tx, "me", false, 6_000, ct), Ct);
        Assert.Empty(live);
        Assert.Equal(2, atStart.Count);
        Assert.Equal(["a1", "a2"], expired.Select(o => o.Request.ActionExecutionId));
        Assert.True(expired[1].Request.SafeRerun);
        Assert.Equal("dead-node", expired[0].Owner);

        await store.WriteAsync((c, tx, ct) => SiroccoStore.ReleaseActionRequestAsync(c, tx, "a2", ct), Ct);
        var again = await store.ClaimActionRequestsAsync("me", 20_000, 10, Ct);
        var reclaimed = Assert.Single(again);
        Assert.Equal("a2", reclaimed.Request.ActionExecutionId);
        Assert.Equal(2, reclaimed.Attempts);
    }

    [Fact]
    public async Task Renewed_lease_is_not_an_orphan()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WriteAsync((c, tx, ct) => SiroccoStore.AddActionRequestAsync(c, tx, Sleep("a1"), 0, ct), Ct);
        await store.ClaimActionRequestsAsync("node", 5_000, 10, Ct);

        await store.RenewActionLeasesAsync("node", ["a1"], 50_000, Ct);

        var orphans = await store.WriteAsync((c, tx, ct) => SiroccoStore.ListOrphanedActionRequestsAsync(c, tx, "node", false, 6_000, ct), Ct);
        Assert.Empty(orphans);
    }

    [Fact]
    public async Task Due_timer_becomes_a_pending_timer_fired_event_exactly_once()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var due = new DateTime(2030, 1, 1, 0, 0, 10, DateTimeKind.Utc);
        var dueMs = new DateTimeOffset(due).ToUnixTimeMilliseconds();
        await store.WriteAsync((c, tx, ct) => SiroccoStore.ArmTimerAsync(c, tx, new ArmTimer("ex-1", "timer-1", due, "wait-before"), 0, ct), Ct);

        Assert.Equal(dueMs, await store.NextTimerDueAsync(Ct));
        Assert.Equal(0, await store.FireDueTimersAsync(dueMs - 1, Ct));
        Assert.Equal(1, await store.FireDueTimersAsync(dueMs, Ct));
        Assert.Equal(0, await store.FireDueTimersAsync(dueMs + 1000, Ct));
        Assert.Null(await store.NextTimerDueAsync(Ct));

        var events = await store.WriteAsync((c, tx, ct) => SiroccoStore.ReadPendingEventsAsync(c, tx, 10, dueMs, ct), Ct);
        var fired = Assert.Single(events);
        Assert.Equal("ex-1", fired.WorkflowExecutionId);
        Assert.Equal(new TimerFired("timer-1"), fired.Event);
    }

    [Fact]
    public async Task Cancelled_timer_never_fires()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var due = new DateTime(2030, 1, 1, 0, 0, 10, DateTimeKind.Utc);
        await store.WriteAsync(async (c, tx, ct) =>
        {
            await SiroccoStore.ArmTimerAsync(c, tx, new ArmTimer("ex-1", "timer-1", due, "retry"), 0, ct);
            await SiroccoStore.CancelTimerAsync(c, tx, "timer-1", ct);
        }, Ct);

        Assert.Equal(0, await store.FireDueTimersAsync(long.MaxValue, Ct));
        Assert.Equal(0, await store.CountPendingEventsAsync(Ct));
    }

    [Fact]
    public async Task Pending_events_come_back_in_arrival_order_with_their_payload()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WriteAsync(async (c, tx, ct) =>
        {
            await SiroccoStore.AppendEventAsync(c, tx, "ex-2", new PauseWorkflow(), 0, ct);
            await SiroccoStore.AppendEventAsync(c, tx, "ex-1", new StopWorkflow("CANCELLED", "by test"), 0, ct);
            await SiroccoStore.AppendEventAsync(c, tx, "ex-2", new ActionCompleted("a1", ActionResult.Ok(new OrderedDictionary<string, object?> { ["x"] = 1L })), 0, ct);
        }, Ct);

        var events = await store.WriteAsync((c, tx, ct) => SiroccoStore.ReadPendingEventsAsync(c, tx, 10, 0, ct), Ct);

        Assert.Equal(["ex-2", "ex-1", "ex-2"], events.Select(e => e.WorkflowExecutionId));
        Assert.IsType<PauseWorkflow>(events[0].Event);
        Assert.Equal(new StopWorkflow("CANCELLED", "by test"), events[1].Event);
        var completed = Assert.IsType<ActionCompleted>(events[2].Event);
        Assert.True(ValueEquality.AreEqual(new OrderedDictionary<string, object?> { ["x"] = 1L }, completed.Result.Data));

        await store.WriteAsync((c, tx, ct) => SiroccoStore.DeleteEventAsync(c, tx, events[0].Seq, ct), Ct);
        Assert.Equal(2, await store.CountPendingEventsAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_claimers_get_disjoint_requests_and_together_all_of_them()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WriteAsync(async (c, tx, ct) =>
        {
            for (var i = 0; i < 60; i++)
            {
                await SiroccoStore.AddActionRequestAsync(c, tx, Sleep($"a{i:D2}"), i, ct);
            }
        }, Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (true)
            {
                var got = await store.ClaimActionRequestsAsync($"node-{n}", 100_000, 5, Ct);
                if (got.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(got.Select(g => g.Request.ActionExecutionId));
            }
        }, Ct)));

        var all = claims.SelectMany(x => x).ToList();
        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Distinct().Count());
    }

    [Fact]
    public async Task Targeted_requests_go_only_to_their_pool()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WriteAsync(async (c, tx, ct) =>
        {
            await SiroccoStore.AddActionRequestAsync(c, tx, Sleep("plain"), 0, ct);
            await SiroccoStore.AddActionRequestAsync(c, tx, Sleep("gpu-only") with { Target = "gpu" }, 1, ct);
        }, Ct);

        Assert.Empty(await store.ClaimActionRequestsAsync("cpu-executor", 10_000, 10, Ct, pool: "cpu"));
        Assert.Equal(["gpu-only"], (await store.ClaimActionRequestsAsync("gpu-executor", 10_000, 10, Ct, pool: "gpu")).Select(a => a.Request.ActionExecutionId));
        Assert.Equal(["plain"], (await store.ClaimActionRequestsAsync("default-executor", 10_000, 10, Ct)).Select(a => a.Request.ActionExecutionId));
    }

    [Fact]
    public async Task Node_registry_keeps_one_row_per_node_with_its_latest_heartbeat()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var started = new DateTime(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);
        await store.HeartbeatNodeAsync(new("n1", "host", 10, "api,engine", null, started, 1_000), Ct);
        await store.HeartbeatNodeAsync(new("n2", "host", 11, "executor", "gpu", started.AddSeconds(1), 1_500), Ct);
        await store.HeartbeatNodeAsync(new("n1", "host", 10, "api,engine", null, started, 9_000), Ct);

        var nodes = await store.ListNodesAsync(Ct);
        Assert.Equal([("n1", 9_000L, (string?)null), ("n2", 1_500L, "gpu")], nodes.Select(n => (n.Id, n.HeartbeatAtMs, n.Pool)));
        Assert.Equal(started, nodes[0].StartedAt);

        // a clean stop removes the node, and nodes silent for long are forgotten with it
        await store.RemoveNodeAsync("n1", forgetBeforeMs: 2_000, Ct);
        Assert.Empty(await store.ListNodesAsync(Ct));
    }
}

/// <summary>The compliance suite on SQLite.</summary>
public sealed class WorkTableTestsOnSqlite(PostgresServer postgres) : WorkTableTests(StoreKind.Sqlite, postgres);

/// <summary>The compliance suite on PostgreSQL.</summary>
public sealed class WorkTableTestsOnPostgres(PostgresServer postgres) : WorkTableTests(StoreKind.Postgres, postgres);

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
}

/// <summary>The compliance suite on SQLite.</summary>
public sealed class WorkTableTestsOnSqlite(PostgresServer postgres) : WorkTableTests(StoreKind.Sqlite, postgres);

/// <summary>The compliance suite on PostgreSQL.</summary>
public sealed class WorkTableTestsOnPostgres(PostgresServer postgres) : WorkTableTests(StoreKind.Postgres, postgres);

using Sirocco.Store.Internal;

namespace Sirocco.Store.Tests;

/// <summary>
/// Stored plugin versions (migration 0010): stored once by content hash, loaded back byte for byte, and deleted only
/// once no node has had them current for the retention and no unfinished execution is pinned to them.
/// </summary>
public abstract class PluginVersionTests(StoreKind kind, PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string V1 = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string V2 = "2222222222222222222222222222222222222222222222222222222222222222";

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static Task Execution(SiroccoStore store, string id, string state, string pinnedSha) =>
        store.WriteAsync(async (c, tx, ct) =>
        {
            await Db.ExecuteAsync(c, tx, """
                INSERT INTO workflow_executions (id, workflow_name, state, project_id, created_at) VALUES (@id, 'wf', @s, '<default-project>', '2026-11-23 12:00:00')
                """, ct, ("@id", id), ("@s", state));
            await Db.ExecuteAsync(c, tx, "INSERT INTO execution_action_versions (execution_id, versions) VALUES (@id, @v)", ct,
                ("@id", id), ("@v", "{\"plugins\": {\"P\": \"" + pinnedSha + "\"}}"));
        }, Ct);

    [Fact]
    public async Task Versions_are_stored_once_loaded_back_and_collected_when_nothing_needs_them()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using var store = await db.OpenAsync(new StoreOptions { SyncEveryCommit = false, Clock = clock });

        byte[] one = [1, 2, 3, 0, 255];
        await store.SavePluginVersionAsync("plugins", "P", V1, () => one, Ct);
        // already stored: the bytes are not asked for again
        await store.SavePluginVersionAsync("plugins", "P", V1, () => throw new InvalidOperationException("asked twice"), Ct);
        Assert.Equal(one, await store.LoadPluginVersionAsync("plugins", "P", V1, Ct));
        Assert.Null(await store.LoadPluginVersionAsync("plugins", "P", V2, Ct));
        Assert.Null(await store.LoadPluginVersionAsync("other", "P", V1, Ct));

        clock.Now += TimeSpan.FromMinutes(5);
        await store.SavePluginVersionAsync("plugins", "P", V2, () => [9], Ct);
        await Execution(store, "running-on-v1", "RUNNING", V1);

        // V1 is past the retention but a running execution is pinned to it; V2 is within the retention
        clock.Now += TimeSpan.FromHours(1);
        Assert.Equal(0, await store.DeleteUnusedPluginVersionsAsync("plugins", clock.Now - TimeSpan.FromMinutes(62), Ct));
        Assert.Equal([("P", V1), ("P", V2)], (await store.ListPluginVersionsAsync("plugins", Ct)).Select(v => (v.Plugin, v.Sha256)));

        // the execution ends: V1 goes, V2 stays as long as it is seen (a node has it current)
        await store.WriteAsync((c, tx, ct) => Db.ExecuteAsync(c, tx, "UPDATE workflow_executions SET state = 'SUCCESS' WHERE id = 'running-on-v1'", ct), Ct);
        Assert.True(await store.TouchPluginVersionAsync("plugins", "P", V2, Ct));
        Assert.Equal(1, await store.DeleteUnusedPluginVersionsAsync("plugins", clock.Now - TimeSpan.FromMinutes(62), Ct));
        Assert.Equal([("P", V2)], (await store.ListPluginVersionsAsync("plugins", Ct)).Select(v => (v.Plugin, v.Sha256)));
        Assert.False(await store.TouchPluginVersionAsync("plugins", "P", V1, Ct));
    }
}

/// <summary>On SQLite.</summary>
public sealed class PluginVersionTestsOnSqlite(PostgresServer postgres) : PluginVersionTests(StoreKind.Sqlite, postgres);

/// <summary>On PostgreSQL.</summary>
public sealed class PluginVersionTestsOnPostgres(PostgresServer postgres) : PluginVersionTests(StoreKind.Postgres, postgres);

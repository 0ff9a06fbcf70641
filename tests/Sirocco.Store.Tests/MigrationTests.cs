using Sirocco.Store.Internal;
using Sirocco.Store.Migrations;
using Sirocco.Store.Sqlite;

namespace Sirocco.Store.Tests;

public sealed class MigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Empty_database_is_migrated_to_the_newest_version_with_every_table()
    {
        await using var db = new TempDatabase();
        await using var store = await db.OpenAsync();

        var (version, tables) = await store.ReadAsync(async (c, ct) =>
        {
            var v = await MigrationRunner.CurrentVersionAsync(c, null, ct);
            var names = new List<string>();
            await using var cmd = Db.Command(c, null, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                names.Add(r.GetString(0));
            }

            return (v, names);
        }, Ct);

        Assert.Equal(store.Dialect.Migrations[^1].Version, version);
        foreach (var table in new[]
                 {
                     "workbooks", "workflow_definitions", "workflow_executions", "task_executions", "action_executions",
                     "pending_events", "action_requests", "durable_timers", "schema_migrations",
                 })
        {
            Assert.Contains(table, tables);
        }
    }

    [Fact]
    public async Task Running_migrations_again_applies_nothing_and_keeps_data()
    {
        await using var db = new TempDatabase();
        await using (var store = await db.OpenAsync())
        {
            await store.WorkflowDefinitions.CreateAsync(new() { Name = "wf", Definition = "wf: {}" }, Ct);
        }

        var options = new StoreOptions();
        using var dialect = new SqliteDialect(db.Path, options);
        var applied = await MigrationRunner.RunAsync(dialect, options.Clock, Ct);
        Assert.Empty(applied);

        await using var reopened = await db.OpenAsync();
        Assert.Equal("wf", (await reopened.WorkflowDefinitions.GetAsync("wf", ct: Ct)).Name);
    }

    [Fact]
    public async Task Database_from_a_newer_version_is_refused_with_a_clear_error()
    {
        await using var db = new TempDatabase();
        await using (var store = await db.OpenAsync())
        {
            await store.WriteAsync((c, tx, ct) =>
                Db.ExecuteAsync(c, tx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '2030-01-01 00:00:00')", ct), Ct);
        }

        var error = await Assert.ThrowsAsync<SchemaException>(() => db.OpenAsync());
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Database_uses_the_wal_journal()
    {
        await using var db = new TempDatabase();
        await using var store = await db.OpenAsync();
        var mode = await store.ReadAsync((c, ct) => Db.ScalarAsync(c, null, "PRAGMA journal_mode", ct), Ct);
        Assert.Equal("wal", mode as string);
    }
}

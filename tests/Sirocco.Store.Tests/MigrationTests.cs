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
    public async Task Gaps_in_numbering_are_allowed_and_a_lower_number_landing_later_still_runs()
    {
        await using var db = new TempDatabase();
        var options = new StoreOptions();
        using var sqlite = new SqliteDialect(db.Path, options);
        var first = new ScriptedDialect(sqlite,
        [
            new Migration(1, "one", "CREATE TABLE t1 (x INTEGER)"),
            new Migration(6, "six", "CREATE TABLE t6 (x INTEGER)"),
        ]);
        Assert.Equal([1, 6], await MigrationRunner.RunAsync(first, options.Clock, Ct));

        // 0003 was reserved by someone else and lands after 0006 was applied: it must still run, once.
        var later = new ScriptedDialect(sqlite,
        [
            new Migration(1, "one", "CREATE TABLE t1 (x INTEGER)"),
            new Migration(3, "three", "CREATE TABLE t3 (x INTEGER)"),
            new Migration(6, "six", "CREATE TABLE t6 (x INTEGER)"),
        ]);
        Assert.Equal([3], await MigrationRunner.RunAsync(later, options.Clock, Ct));
        Assert.Empty(await MigrationRunner.RunAsync(later, options.Clock, Ct));

        await using var c = await sqlite.OpenAsync(Ct);
        Assert.Equal([1, 3, 6], await MigrationRunner.AppliedVersionsAsync(c, null, Ct));
        Assert.Equal(1L, await Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM sqlite_master WHERE name = 't3'", Ct));
    }

    /// <summary>A real SQLite dialect with a chosen list of scripts.</summary>
    private sealed class ScriptedDialect(SqliteDialect inner, IReadOnlyList<Migration> scripts) : ISqlDialect
    {
        public string Name => inner.Name;

        public bool SingleWriter => inner.SingleWriter;

        public IReadOnlyList<Migration> Migrations => scripts;

        public Task<System.Data.Common.DbConnection> OpenAsync(CancellationToken ct) => inner.OpenAsync(ct);

        public bool IsUniqueViolation(System.Data.Common.DbException error) => inner.IsUniqueViolation(error);

        public Task<System.Data.Common.DbTransaction> BeginWriteAsync(System.Data.Common.DbConnection connection, CancellationToken ct) =>
            inner.BeginWriteAsync(connection, ct);
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

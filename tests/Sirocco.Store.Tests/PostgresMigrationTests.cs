using Sirocco.Store.Internal;
using Sirocco.Store.Migrations;
using Sirocco.Store.Postgres;

namespace Sirocco.Store.Tests;

public sealed class PostgresMigrationTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_sqlite_script_has_a_postgres_twin_with_the_same_number_and_name()
    {
        using var sqlite = new Sqlite.SqliteDialect(Path.Combine(Path.GetTempPath(), "unused.db"), new StoreOptions());
        await using var db = await TempDatabase.CreateAsync(StoreKind.Postgres, postgres);
        using var pg = new PostgresDialect(db.ConnectionString!, new StoreOptions());
        Assert.Equal(sqlite.Migrations.Select(m => (m.Version, m.Name)), pg.Migrations.Select(m => (m.Version, m.Name)));
    }

    [Fact]
    public async Task Empty_database_gets_every_table_and_a_second_run_applies_nothing()
    {
        await using var db = await TempDatabase.CreateAsync(StoreKind.Postgres, postgres);
        await using (var store = await db.OpenAsync())
        {
            var tables = await store.ReadAsync(async (c, ct) =>
            {
                var names = new List<string>();
                await using var cmd = Db.Command(c, null, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    names.Add(r.GetString(0));
                }

                return names;
            }, Ct);
            foreach (var table in new[]
                     {
                         "workbooks", "workflow_definitions", "workflow_executions", "task_executions", "action_executions",
                         "pending_events", "action_requests", "durable_timers", "schema_migrations",
                     })
            {
                Assert.Contains(table, tables);
            }

            await store.WorkflowDefinitions.CreateAsync(new() { Name = "wf", Definition = "wf: {}" }, Ct);
        }

        var options = new StoreOptions();
        using var dialect = new PostgresDialect(db.ConnectionString!, options);
        Assert.Empty(await MigrationRunner.RunAsync(dialect, options.Clock, Ct));
        await using var reopened = await db.OpenAsync();
        Assert.Equal("wf", (await reopened.WorkflowDefinitions.GetAsync("wf", ct: Ct)).Name);
    }

    [Fact]
    public async Task Nodes_starting_at_once_migrate_the_database_once()
    {
        await using var db = await TempDatabase.CreateAsync(StoreKind.Postgres, postgres);
        var opens = Enumerable.Range(0, 4).Select(_ => db.OpenAsync()).ToList();
        var stores = await Task.WhenAll(opens);
        var versions = await stores[0].ReadAsync((c, ct) => MigrationRunner.AppliedVersionsAsync(c, null, ct), Ct);
        Assert.Equal(stores[0].Dialect.Migrations.Select(m => m.Version), versions);
        foreach (var s in stores)
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connection_strings_and_uris_select_postgres_and_anything_else_is_a_sqlite_file()
    {
        Assert.Null(DatabaseNames.PostgresConnectionString("sirocco.db"));
        Assert.Null(DatabaseNames.PostgresConnectionString("/var/lib/sirocco/data.db"));
        Assert.Equal("Host=db;Database=x", DatabaseNames.PostgresConnectionString("Host=db;Database=x"));
        var fromUri = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseNames.PostgresConnectionString("postgresql://bob:s%40cret@db.example:6543/sirocco")!);
        Assert.Equal(("db.example", 6543, "bob", "s@cret", "sirocco"), (fromUri.Host, fromUri.Port, fromUri.Username, fromUri.Password, fromUri.Database));

        await using var db = await TempDatabase.CreateAsync(StoreKind.Postgres, postgres);
        await using var store = await SiroccoStore.OpenDatabaseAsync(db.ConnectionString!, new StoreOptions(), Ct);
        Assert.Equal("postgresql", store.Dialect.Name);
    }
}

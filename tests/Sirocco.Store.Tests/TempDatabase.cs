using Sirocco.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Sirocco.Store.Tests;

/// <summary>Which database a compliance test runs on.</summary>
public enum StoreKind
{
    /// <summary>A SQLite file.</summary>
    Sqlite,

    /// <summary>A fresh database on the assembly's PostgreSQL cluster.</summary>
    Postgres,
}

/// <summary>A fresh database for one test: a SQLite file in a temp folder, or a new PostgreSQL database.</summary>
internal sealed class TempDatabase : IAsyncDisposable
{
    private readonly string _dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sirocco-store-tests", Guid.NewGuid().ToString("N"));

    public TempDatabase()
    {
        Directory.CreateDirectory(_dir);
        Path = System.IO.Path.Combine(_dir, "sirocco.db");
    }

    public static async Task<TempDatabase> CreateAsync(StoreKind kind, PostgresServer postgres)
    {
        var db = new TempDatabase();
        if (kind == StoreKind.Postgres)
        {
            db.ConnectionString = await postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        }

        return db;
    }

    public string Path { get; }

    /// <summary>Set for a PostgreSQL database.</summary>
    public string? ConnectionString { get; private set; }

    public Task<SiroccoStore> OpenAsync(StoreOptions? options = null)
    {
        options ??= new StoreOptions { SyncEveryCommit = false };
        return ConnectionString is { } cs
            ? SiroccoStore.OpenPostgresAsync(cs, options, TestContext.Current.CancellationToken)
            : SiroccoStore.OpenSqliteAsync(Path, options, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a file still open by a pooled connection; the temp folder is cleaned by the OS eventually
        }

        return ValueTask.CompletedTask;
    }
}

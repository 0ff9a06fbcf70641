using System.Data.Common;
using Sirocco.Store.Definitions;
using Sirocco.Store.Migrations;
using Sirocco.Store.Postgres;
using Sirocco.Store.Sqlite;
using Sirocco.Store.Triggers;

namespace Sirocco.Store;

/// <summary>
/// The durable store: definitions, executions and the work tables the runtime claims. Topic partials hold the
/// operations (<c>SiroccoStore.Events.cs</c>, <c>.ActionRequests.cs</c>, <c>.Timers.cs</c>, <c>.Executions.cs</c>);
/// repositories for definitions live in <c>Definitions/</c>. All writes go through <see cref="WriteAsync{T}"/>,
/// which serialises writers when the database allows only one (SQLite).
/// </summary>
public sealed partial class SiroccoStore : IAsyncDisposable
{
    private const int MaxWriteAttempts = 5;

    private readonly SemaphoreSlim _writeGate = new(1, 1);

    private SiroccoStore(ISqlDialect dialect, StoreOptions options)
    {
        Dialect = dialect;
        Options = options;
        WorkflowDefinitions = new WorkflowDefinitionRepository(this);
        Workbooks = new WorkbookRepository(this);
        AdHocActions = new AdHocActionRepository(this);
        Environments = new EnvironmentRepository(this);
        CronTriggers = new CronTriggerRepository(this);
    }

    /// <summary>The SQL dialect in use.</summary>
    public ISqlDialect Dialect { get; }

    /// <summary>Options the store was opened with.</summary>
    public StoreOptions Options { get; }

    /// <summary>The store's clock.</summary>
    public TimeProvider Clock => Options.Clock;

    /// <summary>Workflow definitions (create, update, get by name or id, list, delete).</summary>
    public WorkflowDefinitionRepository WorkflowDefinitions { get; }

    /// <summary>Workbooks and the workflows they define.</summary>
    public WorkbookRepository Workbooks { get; }

    /// <summary>Ad-hoc actions (<c>/v2/actions</c>, workbook actions).</summary>
    public AdHocActionRepository AdHocActions { get; }

    /// <summary>Stored environments (<c>/v2/environments</c>).</summary>
    public EnvironmentRepository Environments { get; }

    /// <summary>Cron triggers (create, get, delete; the scheduler's due reads and compare-and-set advance).</summary>
    public CronTriggerRepository CronTriggers { get; }

    /// <summary>Opens (creating when missing) a SQLite database file and migrates it to the newest schema.</summary>
    public static Task<SiroccoStore> OpenSqliteAsync(string path, StoreOptions? options = null, CancellationToken ct = default)
    {
        options ??= new StoreOptions();
        return OpenAsync(new SqliteDialect(path, options), options, ct);
    }

    /// <summary>Opens (migrating) a PostgreSQL database given its connection string; the database must exist.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)] // keeps Npgsql unloaded on SQLite
    public static Task<SiroccoStore> OpenPostgresAsync(string connectionString, StoreOptions? options = null, CancellationToken ct = default)
    {
        options ??= new StoreOptions();
        return OpenAsync(new PostgresDialect(connectionString, options), options, ct);
    }

    /// <summary>
    /// Opens the database a user named: a PostgreSQL connection string (<c>Host=...;Database=...</c> or a
    /// <c>postgresql://user:password@host:port/database</c> URI), else a SQLite file path.
    /// </summary>
    public static Task<SiroccoStore> OpenDatabaseAsync(string database, StoreOptions? options = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return DatabaseNames.PostgresConnectionString(database) is { } pg
            ? OpenPostgresAsync(pg, options, ct)
            : OpenSqliteAsync(database, options, ct);
    }

    /// <summary>Opens a store over a dialect and migrates the database to the newest schema.</summary>
    public static async Task<SiroccoStore> OpenAsync(ISqlDialect dialect, StoreOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(options);
        var store = new SiroccoStore(dialect, options);
        await store._writeGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await MigrationRunner.RunAsync(dialect, options.Clock, ct).ConfigureAwait(false);
        }
        finally
        {
            store._writeGate.Release();
        }

        return store;
    }

    /// <summary>Runs read-only work on its own connection (WAL: readers do not wait for the writer).</summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await Dialect.OpenAsync(ct).ConfigureAwait(false);
        return await work(connection, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs work in one write transaction and commits it; any exception rolls everything back. Unique-key
    /// violations surface as <see cref="DuplicateEntryException"/> unless the work maps them itself. A transient
    /// failure (deadlock between nodes) runs the work again, so work must not keep effects outside its transaction.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        var gated = Dialect.SingleWriter;
        if (gated)
        {
            await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        }

        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var connection = await Dialect.OpenAsync(ct).ConfigureAwait(false);
                    await using var tx = await Dialect.BeginWriteAsync(connection, ct).ConfigureAwait(false);
                    T result;
                    try
                    {
                        result = await work(connection, tx, ct).ConfigureAwait(false);
                    }
                    catch (DbException e) when (Dialect.IsUniqueViolation(e))
                    {
                        throw new DuplicateEntryException($"Duplicate entry: {e.Message}", e);
                    }

                    await tx.CommitAsync(ct).ConfigureAwait(false);
                    Dialect.Committed();
                    return result;
                }
                catch (DbException e) when (attempt < MaxWriteAttempts && Dialect.IsTransient(e))
                {
                    // A deadlock or serialization failure between nodes rolled everything back: the work runs again
                    // from the start (write work is re-runnable by contract: it only touches its transaction).
                }
            }
        }
        finally
        {
            if (gated)
            {
                _writeGate.Release();
            }
        }
    }

    /// <summary>Runs work in one write transaction that returns nothing.</summary>
    public Task WriteAsync(Func<DbConnection, DbTransaction, CancellationToken, Task> work, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return WriteAsync<bool>(async (c, tx, token) =>
        {
            await work(c, tx, token).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _writeGate.Dispose();
        if (Dialect is IDisposable d)
        {
            d.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Sirocco.Store.Migrations;

namespace Sirocco.Store.Sqlite;

/// <summary>SQLite: one file, WAL journal (readers never block the writer), one writer at a time, busy timeout.</summary>
public sealed class SqliteDialect : ISqlDialect, IDisposable
{
    private static readonly Lazy<IReadOnlyList<Migration>> Scripts =
        new(() => Migration.FromEmbeddedResources("Sirocco.Store.Sqlite.Migrations."));

    private readonly string _connectionString;
    private readonly string _pragmas;
    private const int CheckpointEveryCommits = 16;
    private const int BackstopCheckpointPages = 8192;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _checkpointDue = new(0, 1);
    private readonly Lock _checkpointGate = new();
    private Task? _checkpointer;
    private int _commitsSinceCheckpoint;
    // native connections that have had _pragmas run (the pool reuses them; collected with them)
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, SqliteDialect> _prepared = [];

    /// <summary>Creates the dialect for a database file (created when missing).</summary>
    public SqliteDialect(string path, StoreOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        // journal_mode is stored in the file; the others are per connection.
        // wal_autocheckpoint: checkpoints normally run in the background (Committed); the committing connection does
        // one itself only if the log outgrows that many pages anyway.
        _pragmas = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={(long)options.BusyTimeout.TotalMilliseconds}; " +
                   $"PRAGMA synchronous={(options.SyncEveryCommit ? "FULL" : "NORMAL")}; PRAGMA foreign_keys=ON; " +
                   $"PRAGMA wal_autocheckpoint={BackstopCheckpointPages};";
    }

    /// <summary>Full path of the database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <inheritdoc />
    public bool SingleWriter => true;

    /// <inheritdoc />
    public IReadOnlyList<Migration> Migrations => Scripts.Value;

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            // The pragmas hold for the native connection's lifetime: a connection handed out again by the pool has
            // them already, and running them again on every open cost four statement compilations per transaction.
            if (connection.Handle is { } handle && !_prepared.TryGetValue(handle, out _))
            {
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = _pragmas;
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                _prepared.AddOrUpdate(handle, this);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public bool IsUniqueViolation(DbException error) =>
        error is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    /// <inheritdoc />
    public Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Microsoft.Data.Sqlite issues BEGIN IMMEDIATE for a non-deferred transaction; SQLite has no async I/O anyway.
        return Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    /// <summary>
    /// Every <see cref="CheckpointEveryCommits"/> commits, a background task copies the write-ahead log back into the
    /// database file (a PASSIVE checkpoint: it waits for no reader or writer). SQLite's automatic checkpoint would run
    /// inside the commit that crosses its threshold: the write of every logged page plus an fsync of the database
    /// file, stalling the host loop and the API call waiting on that commit. Durability is unchanged: a commit is
    /// durable once its log frames are synced, which the commit itself still does.
    /// </summary>
    public void Committed()
    {
        if (Interlocked.Increment(ref _commitsSinceCheckpoint) < CheckpointEveryCommits || _stopping.IsCancellationRequested)
        {
            return;
        }

        Interlocked.Exchange(ref _commitsSinceCheckpoint, 0);
        if (_checkpointer is null)
        {
            lock (_checkpointGate)
            {
                _checkpointer ??= Task.Run(CheckpointLoopAsync);
            }
        }

        if (_checkpointDue.CurrentCount == 0)
        {
            try
            {
                _checkpointDue.Release();
            }
            catch (SemaphoreFullException)
            {
                // already due
            }
        }
    }

    private async Task CheckpointLoopAsync()
    {
        var ct = _stopping.Token;
        try
        {
            while (true)
            {
                await _checkpointDue.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await using var connection = await OpenAsync(ct).ConfigureAwait(false);
                    await using var cmd = connection.CreateCommand();
                    cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                catch (SqliteException)
                {
                    // busy or I/O trouble: the next round (or the backstop in a commit) checkpoints what is left
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    /// <summary>Closes the pooled connections so the file can be moved, deleted or reopened by another process.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _checkpointer?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // reported nowhere: the loop swallows its own errors
        }

        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}

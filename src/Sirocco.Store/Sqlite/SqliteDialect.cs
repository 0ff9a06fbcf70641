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
        _pragmas = $"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={(long)options.BusyTimeout.TotalMilliseconds}; " +
                   $"PRAGMA synchronous={(options.SyncEveryCommit ? "FULL" : "NORMAL")}; PRAGMA foreign_keys=ON;";
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

    /// <summary>Closes the pooled connections so the file can be moved, deleted or reopened by another process.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}

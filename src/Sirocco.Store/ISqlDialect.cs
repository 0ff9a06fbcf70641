using System.Data.Common;
using Sirocco.Store.Migrations;

namespace Sirocco.Store;

/// <summary>
/// Everything that differs between SQL databases lives behind this interface: opening and configuring connections,
/// the migration scripts, error classification and the claim statements. Repositories above it use plain SQL.
/// </summary>
public interface ISqlDialect
{
    /// <summary>Short name for messages ("sqlite", "postgresql").</summary>
    string Name { get; }

    /// <summary>Whether the database allows a single writer at a time, so the store serialises writers itself.</summary>
    bool SingleWriter { get; }

    /// <summary>Opens a connection configured for this store (pragmas, timeouts).</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>The versioned schema scripts, in version order.</summary>
    IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Whether the error is a unique-key (or primary-key) violation.</summary>
    bool IsUniqueViolation(DbException error);

    /// <summary>Starts a write transaction that takes the write lock at once (avoids lock upgrades mid-transaction).</summary>
    Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>Told after each committed write transaction (SQLite checkpoints its write-ahead log from here, off the commit path).</summary>
    void Committed()
    {
    }

    // The members below are the multi-writer hooks. Their defaults are right for a single-writer database (SQLite),
    // where the store's own write gate already makes every write transaction exclusive.

    /// <summary>Whether a failed transaction may simply be run again (deadlock, serialization failure).</summary>
    bool IsTransient(DbException error) => false;

    /// <summary>A statement that serialises concurrent migrators (several nodes starting at once), or null.</summary>
    string? MigrationLockStatement => null;

    /// <summary>Appended to a claim's SELECT so concurrent claimers skip each other's rows (<c>FOR UPDATE SKIP LOCKED</c>).</summary>
    string SkipLockedClause => "";

    /// <summary>
    /// Takes the transaction-scoped lock that lets one node at a time step an execution; false when another node holds it.
    /// </summary>
    Task<bool> TryLockExecutionAsync(DbConnection connection, DbTransaction tx, string executionId, CancellationToken ct) => Task.FromResult(true);

    /// <summary>Tells the other nodes, when the transaction commits, that work of a kind (<paramref name="topic"/>) is waiting.</summary>
    Task NotifyAsync(DbConnection connection, DbTransaction tx, string topic, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Calls <paramref name="onNotification"/> with each topic other nodes notify (and "*" after (re)connecting) until
    /// cancelled. Returns at once where there are no other nodes to hear from.
    /// </summary>
    Task ListenAsync(Action<string> onNotification, CancellationToken ct) => Task.CompletedTask;
}

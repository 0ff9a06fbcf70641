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
}

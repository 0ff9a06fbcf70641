using System.Data.Common;
using Sirocco.Store.Internal;

namespace Sirocco.Store.Migrations;

/// <summary>
/// Brings a database to the newest schema: each script not yet recorded in <c>schema_migrations</c> runs in its own
/// transaction together with its record, so a crash mid-upgrade leaves the database at the previous version.
/// Running it again on an up-to-date database changes nothing. Versions need not be contiguous, and a script whose
/// number is lower than one already applied still runs (helpers reserve numbers and may land out of order): what
/// counts is the set of applied versions, not the highest one.
/// </summary>
public static class MigrationRunner
{
    private const string CreateHistory =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

    /// <summary>Applies the pending migrations and returns the versions it applied.</summary>
    public static async Task<IReadOnlyList<int>> RunAsync(ISqlDialect dialect, TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await dialect.OpenAsync(ct).ConfigureAwait(false);
        await using (var tx = await dialect.BeginWriteAsync(connection, ct).ConfigureAwait(false))
        {
            await LockAsync(dialect, connection, tx, ct).ConfigureAwait(false);
            await Db.ExecuteAsync(connection, tx, CreateHistory, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        var applied = new List<int>();
        foreach (var migration in dialect.Migrations)
        {
            await using var tx = await dialect.BeginWriteAsync(connection, ct).ConfigureAwait(false);
            await LockAsync(dialect, connection, tx, ct).ConfigureAwait(false);
            // Re-read inside the write transaction: another process may have migrated meanwhile.
            if (await IsAppliedAsync(connection, tx, migration.Version, ct).ConfigureAwait(false))
            {
                await tx.RollbackAsync(ct).ConfigureAwait(false);
                continue;
            }

            try
            {
                await Db.ExecuteAsync(connection, tx, migration.Sql, ct).ConfigureAwait(false);
                await Db.ExecuteAsync(connection, tx,
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", ct,
                    ("@v", migration.Version), ("@n", migration.Name), ("@t", StoreTime.ToText(StoreTime.Now(clock)))).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            catch (DbException e)
            {
                throw new SchemaException($"migration {migration.Version} ({migration.Name}) failed on {dialect.Name}: {e.Message}", e);
            }

            applied.Add(migration.Version);
        }

        var known = dialect.Migrations.Select(m => m.Version).ToHashSet();
        var unknown = (await AppliedVersionsAsync(connection, null, ct).ConfigureAwait(false)).Where(v => !known.Contains(v)).ToList();
        if (unknown.Count > 0)
        {
            var newest = known.Count == 0 ? 0 : known.Max();
            throw new SchemaException(
                $"the database has schema version(s) {string.Join(", ", unknown)} that this Sirocco does not know (it knows up to {newest}); " +
                "the database was migrated by a newer Sirocco: upgrade Sirocco");
        }

        return applied;
    }

    /// <summary>Every applied schema version, ascending.</summary>
    public static async Task<IReadOnlyList<int>> AppliedVersionsAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        var list = new List<int>();
        await using var cmd = Db.Command(connection, tx, "SELECT version FROM schema_migrations ORDER BY version");
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return list;
    }

    private static async Task LockAsync(ISqlDialect dialect, DbConnection connection, DbTransaction tx, CancellationToken ct)
    {
        if (dialect.MigrationLockStatement is { } sql)
        {
            await Db.ExecuteAsync(connection, tx, sql, ct).ConfigureAwait(false);
        }
    }

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction tx, int version, CancellationToken ct) =>
        await Db.ScalarAsync(connection, tx, "SELECT 1 FROM schema_migrations WHERE version = @v", ct, ("@v", version)).ConfigureAwait(false) is not null;

    /// <summary>The newest applied schema version, 0 for an empty database.</summary>
    public static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        var v = await Db.ScalarAsync(connection, tx, "SELECT MAX(version) FROM schema_migrations", ct).ConfigureAwait(false);
        return v is null ? 0 : Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
    }
}

using System.Data.Common;
using Sirocco.Store.Internal;

namespace Sirocco.Store.Migrations;

/// <summary>
/// Brings a database to the newest schema: each script not yet recorded in <c>schema_migrations</c> runs in its own
/// transaction together with its record, so a crash mid-upgrade leaves the database at the previous version.
/// Running it again on an up-to-date database changes nothing.
/// </summary>
public static class MigrationRunner
{
    private const string CreateHistory =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

    /// <summary>Applies the pending migrations and returns the versions it applied.</summary>
    public static async Task<IReadOnlyList<int>> RunAsync(ISqlDialect dialect, TimeProvider clock, CancellationToken ct)
    {
        await using var connection = await dialect.OpenAsync(ct).ConfigureAwait(false);
        await Db.ExecuteAsync(connection, null, CreateHistory, ct).ConfigureAwait(false);

        var applied = new List<int>();
        foreach (var migration in dialect.Migrations)
        {
            await using var tx = await dialect.BeginWriteAsync(connection, ct).ConfigureAwait(false);
            // Re-read inside the write transaction: another process may have migrated meanwhile.
            var current = await CurrentVersionAsync(connection, tx, ct).ConfigureAwait(false);
            if (current >= migration.Version)
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

        var newest = dialect.Migrations.Count == 0 ? 0 : dialect.Migrations[^1].Version;
        var final = await CurrentVersionAsync(connection, null, ct).ConfigureAwait(false);
        if (final > newest)
        {
            throw new SchemaException(
                $"the database has schema version {final}, newer than this Sirocco knows ({newest}); upgrade Sirocco");
        }

        return applied;
    }

    /// <summary>The newest applied schema version, 0 for an empty database.</summary>
    public static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction? tx, CancellationToken ct)
    {
        var v = await Db.ScalarAsync(connection, tx, "SELECT MAX(version) FROM schema_migrations", ct).ConfigureAwait(false);
        return v is null ? 0 : Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture);
    }
}

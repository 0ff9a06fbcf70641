using System.Data.Common;
using Sirocco.Store.Internal;
using Sirocco.Values;

namespace Sirocco.Store.Definitions;

/// <summary>
/// Environments (<c>/v2/environments</c>). Looked up by name in the caller's project, then among public ones, as
/// Mistral's secure queries do.
/// </summary>
public sealed class EnvironmentRepository
{
    private const string Columns = "id, name, description, variables, scope, project_id, created_at, updated_at";

    private readonly SiroccoStore _store;

    internal EnvironmentRepository(SiroccoStore store) => _store = store;

    /// <summary>Stores a new environment; a second one with the same name in the project is a <see cref="DuplicateEntryException"/>.</summary>
    public Task<EnvironmentRecord> CreateAsync(EnvironmentRecord environment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return _store.WriteAsync(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var row = environment with
            {
                Id = string.IsNullOrEmpty(environment.Id) ? Guid.NewGuid().ToString() : environment.Id,
                CreatedAt = now,
                UpdatedAt = null,
            };
            var taken = await Db.ScalarAsync(c, tx, "SELECT id FROM environments WHERE name = @n AND project_id = @p", token,
                ("@n", row.Name), ("@p", row.ProjectId)).ConfigureAwait(false);
            if (taken is not null)
            {
                throw new DuplicateEntryException($"Duplicate entry for Environment ['name', 'project_id']: {row.Name}, {row.ProjectId}");
            }

            await Db.ExecuteAsync(c, tx,
                $"INSERT INTO environments ({Columns}) VALUES (@id, @n, @d, @v, @s, @p, @created, NULL)", token,
                ("@id", row.Id), ("@n", row.Name), ("@d", row.Description), ("@v", Json.Serialize(row.Variables)), ("@s", row.Scope),
                ("@p", row.ProjectId), ("@created", StoreTime.ToText(now))).ConfigureAwait(false);
            return row;
        }, ct);
    }

    /// <summary>
    /// Updates the named environment: each of description, variables and scope that is given (non-null) replaces the
    /// stored one. Throws <see cref="EntityNotFoundException"/>.
    /// </summary>
    public Task<EnvironmentRecord> UpdateAsync(string name, string? description, OrderedDictionary<string, object?>? variables, string? scope,
        string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _store.WriteAsync(async (c, tx, token) =>
        {
            var existing = await FindAsync(c, tx, name, projectId, token).ConfigureAwait(false) ?? throw NotFound(name);
            var row = existing with
            {
                Description = description ?? existing.Description,
                Variables = variables ?? existing.Variables,
                Scope = scope ?? existing.Scope,
                UpdatedAt = StoreTime.Now(_store.Clock),
            };
            await Db.ExecuteAsync(c, tx,
                "UPDATE environments SET description = @d, variables = @v, scope = @s, updated_at = @u WHERE id = @id", token,
                ("@d", row.Description), ("@v", Json.Serialize(row.Variables)), ("@s", row.Scope),
                ("@u", StoreTime.ToText(row.UpdatedAt!.Value)), ("@id", row.Id)).ConfigureAwait(false);
            return row;
        }, ct);
    }

    /// <summary>The named environment, or null.</summary>
    public Task<EnvironmentRecord?> FindAsync(string name, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.ReadAsync((c, token) => FindAsync(c, null, name, projectId, token), ct);

    /// <summary>The named environment; throws <see cref="EntityNotFoundException"/> with Mistral's message.</summary>
    public async Task<EnvironmentRecord> GetAsync(string name, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        await FindAsync(name, projectId, ct).ConfigureAwait(false) ?? throw NotFound(name);

    /// <summary>Deletes the named environment of the project; throws <see cref="EntityNotFoundException"/>.</summary>
    public Task DeleteAsync(string name, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.WriteAsync(async (c, tx, token) =>
        {
            var count = await Db.ExecuteAsync(c, tx, "DELETE FROM environments WHERE name = @n AND project_id = @p", token,
                ("@n", name), ("@p", projectId)).ConfigureAwait(false);
            if (count == 0)
            {
                throw NotFound(name);
            }
        }, ct);

    /// <summary>
    /// The variables of the named environment, read inside an open transaction (the engine's resolver is synchronous;
    /// the host answers it from the transaction it is stepping in). Null when there is no such environment.
    /// </summary>
    public static OrderedDictionary<string, object?>? FindVariables(DbConnection connection, DbTransaction? transaction, string name,
        string projectId = StoreOptions.DefaultProjectId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var cmd = Db.Command(connection, transaction,
            "SELECT variables FROM environments WHERE name = @n AND (project_id = @p OR scope = 'public') " +
            "ORDER BY CASE WHEN project_id = @p THEN 0 ELSE 1 END LIMIT 1").With("@n", name).With("@p", projectId);
        return cmd.ExecuteScalar() is string json ? Json.Parse(json) as OrderedDictionary<string, object?> ?? [] : null;
    }

    internal static EntityNotFoundException NotFound(string name) => new($"Environment not found [name={name}]");

    private static async Task<EnvironmentRecord?> FindAsync(DbConnection c, DbTransaction? tx, string name, string projectId, CancellationToken ct)
    {
        await using var cmd = Db.Command(c, tx,
            $"SELECT {Columns} FROM environments WHERE name = @n AND (project_id = @p OR scope = 'public') " +
            "ORDER BY CASE WHEN project_id = @p THEN 0 ELSE 1 END LIMIT 1").With("@n", name).With("@p", projectId);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        return new EnvironmentRecord
        {
            Id = r.GetString(0),
            Name = r.GetString(1),
            Description = r.StringOrNull(2),
            Variables = Json.Parse(r.GetString(3)) as OrderedDictionary<string, object?> ?? [],
            Scope = r.GetString(4),
            ProjectId = r.GetString(5),
            CreatedAt = StoreTime.Parse(r.GetString(6)),
            UpdatedAt = r.TimeOrNull(7),
        };
    }
}

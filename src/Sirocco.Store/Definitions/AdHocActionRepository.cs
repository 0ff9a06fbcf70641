using System.Data.Common;
using Sirocco.Store.Internal;

namespace Sirocco.Store.Definitions;

/// <summary>
/// Ad-hoc actions (<c>/v2/actions</c> and workbook actions). Unique per (name, namespace, project); a file with several
/// actions is stored in one transaction, so a duplicate leaves nothing behind.
/// </summary>
public sealed class AdHocActionRepository
{
    private const string Columns =
        "id, name, namespace, project_id, scope, definition, description, input, tags, workbook_name, is_system, created_at, updated_at";

    private readonly SiroccoStore _store;

    internal AdHocActionRepository(SiroccoStore store) => _store = store;

    /// <summary>Stores new actions; any duplicate (name, namespace, project) refuses all of them.</summary>
    public Task<IReadOnlyList<AdHocActionDefinition>> CreateManyAsync(IReadOnlyList<AdHocActionDefinition> actions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return _store.WriteAsync<IReadOnlyList<AdHocActionDefinition>>(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var created = new List<AdHocActionDefinition>();
            foreach (var a in actions)
            {
                created.Add(await InsertAsync(c, tx, a, now, token).ConfigureAwait(false));
            }

            return created;
        }, ct);
    }

    /// <summary>
    /// Replaces existing actions (Mistral's <c>update_actions</c>): each is found by <paramref name="identifier"/> (name
    /// or id) when given, else by its name, in its namespace and then the default one; a miss is
    /// <see cref="EntityNotFoundException"/> and nothing changes.
    /// </summary>
    public Task<IReadOnlyList<AdHocActionDefinition>> UpdateManyAsync(IReadOnlyList<AdHocActionDefinition> actions, string? identifier = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return _store.WriteAsync<IReadOnlyList<AdHocActionDefinition>>(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var updated = new List<AdHocActionDefinition>();
            foreach (var a in actions)
            {
                var existing = await GetAsync(c, tx, identifier ?? a.Name, a.Namespace, a.ProjectId, token).ConfigureAwait(false);
                updated.Add(await UpdateRowAsync(c, tx, existing, a, now, token).ConfigureAwait(false));
            }

            return updated;
        }, ct);
    }

    /// <summary>An action by name or id in a namespace, falling back to the default namespace (as Mistral's lookup).</summary>
    public Task<AdHocActionDefinition> GetAsync(string identifier, string @namespace = "", string projectId = StoreOptions.DefaultProjectId,
        CancellationToken ct = default) =>
        _store.ReadAsync((c, token) => GetAsync(c, null, identifier, @namespace, projectId, token), ct);

    /// <summary>The action named exactly <paramref name="name"/> in exactly <paramref name="namespace"/>, or null.</summary>
    public Task<AdHocActionDefinition?> FindAsync(string name, string @namespace = "", string projectId = StoreOptions.DefaultProjectId,
        CancellationToken ct = default) =>
        _store.ReadAsync(async (c, token) =>
        {
            await using var cmd = Db.Command(c, null,
                    $"SELECT {Columns} FROM action_definitions WHERE (project_id = @p OR scope = 'public') AND name = @n AND namespace = @ns " +
                    "ORDER BY CASE WHEN project_id = @p THEN 0 ELSE 1 END LIMIT 1")
                .With("@p", projectId).With("@n", name).With("@ns", @namespace ?? "");
            var rows = await ReadAllAsync(cmd, token).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }, ct);

    /// <summary>Every action visible to the project, in every namespace, by name.</summary>
    public Task<IReadOnlyList<AdHocActionDefinition>> ListAsync(string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.ReadAsync(async (c, token) =>
        {
            await using var cmd = Db.Command(c, null,
                $"SELECT {Columns} FROM action_definitions WHERE project_id = @p OR scope = 'public' ORDER BY name, namespace").With("@p", projectId);
            return await ReadAllAsync(cmd, token).ConfigureAwait(false);
        }, ct);

    /// <summary>Deletes an action by name or id (namespace, then default namespace); returns what was deleted.</summary>
    public Task<AdHocActionDefinition> DeleteAsync(string identifier, string @namespace = "", string projectId = StoreOptions.DefaultProjectId,
        CancellationToken ct = default) =>
        _store.WriteAsync(async (c, tx, token) =>
        {
            var existing = await GetAsync(c, tx, identifier, @namespace, projectId, token).ConfigureAwait(false);
            if (existing.IsSystem)
            {
                throw new InvalidOperationException($"Attempt to delete a system action: {identifier}");
            }

            await Db.ExecuteAsync(c, tx, "DELETE FROM action_definitions WHERE id = @id", token, ("@id", existing.Id)).ConfigureAwait(false);
            return existing;
        }, ct);

    /// <summary>
    /// The action named exactly <paramref name="name"/> in exactly <paramref name="namespace"/>, read synchronously inside
    /// an open transaction (the engine's resolver runs inside the host's commit).
    /// </summary>
    internal static AdHocActionDefinition? Find(DbConnection c, DbTransaction? tx, string name, string @namespace)
    {
        using var cmd = Db.Command(c, tx, $"SELECT {Columns} FROM action_definitions WHERE name = @n AND namespace = @ns LIMIT 1")
            .With("@n", name).With("@ns", @namespace ?? "");
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRow(r) : null;
    }

    /// <summary>Creates or updates a workbook's actions in the workbook's transaction (Mistral's <c>create_or_update</c>).</summary>
    internal static async Task UpsertAsync(DbConnection c, DbTransaction tx, IReadOnlyList<AdHocActionDefinition> actions, DateTime now, CancellationToken ct)
    {
        foreach (var a in actions)
        {
            var existing = await FindExactAsync(c, tx, a.Name, a.Namespace, a.ProjectId, ct).ConfigureAwait(false);
            if (existing is null)
            {
                await InsertAsync(c, tx, a, now, ct).ConfigureAwait(false);
            }
            else
            {
                await UpdateRowAsync(c, tx, existing, a, now, ct).ConfigureAwait(false);
            }
        }
    }

    private static async Task<AdHocActionDefinition> InsertAsync(DbConnection c, DbTransaction tx, AdHocActionDefinition a, DateTime now, CancellationToken ct)
    {
        var row = a with { Id = string.IsNullOrEmpty(a.Id) ? Guid.NewGuid().ToString() : a.Id, CreatedAt = now, UpdatedAt = null };
        if (await FindExactAsync(c, tx, row.Name, row.Namespace, row.ProjectId, ct).ConfigureAwait(false) is not null)
        {
            throw new DuplicateEntryException(
                $"Duplicate entry for Action ['name', 'namespace', 'project_id']: {row.Name}, {row.Namespace}, {row.ProjectId}");
        }

        await Db.ExecuteAsync(c, tx,
            $"INSERT INTO action_definitions ({Columns}) VALUES (@id, @n, @ns, @p, @scope, @def, @desc, @input, @tags, @wb, 0, @created, NULL)", ct,
            ("@id", row.Id), ("@n", row.Name), ("@ns", row.Namespace), ("@p", row.ProjectId), ("@scope", row.Scope), ("@def", row.Definition),
            ("@desc", row.Description), ("@input", row.Input), ("@tags", Db.TagsToJson(row.Tags)), ("@wb", row.WorkbookName),
            ("@created", StoreTime.ToText(now))).ConfigureAwait(false);
        return row;
    }

    private static async Task<AdHocActionDefinition> UpdateRowAsync(DbConnection c, DbTransaction tx, AdHocActionDefinition existing,
        AdHocActionDefinition a, DateTime now, CancellationToken ct)
    {
        if (existing.IsSystem)
        {
            throw new InvalidOperationException($"Attempt to modify a system action: {existing.Name}");
        }

        var row = existing with
        {
            Name = a.Name,
            Scope = a.Scope,
            Definition = a.Definition,
            Description = a.Description,
            Input = a.Input,
            Tags = a.Tags,
            WorkbookName = a.WorkbookName,
            UpdatedAt = now,
        };
        if (row.Name != existing.Name && await FindExactAsync(c, tx, row.Name, row.Namespace, row.ProjectId, ct).ConfigureAwait(false) is not null)
        {
            throw new DuplicateEntryException(
                $"Duplicate entry for Action ['name', 'namespace', 'project_id']: {row.Name}, {row.Namespace}, {row.ProjectId}");
        }

        await Db.ExecuteAsync(c, tx,
            "UPDATE action_definitions SET name = @n, scope = @scope, definition = @def, description = @desc, input = @input, tags = @tags, " +
            "workbook_name = @wb, updated_at = @updated WHERE id = @id", ct,
            ("@n", row.Name), ("@scope", row.Scope), ("@def", row.Definition), ("@desc", row.Description), ("@input", row.Input),
            ("@tags", Db.TagsToJson(row.Tags)), ("@wb", row.WorkbookName), ("@updated", StoreTime.ToText(now)), ("@id", row.Id)).ConfigureAwait(false);
        return row;
    }

    private static async Task<AdHocActionDefinition> GetAsync(DbConnection c, DbTransaction? tx, string identifier, string? @namespace,
        string projectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var ns = @namespace ?? "";
        return await FindByIdentifierAsync(c, tx, identifier, ns, projectId, ct).ConfigureAwait(false)
               ?? (ns.Length > 0 ? await FindByIdentifierAsync(c, tx, identifier, "", projectId, ct).ConfigureAwait(false) : null)
               ?? throw new EntityNotFoundException($"Action definition not found [action_name={identifier}, namespace={ns}]");
    }

    private static async Task<AdHocActionDefinition?> FindByIdentifierAsync(DbConnection c, DbTransaction? tx, string identifier, string @namespace,
        string projectId, CancellationToken ct)
    {
        var byId = WorkflowDefinitionRepository.IsUuid(identifier);
        await using var cmd = Db.Command(c, tx,
                $"SELECT {Columns} FROM action_definitions WHERE (project_id = @p OR scope = 'public') AND " +
                (byId ? "id = @i" : "name = @i AND namespace = @ns") + " ORDER BY CASE WHEN project_id = @p THEN 0 ELSE 1 END LIMIT 1")
            .With("@p", projectId).With("@i", identifier).With("@ns", @namespace);
        var rows = await ReadAllAsync(cmd, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<AdHocActionDefinition?> FindExactAsync(DbConnection c, DbTransaction? tx, string name, string @namespace, string projectId,
        CancellationToken ct)
    {
        await using var cmd = Db.Command(c, tx, $"SELECT {Columns} FROM action_definitions WHERE name = @n AND namespace = @ns AND project_id = @p")
            .With("@n", name).With("@ns", @namespace).With("@p", projectId);
        var rows = await ReadAllAsync(cmd, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<IReadOnlyList<AdHocActionDefinition>> ReadAllAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<AdHocActionDefinition>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(ReadRow(r));
        }

        return list;
    }

    private static AdHocActionDefinition ReadRow(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        Namespace = r.GetString(2),
        ProjectId = r.GetString(3),
        Scope = r.GetString(4),
        Definition = r.GetString(5),
        Description = r.StringOrNull(6),
        Input = r.StringOrNull(7),
        Tags = Db.TagsFromJson(r.StringOrNull(8)),
        WorkbookName = r.StringOrNull(9),
        IsSystem = r.GetInt64(10) != 0,
        CreatedAt = StoreTime.Parse(r.GetString(11)),
        UpdatedAt = r.TimeOrNull(12),
    };
}

using System.Data.Common;
using Sirocco.Store.Internal;

namespace Sirocco.Store.Definitions;

/// <summary>
/// Workflow definitions. Unique per (name, namespace, project); a duplicate gives <see cref="DuplicateEntryException"/>
/// and a missing one <see cref="EntityNotFoundException"/>, with Mistral's messages. Operations on several
/// definitions are all-or-nothing.
/// </summary>
public sealed class WorkflowDefinitionRepository
{
    private const string Columns =
        "id, name, namespace, project_id, scope, definition, spec, tags, input, interface, checksum, workbook_name, created_at, updated_at";

    private readonly SiroccoStore _store;

    internal WorkflowDefinitionRepository(SiroccoStore store) => _store = store;

    /// <summary>Stores a new definition; returns it with id and created_at filled.</summary>
    public async Task<WorkflowDefinition> CreateAsync(WorkflowDefinition definition, CancellationToken ct = default) =>
        (await CreateManyAsync([definition], ct).ConfigureAwait(false))[0];

    /// <summary>Stores several new definitions in one transaction: all of them, or none if any is a duplicate.</summary>
    public Task<IReadOnlyList<WorkflowDefinition>> CreateManyAsync(IReadOnlyList<WorkflowDefinition> definitions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return _store.WriteAsync<IReadOnlyList<WorkflowDefinition>>(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var created = new List<WorkflowDefinition>(definitions.Count);
            foreach (var d in definitions)
            {
                created.Add(await InsertAsync(c, tx, d, now, token).ConfigureAwait(false));
            }

            return created;
        }, ct);
    }

    /// <summary>
    /// Replaces a stored definition's text, spec, interface, tags and scope. The target is found by
    /// <see cref="WorkflowDefinition.Id"/> when set, otherwise by name and namespace. Id and created_at are kept.
    /// </summary>
    public async Task<WorkflowDefinition> UpdateAsync(WorkflowDefinition definition, CancellationToken ct = default) =>
        (await UpdateManyAsync([definition], ct).ConfigureAwait(false))[0];

    /// <summary>Updates several definitions in one transaction: all of them, or none if any is missing.</summary>
    public Task<IReadOnlyList<WorkflowDefinition>> UpdateManyAsync(IReadOnlyList<WorkflowDefinition> definitions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return _store.WriteAsync<IReadOnlyList<WorkflowDefinition>>(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var updated = new List<WorkflowDefinition>(definitions.Count);
            foreach (var d in definitions)
            {
                var identifier = string.IsNullOrEmpty(d.Id) ? d.Name : d.Id;
                var existing = await FindAsync(c, tx, identifier, d.Namespace, d.ProjectId, token).ConfigureAwait(false)
                               ?? throw NotFound(identifier, d.Namespace);
                updated.Add(await UpdateRowAsync(c, tx, existing, d, now, token).ConfigureAwait(false));
            }

            return updated;
        }, ct);
    }

    /// <summary>Finds a definition by id (a UUID) or by name in a namespace; null when there is none.</summary>
    public Task<WorkflowDefinition?> FindAsync(string identifier, string @namespace = "",
        string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.ReadAsync((c, token) => FindAsync(c, null, identifier, @namespace, projectId, token), ct);

    /// <summary>Gets a definition by id or by name in a namespace; throws <see cref="EntityNotFoundException"/>.</summary>
    public async Task<WorkflowDefinition> GetAsync(string identifier, string @namespace = "",
        string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        await FindAsync(identifier, @namespace, projectId, ct).ConfigureAwait(false) ?? throw NotFound(identifier, @namespace);

    /// <summary>Lists definitions visible to the project (optionally one namespace), oldest first.</summary>
    public Task<IReadOnlyList<WorkflowDefinition>> ListAsync(string? @namespace = null,
        string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.ReadAsync<IReadOnlyList<WorkflowDefinition>>(async (c, token) =>
        {
            var sql = $"SELECT {Columns} FROM workflow_definitions WHERE (project_id = @p OR scope = 'public')" +
                      (@namespace is null ? "" : " AND namespace = @ns") + " ORDER BY created_at, id";
            await using var cmd = Db.Command(c, null, sql).With("@p", projectId).With("@ns", @namespace);
            return await ReadAllAsync(cmd, token).ConfigureAwait(false);
        }, ct);

    /// <summary>Deletes a definition by id or by name in a namespace; throws <see cref="EntityNotFoundException"/>, or
    /// <see cref="EntityInUseException"/> while cron triggers start it (as Mistral).</summary>
    public Task DeleteAsync(string identifier, string @namespace = "",
        string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.WriteAsync(async (c, tx, token) =>
        {
            var existing = await FindAsync(c, tx, identifier, @namespace, projectId, token).ConfigureAwait(false)
                           ?? throw NotFound(identifier, @namespace);
            var triggers = await Triggers.CronTriggerRepository.IdsForWorkflowAsync(c, tx, existing.Id, token).ConfigureAwait(false);
            if (triggers.Count > 0)
            {
                throw new EntityInUseException("Can't delete workflow that has cron triggers associated. " +
                    $"[workflow_identifier={identifier}, namespace={@namespace}], [cron_trigger_id(s)={string.Join(", ", triggers)}]");
            }

            await Db.ExecuteAsync(c, tx, "DELETE FROM workflow_definitions WHERE id = @id", token, ("@id", existing.Id)).ConfigureAwait(false);
        }, ct);

    internal static EntityNotFoundException NotFound(string identifier, string @namespace) =>
        new($"Workflow not found [workflow_identifier={identifier}, namespace={@namespace}]");

    internal static bool IsUuid(string identifier) => identifier.Length == 36 && Guid.TryParse(identifier, out _);

    internal static async Task<WorkflowDefinition> InsertAsync(DbConnection c, DbTransaction tx, WorkflowDefinition d, DateTime now, CancellationToken ct)
    {
        var row = d with
        {
            Id = string.IsNullOrEmpty(d.Id) ? Guid.NewGuid().ToString() : d.Id,
            CreatedAt = now,
            UpdatedAt = null,
        };
        var exists = await Db.ScalarAsync(c, tx,
            "SELECT 1 FROM workflow_definitions WHERE (name = @n AND namespace = @ns AND project_id = @p) OR id = @id", ct,
            ("@n", row.Name), ("@ns", row.Namespace), ("@p", row.ProjectId), ("@id", row.Id)).ConfigureAwait(false);
        if (exists is not null)
        {
            throw new DuplicateEntryException(
                $"Duplicate entry for WorkflowDefinition ['name', 'namespace', 'project_id']: {row.Name}, {row.Namespace}, {row.ProjectId}");
        }

        await Db.ExecuteAsync(c, tx,
            $"INSERT INTO workflow_definitions ({Columns}) VALUES (@id, @n, @ns, @p, @scope, @def, @spec, @tags, @input, @iface, @sum, @wb, @created, NULL)", ct,
            ("@id", row.Id), ("@n", row.Name), ("@ns", row.Namespace), ("@p", row.ProjectId), ("@scope", row.Scope),
            ("@def", row.Definition), ("@spec", row.Spec), ("@tags", Db.TagsToJson(row.Tags)), ("@input", row.Input),
            ("@iface", row.Interface), ("@sum", row.Checksum), ("@wb", row.WorkbookName), ("@created", StoreTime.ToText(now))).ConfigureAwait(false);
        return row;
    }

    internal static async Task<WorkflowDefinition> UpdateRowAsync(DbConnection c, DbTransaction tx, WorkflowDefinition existing,
        WorkflowDefinition d, DateTime now, CancellationToken ct)
    {
        var row = existing with
        {
            Definition = d.Definition,
            Spec = d.Spec,
            Tags = d.Tags,
            Input = d.Input,
            Interface = d.Interface,
            Checksum = d.Checksum,
            Scope = d.Scope,
            WorkbookName = d.WorkbookName ?? existing.WorkbookName,
            UpdatedAt = now,
        };
        await Db.ExecuteAsync(c, tx,
            "UPDATE workflow_definitions SET definition = @def, spec = @spec, tags = @tags, input = @input, interface = @iface, " +
            "checksum = @sum, scope = @scope, workbook_name = @wb, updated_at = @updated WHERE id = @id", ct,
            ("@def", row.Definition), ("@spec", row.Spec), ("@tags", Db.TagsToJson(row.Tags)), ("@input", row.Input),
            ("@iface", row.Interface), ("@sum", row.Checksum), ("@scope", row.Scope), ("@wb", row.WorkbookName),
            ("@updated", StoreTime.ToText(now)), ("@id", row.Id)).ConfigureAwait(false);
        return row;
    }

    internal static async Task<WorkflowDefinition?> FindAsync(DbConnection c, DbTransaction? tx, string identifier, string @namespace,
        string projectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var byId = IsUuid(identifier);
        var sql = $"SELECT {Columns} FROM workflow_definitions WHERE (project_id = @p OR scope = 'public') AND " +
                  (byId ? "id = @i" : "name = @i AND namespace = @ns") +
                  " ORDER BY CASE WHEN project_id = @p THEN 0 ELSE 1 END LIMIT 1";
        await using var cmd = Db.Command(c, tx, sql).With("@p", projectId).With("@i", identifier).With("@ns", @namespace ?? "");
        var rows = await ReadAllAsync(cmd, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    internal static async Task<IReadOnlyList<WorkflowDefinition>> ReadAllAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<WorkflowDefinition>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new WorkflowDefinition
            {
                Id = r.GetString(0),
                Name = r.GetString(1),
                Namespace = r.GetString(2),
                ProjectId = r.GetString(3),
                Scope = r.GetString(4),
                Definition = r.GetString(5),
                Spec = r.StringOrNull(6),
                Tags = Db.TagsFromJson(r.StringOrNull(7)),
                Input = r.GetString(8),
                Interface = r.GetString(9),
                Checksum = r.StringOrNull(10),
                WorkbookName = r.StringOrNull(11),
                CreatedAt = StoreTime.Parse(r.GetString(12)),
                UpdatedAt = r.TimeOrNull(13),
            });
        }

        return list;
    }
}

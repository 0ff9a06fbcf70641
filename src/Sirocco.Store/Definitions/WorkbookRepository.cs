using System.Data.Common;
using Sirocco.Store.Internal;

namespace Sirocco.Store.Definitions;

/// <summary>
/// Workbooks. A workbook and the workflows it defines are stored in one transaction, so a bad or duplicate
/// workflow leaves nothing behind.
/// </summary>
public sealed class WorkbookRepository
{
    private const string Columns = "id, name, namespace, project_id, scope, definition, spec, tags, created_at, updated_at";

    private readonly SiroccoStore _store;

    internal WorkbookRepository(SiroccoStore store) => _store = store;

    /// <summary>Stores a new workbook and its workflows (their names already prefixed <c>workbook.</c>).</summary>
    public Task<Workbook> CreateAsync(Workbook workbook, IReadOnlyList<WorkflowDefinition> workflows, CancellationToken ct = default) =>
        CreateAsync(workbook, workflows, [], ct);

    /// <summary>
    /// Stores a new workbook, its workflows and its ad-hoc actions (names already prefixed <c>workbook.</c>); an action of
    /// that name left by an earlier workbook is replaced, as Mistral's <c>create_or_update_action_definition</c> does.
    /// </summary>
    public Task<Workbook> CreateAsync(Workbook workbook, IReadOnlyList<WorkflowDefinition> workflows, IReadOnlyList<AdHocActionDefinition> actions,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(workbook);
        ArgumentNullException.ThrowIfNull(workflows);
        return _store.WriteAsync(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var row = workbook with { Id = string.IsNullOrEmpty(workbook.Id) ? Guid.NewGuid().ToString() : workbook.Id, CreatedAt = now, UpdatedAt = null };
            if (await FindAsync(c, tx, row.Name, row.Namespace, row.ProjectId, token).ConfigureAwait(false) is not null)
            {
                throw new DuplicateEntryException(
                    $"Duplicate entry for Workbook ['name', 'namespace', 'project_id']: {row.Name}, {row.Namespace}, {row.ProjectId}");
            }

            await Db.ExecuteAsync(c, tx,
                $"INSERT INTO workbooks ({Columns}) VALUES (@id, @n, @ns, @p, @scope, @def, @spec, @tags, @created, NULL)", token,
                ("@id", row.Id), ("@n", row.Name), ("@ns", row.Namespace), ("@p", row.ProjectId), ("@scope", row.Scope),
                ("@def", row.Definition), ("@spec", row.Spec), ("@tags", Db.TagsToJson(row.Tags)), ("@created", StoreTime.ToText(now))).ConfigureAwait(false);
            foreach (var wf in workflows)
            {
                await WorkflowDefinitionRepository.InsertAsync(c, tx, wf with { WorkbookName = row.Name, Namespace = row.Namespace }, now, token).ConfigureAwait(false);
            }

            await AdHocActionRepository.UpsertAsync(c, tx, WorkbookActions(row, actions), now, token).ConfigureAwait(false);
            return row;
        }, ct);
    }

    /// <summary>Replaces a workbook's text and spec, and creates or updates each of its workflows (as Mistral does).</summary>
    public Task<Workbook> UpdateAsync(Workbook workbook, IReadOnlyList<WorkflowDefinition> workflows, CancellationToken ct = default) =>
        UpdateAsync(workbook, workflows, [], ct);

    /// <summary>Replaces a workbook's text and spec, and creates or updates each of its workflows and ad-hoc actions.</summary>
    public Task<Workbook> UpdateAsync(Workbook workbook, IReadOnlyList<WorkflowDefinition> workflows, IReadOnlyList<AdHocActionDefinition> actions,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(workbook);
        ArgumentNullException.ThrowIfNull(workflows);
        return _store.WriteAsync(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var existing = await FindAsync(c, tx, workbook.Name, workbook.Namespace, workbook.ProjectId, token).ConfigureAwait(false)
                           ?? throw NotFound(workbook.Name, workbook.Namespace);
            var row = existing with { Definition = workbook.Definition, Spec = workbook.Spec, Tags = workbook.Tags, Scope = workbook.Scope, UpdatedAt = now };
            await Db.ExecuteAsync(c, tx,
                "UPDATE workbooks SET definition = @def, spec = @spec, tags = @tags, scope = @scope, updated_at = @updated WHERE id = @id", token,
                ("@def", row.Definition), ("@spec", row.Spec), ("@tags", Db.TagsToJson(row.Tags)), ("@scope", row.Scope),
                ("@updated", StoreTime.ToText(now)), ("@id", row.Id)).ConfigureAwait(false);
            foreach (var wf in workflows)
            {
                var w = wf with { WorkbookName = row.Name, Namespace = row.Namespace };
                var current = await WorkflowDefinitionRepository.FindAsync(c, tx, w.Name, w.Namespace, w.ProjectId, token).ConfigureAwait(false);
                if (current is null)
                {
                    await WorkflowDefinitionRepository.InsertAsync(c, tx, w, now, token).ConfigureAwait(false);
                }
                else
                {
                    await WorkflowDefinitionRepository.UpdateRowAsync(c, tx, current, w, now, token).ConfigureAwait(false);
                }
            }

            await AdHocActionRepository.UpsertAsync(c, tx, WorkbookActions(row, actions), now, token).ConfigureAwait(false);
            return row;
        }, ct);
    }

    /// <summary>Finds a workbook by name in a namespace; null when there is none.</summary>
    public Task<Workbook?> FindAsync(string name, string @namespace = "", string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.ReadAsync((c, token) => FindAsync(c, null, name, @namespace, projectId, token), ct);

    /// <summary>Gets a workbook by name in a namespace; throws <see cref="EntityNotFoundException"/>.</summary>
    public async Task<Workbook> GetAsync(string name, string @namespace = "", string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        await FindAsync(name, @namespace, projectId, ct).ConfigureAwait(false) ?? throw NotFound(name, @namespace);

    /// <summary>Lists workbooks visible to the project (optionally one namespace), oldest first.</summary>
    public Task<IReadOnlyList<Workbook>> ListAsync(string? @namespace = null, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.ReadAsync<IReadOnlyList<Workbook>>(async (c, token) =>
        {
            var sql = $"SELECT {Columns} FROM workbooks WHERE (project_id = @p OR scope = 'public')" +
                      (@namespace is null ? "" : " AND namespace = @ns") + " ORDER BY created_at, id";
            await using var cmd = Db.Command(c, null, sql).With("@p", projectId).With("@ns", @namespace);
            return await ReadAllAsync(cmd, token).ConfigureAwait(false);
        }, ct);

    /// <summary>Deletes a workbook by name; its workflows stay, as in Mistral. Throws <see cref="EntityNotFoundException"/>.</summary>
    public Task DeleteAsync(string name, string @namespace = "", string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.WriteAsync(async (c, tx, token) =>
        {
            var existing = await FindAsync(c, tx, name, @namespace, projectId, token).ConfigureAwait(false) ?? throw NotFound(name, @namespace);
            await Db.ExecuteAsync(c, tx, "DELETE FROM workbooks WHERE id = @id", token, ("@id", existing.Id)).ConfigureAwait(false);
        }, ct);

    private static List<AdHocActionDefinition> WorkbookActions(Workbook row, IReadOnlyList<AdHocActionDefinition> actions) =>
        actions.Select(a => a with { WorkbookName = row.Name, Namespace = row.Namespace, ProjectId = row.ProjectId, Scope = row.Scope }).ToList();

    private static EntityNotFoundException NotFound(string name, string @namespace) =>
        new($"Workbook not found [name={name}, namespace={@namespace}]");

    private static async Task<Workbook?> FindAsync(DbConnection c, DbTransaction? tx, string name, string @namespace, string projectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        var byId = WorkflowDefinitionRepository.IsUuid(name);
        var sql = $"SELECT {Columns} FROM workbooks WHERE (project_id = @p OR scope = 'public') AND " +
                  (byId ? "id = @n" : "name = @n AND namespace = @ns") + " ORDER BY CASE WHEN project_id = @p THEN 0 ELSE 1 END LIMIT 1";
        await using var cmd = Db.Command(c, tx, sql).With("@p", projectId).With("@n", name).With("@ns", @namespace ?? "");
        var rows = await ReadAllAsync(cmd, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<IReadOnlyList<Workbook>> ReadAllAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<Workbook>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new Workbook
            {
                Id = r.GetString(0),
                Name = r.GetString(1),
                Namespace = r.GetString(2),
                ProjectId = r.GetString(3),
                Scope = r.GetString(4),
                Definition = r.GetString(5),
                Spec = r.StringOrNull(6),
                Tags = Db.TagsFromJson(r.StringOrNull(7)),
                CreatedAt = StoreTime.Parse(r.GetString(8)),
                UpdatedAt = r.TimeOrNull(9),
            });
        }

        return list;
    }
}

using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Sirocco.Store.Internal;
using Sirocco.Values;

namespace Sirocco.Store.Triggers;

/// <summary>
/// Cron triggers: create, get by name or id, delete, and the scheduler's reads (due triggers, the earliest due time)
/// and compare-and-set advance. Lists go through <c>Queries/</c> like every REST collection.
/// </summary>
public sealed class CronTriggerRepository
{
    private const string Columns =
        "id, name, pattern, first_execution_time, next_execution_time, remaining_executions, workflow_name, workflow_id, " +
        "workflow_namespace, workflow_input, workflow_params, scope, project_id, created_at, updated_at";

    private readonly SiroccoStore _store;

    internal CronTriggerRepository(SiroccoStore store) => _store = store;

    /// <summary>
    /// Stores a new trigger for an existing workflow definition (checked in the same transaction, so a workflow
    /// deleted meanwhile gives <see cref="EntityNotFoundException"/>). A taken name, or a trigger identical in
    /// workflow, input, params, pattern, count and first time, gives <see cref="DuplicateEntryException"/>.
    /// </summary>
    public Task<CronTrigger> CreateAsync(CronTrigger trigger, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        return _store.WriteAsync(async (c, tx, token) =>
        {
            var now = StoreTime.Now(_store.Clock);
            var row = trigger with
            {
                Id = string.IsNullOrEmpty(trigger.Id) ? Guid.NewGuid().ToString() : trigger.Id,
                CreatedAt = now,
                UpdatedAt = null,
            };
            if (await Db.ScalarAsync(c, tx, "SELECT 1 FROM workflow_definitions WHERE id = @id", token, ("@id", row.WorkflowId)).ConfigureAwait(false) is null)
            {
                throw new EntityNotFoundException($"Workflow not found [workflow_identifier={row.WorkflowId}, namespace={row.WorkflowNamespace}]");
            }

            if (await Db.ScalarAsync(c, tx, "SELECT 1 FROM cron_triggers WHERE name = @n AND project_id = @p", token,
                    ("@n", row.Name), ("@p", row.ProjectId)).ConfigureAwait(false) is not null)
            {
                throw new DuplicateEntryException($"Duplicate entry for cron trigger ['name', 'project_id']: {row.Name}, {row.ProjectId}");
            }

            var input = Json.Serialize(row.WorkflowInput);
            var parameters = Json.Serialize(row.WorkflowParams);
            try
            {
                await Db.ExecuteAsync(c, tx, $"""
                    INSERT INTO cron_triggers ({Columns}, workflow_input_hash, workflow_params_hash)
                    VALUES (@id, @name, @pattern, @first, @next, @remaining, @wfname, @wfid, @ns, @input, @params, @scope, @project,
                        @created, NULL, @ih, @ph)
                    """, token,
                    ("@id", row.Id), ("@name", row.Name), ("@pattern", row.Pattern), ("@first", StoreTime.ToDb(row.FirstExecutionTime)),
                    ("@next", StoreTime.ToText(row.NextExecutionTime)), ("@remaining", row.RemainingExecutions), ("@wfname", row.WorkflowName),
                    ("@wfid", row.WorkflowId), ("@ns", row.WorkflowNamespace), ("@input", input), ("@params", parameters),
                    ("@scope", row.Scope), ("@project", row.ProjectId), ("@created", StoreTime.ToText(now)),
                    ("@ih", Hash(input)), ("@ph", Hash(parameters))).ConfigureAwait(false);
            }
            catch (DbException e) when (_store.Dialect.IsUniqueViolation(e))
            {
                throw new DuplicateEntryException($"Duplicate entry for cron trigger: {e.Message}", e);
            }

            return row;
        }, ct);
    }

    /// <summary>A trigger by id or name; null when there is none.</summary>
    public Task<CronTrigger?> FindAsync(string identifier, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.ReadAsync((c, token) => FindAsync(c, null, identifier, projectId, token), ct);

    /// <summary>A trigger by id or name; throws <see cref="EntityNotFoundException"/> with Mistral's message.</summary>
    public async Task<CronTrigger> GetAsync(string identifier, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        await FindAsync(identifier, projectId, ct).ConfigureAwait(false) ?? throw NotFound(identifier);

    /// <summary>Deletes a trigger by id or name; throws <see cref="EntityNotFoundException"/>.</summary>
    public Task DeleteAsync(string identifier, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.WriteAsync(async (c, tx, token) =>
        {
            var existing = await FindAsync(c, tx, identifier, projectId, token).ConfigureAwait(false) ?? throw NotFound(identifier);
            await Db.ExecuteAsync(c, tx, "DELETE FROM cron_triggers WHERE id = @id", token, ("@id", existing.Id)).ConfigureAwait(false);
        }, ct);

    /// <summary>The earliest next execution time of any trigger (all projects), or null when there are none.</summary>
    public Task<DateTime?> NextDueTimeAsync(CancellationToken ct = default) =>
        _store.ReadAsync(async (c, token) =>
            await Db.ScalarAsync(c, null, "SELECT MIN(next_execution_time) FROM cron_triggers", token).ConfigureAwait(false) is string s
                ? StoreTime.Parse(s)
                : (DateTime?)null, ct);

    /// <summary>Triggers of all projects due at <paramref name="now"/>, earliest first, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<CronTrigger>> DueAsync(DateTime now, int limit, CancellationToken ct = default) =>
        _store.ReadAsync(async (c, token) =>
        {
            await using var cmd = Db.Command(c, null,
                    $"SELECT {Columns} FROM cron_triggers WHERE next_execution_time <= @now ORDER BY next_execution_time, id LIMIT @limit")
                .With("@now", StoreTime.ToText(now)).With("@limit", limit);
            return await ReadAllAsync(cmd, token).ConfigureAwait(false);
        }, ct);

    /// <summary>Ids of the triggers that start a workflow definition.</summary>
    internal static async Task<IReadOnlyList<string>> IdsForWorkflowAsync(DbConnection c, DbTransaction? tx, string workflowId, CancellationToken ct)
    {
        var ids = new List<string>();
        await using var cmd = Db.Command(c, tx, "SELECT id FROM cron_triggers WHERE workflow_id = @w ORDER BY created_at, id").With("@w", workflowId);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    /// <summary>A trigger by id, inside a transaction (any project: the scheduler works for all).</summary>
    public static async Task<CronTrigger?> LoadAsync(DbConnection c, DbTransaction tx, string id, CancellationToken ct)
    {
        await using var cmd = Db.Command(c, tx, $"SELECT {Columns} FROM cron_triggers WHERE id = @id").With("@id", id);
        var rows = await ReadAllAsync(cmd, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Compare-and-set: moves a trigger to its next due time and count, only if its next time is still
    /// <paramref name="expectedNext"/>. Returns false when another scheduler got there first (or it was deleted).
    /// </summary>
    public static async Task<bool> AdvanceAsync(DbConnection c, DbTransaction tx, string id, DateTime expectedNext, DateTime next,
        int? remaining, DateTime now, CancellationToken ct) =>
        await Db.ExecuteAsync(c, tx,
            "UPDATE cron_triggers SET next_execution_time = @next, remaining_executions = @remaining, updated_at = @now " +
            "WHERE id = @id AND next_execution_time = @expected", ct,
            ("@next", StoreTime.ToText(next)), ("@remaining", remaining), ("@now", StoreTime.ToText(now)), ("@id", id),
            ("@expected", StoreTime.ToText(expectedNext))).ConfigureAwait(false) == 1;

    /// <summary>Compare-and-set delete (the last execution, or no due time left): same rule as <see cref="AdvanceAsync"/>.</summary>
    public static async Task<bool> DeleteIfAsync(DbConnection c, DbTransaction tx, string id, DateTime expectedNext, CancellationToken ct) =>
        await Db.ExecuteAsync(c, tx, "DELETE FROM cron_triggers WHERE id = @id AND next_execution_time = @expected", ct,
            ("@id", id), ("@expected", StoreTime.ToText(expectedNext))).ConfigureAwait(false) == 1;

    private static EntityNotFoundException NotFound(string identifier) => new($"Cron trigger not found [identifier={identifier}]");

    private static async Task<CronTrigger?> FindAsync(DbConnection c, DbTransaction? tx, string identifier, string projectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        await using var cmd = Db.Command(c, tx,
                $"SELECT {Columns} FROM cron_triggers WHERE (project_id = @p OR scope = 'public') AND (id = @i OR name = @i) " +
                "ORDER BY CASE WHEN project_id = @p THEN 0 ELSE 1 END LIMIT 1")
            .With("@p", projectId).With("@i", identifier);
        var rows = await ReadAllAsync(cmd, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static async Task<IReadOnlyList<CronTrigger>> ReadAllAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<CronTrigger>();
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new CronTrigger
            {
                Id = r.GetString(0),
                Name = r.GetString(1),
                Pattern = r.StringOrNull(2),
                FirstExecutionTime = r.TimeOrNull(3),
                NextExecutionTime = StoreTime.Parse(r.GetString(4)),
                RemainingExecutions = r.IsDBNull(5) ? null : Convert.ToInt32(r.GetValue(5), System.Globalization.CultureInfo.InvariantCulture),
                WorkflowName = r.GetString(6),
                WorkflowId = r.GetString(7),
                WorkflowNamespace = r.GetString(8),
                WorkflowInput = Json.Parse(r.GetString(9)) as OrderedDictionary<string, object?> ?? [],
                WorkflowParams = Json.Parse(r.GetString(10)) as OrderedDictionary<string, object?> ?? [],
                Scope = r.GetString(11),
                ProjectId = r.GetString(12),
                CreatedAt = StoreTime.Parse(r.GetString(13)),
                UpdatedAt = r.TimeOrNull(14),
            });
        }

        return list;
    }

    private static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
}

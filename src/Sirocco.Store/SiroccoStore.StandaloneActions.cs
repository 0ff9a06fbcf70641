using System.Data.Common;
using Sirocco.Engine.Model;
using Sirocco.Engine.Serialization;
using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>
/// Action executions run directly through the API (<c>mistral run-action</c>): no task, no workflow execution. Their
/// row is the whole state; the runtime reads and writes it inside its own transactions.
/// </summary>
public sealed partial class SiroccoStore
{
    /// <summary>The action execution with this id when it is not part of a workflow execution; null otherwise.</summary>
    internal static async Task<ActionExecution?> LoadStandaloneActionAsync(DbConnection c, DbTransaction? tx, string id, CancellationToken ct) =>
        await Db.ScalarAsync(c, tx, "SELECT engine_state FROM action_executions WHERE id = @id AND workflow_execution_id IS NULL", ct,
            ("@id", id)).ConfigureAwait(false) is string json
            ? EngineJson.Deserialize<ActionExecution>(json)
            : null;

    /// <summary>Inserts or updates a standalone action execution row.</summary>
    internal static Task SaveStandaloneActionAsync(DbConnection c, DbTransaction tx, ActionExecution a, CancellationToken ct) =>
        SaveActionAsync(c, tx, a, a.ProjectId ?? StoreOptions.DefaultProjectId, ct);

    /// <summary>Stores a standalone action execution and, when it is to run on an executor, its request, in one transaction.</summary>
    internal static async Task AddStandaloneActionAsync(DbConnection c, DbTransaction tx, ActionExecution a, Engine.Effects.RunAction? request,
        long nowMs, CancellationToken ct)
    {
        await SaveStandaloneActionAsync(c, tx, a, ct).ConfigureAwait(false);
        if (request is not null)
        {
            await AddActionRequestAsync(c, tx, request, nowMs, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The workflow execution an action execution belongs to: (true, id), (true, null) for a standalone one, (false, null) when missing.</summary>
    public Task<(bool Exists, string? WorkflowExecutionId, string? State)> FindActionExecutionAsync(string actionExecutionId, CancellationToken ct = default) =>
        ReadAsync(async (c, token) =>
        {
            await using var cmd = Db.Command(c, null, "SELECT workflow_execution_id, state FROM action_executions WHERE id = @id").With("@id", actionExecutionId);
            await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            return await r.ReadAsync(token).ConfigureAwait(false) ? (true, r.StringOrNull(0), r.StringOrNull(1)) : (false, (string?)null, (string?)null);
        }, ct);
}

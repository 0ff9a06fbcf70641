using System.Data.Common;
using Sirocco.Engine.Model;
using Sirocco.Values;

namespace Sirocco.Store.Queries;

/// <summary>
/// The two execution updates that are not engine events (PUT /v2/executions/{id} with only a description, or only
/// <c>params.env</c>). Each writes the API column and the engine's own copy in <c>engine_state</c> in one write
/// transaction, serialised with the host loop's commits, so a later step keeps the new value; the version bump makes a
/// host's cached state of the execution stale.
/// </summary>
public static class ExecutionUpdates
{
    /// <summary>Sets the description of an execution.</summary>
    public static Task SetDescriptionAsync(SiroccoStore store, string executionId, string description, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.WriteAsync(async (c, tx, token) =>
        {
            await EnsureExistsAsync(c, tx, executionId, token).ConfigureAwait(false);
            await ExecuteAsync(c, tx, """
                UPDATE workflow_executions SET description = @v, updated_at = @now, version = version + 1,
                    engine_state = json_set(engine_state, '$.workflow.description', @v)
                WHERE id = @id
                """, token, ("@v", description), ("@now", Now(store)), ("@id", executionId)).ConfigureAwait(false);
        }, ct);
    }

    /// <summary>
    /// Merges <paramref name="env"/> into <c>params.env</c> of an execution that is not running (Mistral allows it in
    /// IDLE, PAUSED and ERROR only).
    /// </summary>
    public static Task SetEnvAsync(SiroccoStore store, string executionId, OrderedDictionary<string, object?> env, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(env);
        return store.WriteAsync(async (c, tx, token) =>
        {
            var (state, paramsText) = await EnsureExistsAsync(c, tx, executionId, token).ConfigureAwait(false);
            if (state is not (States.Idle or States.Paused or States.Error))
            {
                throw new Engine.EngineException("NotAllowedException",
                    "Updating env to workflow execution is only permitted if it is in IDLE, PAUSED, or ERROR state.");
            }

            var parameters = Json.Parse(paramsText) as OrderedDictionary<string, object?> ?? [];
            var merged = parameters.TryGetValue("env", out var old) && old is OrderedDictionary<string, object?> oldEnv
                ? new OrderedDictionary<string, object?>(oldEnv)
                : [];
            foreach (var (k, v) in env)
            {
                merged[k] = v;
            }

            parameters["env"] = merged;
            var text = Json.Serialize(parameters);
            await ExecuteAsync(c, tx, """
                UPDATE workflow_executions SET params = @v, updated_at = @now, version = version + 1,
                    engine_state = json_set(engine_state, '$.workflow.params', json(@v))
                WHERE id = @id
                """, token, ("@v", text), ("@now", Now(store)), ("@id", executionId)).ConfigureAwait(false);
        }, ct);
    }

    private static string Now(SiroccoStore store)
    {
        var t = store.Clock.GetUtcNow().UtcDateTime;
        return t.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<(string State, string Params)> EnsureExistsAsync(DbConnection c, DbTransaction tx, string id, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT state, params FROM workflow_executions WHERE id = @id";
        var p = cmd.CreateParameter();
        p.ParameterName = "@id";
        p.Value = id;
        cmd.Parameters.Add(p);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await r.ReadAsync(ct).ConfigureAwait(false))
        {
            throw new EntityNotFoundException($"WorkflowExecution not found [id={id}]");
        }

        return (r.GetString(0), r.GetString(1));
    }

    private static async Task ExecuteAsync(DbConnection c, DbTransaction tx, string sql, CancellationToken ct, params (string, object?)[] args)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in args)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}

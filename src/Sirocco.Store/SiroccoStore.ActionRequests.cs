using System.Data.Common;
using System.Globalization;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Serialization;
using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>
/// Action requests: the durable outbox of actions to run. A request is written in the same transaction as the step
/// that asked for it, claimed by an executor with a lease (owner + expiry, renewed while the action runs), and
/// deleted in the transaction that applies its result.
/// </summary>
public sealed partial class SiroccoStore
{
    /// <summary>A claimed action request.</summary>
    /// <param name="Request">What to run.</param>
    /// <param name="Attempts">How many times it has been claimed, this claim included.</param>
    public sealed record ClaimedAction(RunAction Request, int Attempts);

    /// <summary>A request whose lease holder is gone (expired, or owned by a previous process).</summary>
    /// <param name="Request">What was being run.</param>
    /// <param name="Owner">The lease holder that vanished.</param>
    public sealed record OrphanedAction(RunAction Request, string Owner);

    internal static Task AddActionRequestAsync(DbConnection c, DbTransaction tx, RunAction r, long nowMs, CancellationToken ct) =>
        Db.ExecuteAsync(c, tx, """
            INSERT INTO action_requests (action_execution_id, workflow_execution_id, task_execution_id, action_name, input,
                safe_rerun, target, timeout_ms, attempts, created_at, payload)
            VALUES (@id, @wfex, @task, @name, @input, @safe, @target, @timeout, 0, @now, @payload)
            ON CONFLICT (action_execution_id) DO NOTHING
            """, ct,
            ("@id", r.ActionExecutionId), ("@wfex", r.WorkflowExecutionId), ("@task", r.TaskExecutionId), ("@name", r.ActionName),
            ("@input", Values.Json.Serialize(r.Input)), ("@safe", r.SafeRerun ? 1 : 0), ("@target", r.Target),
            ("@timeout", r.Timeout is { } s ? s * 1000L : null), ("@now", nowMs), ("@payload", EngineJson.Serialize(r)));

    /// <summary>
    /// Claims up to <paramref name="limit"/> unclaimed requests, oldest first, with a lease until <paramref name="leaseUntilMs"/>.
    /// An executor without a pool takes the requests without a <c>target</c>; one with <paramref name="pool"/> takes only
    /// the requests whose task said <c>target: POOL</c> (as Mistral's executors with that host name). Concurrent
    /// claimers on PostgreSQL skip each other's rows (<c>FOR UPDATE SKIP LOCKED</c>), so a request goes to one executor.
    /// </summary>
    public Task<IReadOnlyList<ClaimedAction>> ClaimActionRequestsAsync(string owner, long leaseUntilMs, int limit, CancellationToken ct = default,
        string? pool = null) =>
        WriteAsync<IReadOnlyList<ClaimedAction>>(async (c, tx, token) =>
        {
            var claimed = new List<ClaimedAction>();
            var poolCondition = pool is null ? "target IS NULL" : "target = @pool";
            await using (var cmd = Db.Command(c, tx,
                $"SELECT action_execution_id, payload, attempts FROM action_requests WHERE lease_owner IS NULL AND {poolCondition} " +
                "ORDER BY created_at, action_execution_id LIMIT @limit" + Dialect.SkipLockedClause)
                .With("@limit", limit).With("@pool", pool ?? ""))
            {
                await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
                while (await r.ReadAsync(token).ConfigureAwait(false))
                {
                    claimed.Add(new ClaimedAction(EngineJson.Deserialize<RunAction>(r.GetString(1)), r.GetInt32(2) + 1));
                }
            }

            foreach (var a in claimed)
            {
                await Db.ExecuteAsync(c, tx,
                    "UPDATE action_requests SET lease_owner = @owner, lease_expires_at = @until, attempts = attempts + 1 WHERE action_execution_id = @id",
                    token, ("@owner", owner), ("@until", leaseUntilMs), ("@id", a.Request.ActionExecutionId)).ConfigureAwait(false);
            }

            return claimed;
        }, ct);

    /// <summary>Extends the leases an owner holds on running actions (its heartbeat).</summary>
    public Task RenewActionLeasesAsync(string owner, IReadOnlyCollection<string> actionExecutionIds, long leaseUntilMs, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actionExecutionIds);
        if (actionExecutionIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        return WriteAsync(async (c, tx, token) =>
        {
            // in id order, so two transactions touching the same rows cannot deadlock
            foreach (var id in actionExecutionIds.Order(StringComparer.Ordinal))
            {
                await Db.ExecuteAsync(c, tx,
                    "UPDATE action_requests SET lease_expires_at = @until WHERE action_execution_id = @id AND lease_owner = @owner", token,
                    ("@until", leaseUntilMs), ("@id", id), ("@owner", owner)).ConfigureAwait(false);
            }
        }, ct);
    }

    /// <summary>
    /// Removes a finished request, only if <paramref name="owner"/> still holds it (null: whoever holds it).
    /// False means the result is stale (the request was reclaimed, cancelled or already applied) and must be dropped.
    /// </summary>
    internal static async Task<bool> CompleteActionRequestAsync(DbConnection c, DbTransaction tx, string actionExecutionId, string? owner, CancellationToken ct) =>
        await Db.ExecuteAsync(c, tx,
            "DELETE FROM action_requests WHERE action_execution_id = @id AND (CAST(@owner AS TEXT) IS NULL OR lease_owner = @owner)", ct,
            ("@id", actionExecutionId), ("@owner", owner)).ConfigureAwait(false) > 0;

    /// <summary>
    /// Claimed requests whose holder is gone: the lease expired, or (<paramref name="foreignOwnersAreDead"/>) any owner
    /// other than <paramref name="self"/> — true on SQLite at start, where only one process uses the file.
    /// </summary>
    internal static async Task<IReadOnlyList<OrphanedAction>> ListOrphanedActionRequestsAsync(DbConnection c, DbTransaction tx, string self,
        bool foreignOwnersAreDead, long nowMs, CancellationToken ct, string skipLocked = "")
    {
        var list = new List<OrphanedAction>();
        await using var cmd = Db.Command(c, tx,
            "SELECT payload, lease_owner FROM action_requests WHERE lease_owner IS NOT NULL AND (lease_expires_at < @now OR (@foreign = 1 AND lease_owner <> @self)) ORDER BY created_at" + skipLocked)
            .With("@now", nowMs).With("@foreign", foreignOwnersAreDead ? 1 : 0).With("@self", self);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new OrphanedAction(EngineJson.Deserialize<RunAction>(r.GetString(0)), r.GetString(1)));
        }

        return list;
    }

    /// <summary>Makes a claimed request claimable again (its action will run again).</summary>
    internal static Task ReleaseActionRequestAsync(DbConnection c, DbTransaction tx, string actionExecutionId, CancellationToken ct) =>
        Db.ExecuteAsync(c, tx, "UPDATE action_requests SET lease_owner = NULL, lease_expires_at = NULL WHERE action_execution_id = @id", ct,
            ("@id", actionExecutionId));

    /// <summary>Removes every request of an execution (it completed or was cancelled); returns their action execution ids.</summary>
    internal static async Task<IReadOnlyList<string>> DeleteActionRequestsOfExecutionAsync(DbConnection c, DbTransaction tx, string executionId, CancellationToken ct)
    {
        var ids = new List<string>();
        await using (var cmd = Db.Command(c, tx, "SELECT action_execution_id FROM action_requests WHERE workflow_execution_id = @id").With("@id", executionId))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                ids.Add(r.GetString(0));
            }
        }

        if (ids.Count > 0)
        {
            await Db.ExecuteAsync(c, tx, "DELETE FROM action_requests WHERE workflow_execution_id = @id", ct, ("@id", executionId)).ConfigureAwait(false);
        }

        return ids;
    }

    /// <summary>Number of action requests (claimed or not) in the outbox (diagnostics and tests).</summary>
    public Task<long> CountActionRequestsAsync(CancellationToken ct = default) =>
        ReadAsync(async (c, token) => Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM action_requests", token).ConfigureAwait(false),
            CultureInfo.InvariantCulture), ct);
}

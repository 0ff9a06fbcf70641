using System.Data.Common;
using System.Globalization;
using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>
/// Commands an API-only node hands to the engine nodes (migration 0009): a pending row, applied by an engine node,
/// answered in the same row, read and deleted by the node that asked.
/// </summary>
public sealed partial class SiroccoStore
{
    /// <summary>Command kinds.</summary>
    public static class CommandKinds
    {
        /// <summary>An engine event for one execution (start, pause, resume, stop, rerun, an action's result): stepped by an engine round.</summary>
        public const string Event = "event";

        /// <summary>Delete an execution (payload: <c>force</c> or empty): applied by an engine round.</summary>
        public const string Delete = "delete";

        /// <summary>Run an action directly (POST /v2/action_executions): claimed by an engine node, which runs it.</summary>
        public const string RunAction = "run-action";
    }

    /// <summary>A pending command.</summary>
    /// <param name="Seq">Position in the queue.</param>
    /// <param name="Id">The id the asking node waits on.</param>
    /// <param name="Kind">One of <see cref="CommandKinds"/>.</param>
    /// <param name="ExecutionId">The execution it is for (event and delete commands).</param>
    /// <param name="Payload">The command itself (JSON).</param>
    public sealed record PendingCommand(long Seq, string Id, string Kind, string? ExecutionId, string Payload);

    /// <summary>Queues a command and tells the engine nodes (NOTIFY <c>commands</c>) when it commits.</summary>
    public Task AddCommandAsync(string id, string kind, string? executionId, string payload, CancellationToken ct = default) =>
        WriteAsync(async (c, tx, token) =>
        {
            await Db.ExecuteAsync(c, tx, """
                INSERT INTO commands (id, kind, execution_id, payload, state, created_at) VALUES (@id, @kind, @ex, @payload, 'pending', @now)
                """, token, ("@id", id), ("@kind", kind), ("@ex", executionId), ("@payload", payload), ("@now", Clock.GetUtcNow().ToUnixTimeMilliseconds()))
                .ConfigureAwait(false);
            await Dialect.NotifyAsync(c, tx, WorkTopics.Commands, token).ConfigureAwait(false);
        }, ct);

    /// <summary>The answer of a command: null while it is pending (or gone).</summary>
    public Task<string?> ReadCommandResultAsync(string id, CancellationToken ct = default) =>
        ReadAsync(async (c, token) => await Db.ScalarAsync(c, null, "SELECT result FROM commands WHERE id = @id AND state = 'done'", token, ("@id", id))
            .ConfigureAwait(false) as string, ct);

    /// <summary>Forgets an answered command (the asking node has read its answer).</summary>
    public Task ForgetCommandAsync(string id, CancellationToken ct = default) =>
        WriteAsync((c, tx, token) => Db.ExecuteAsync(c, tx, "DELETE FROM commands WHERE id = @id", token, ("@id", id)), ct);

    /// <summary>
    /// Withdraws a command nobody has taken yet: true when it is gone and will never be applied; false when an engine
    /// node holds or has answered it (a round that holds it right now is waited for: its answer then counts).
    /// </summary>
    public Task<bool> WithdrawCommandAsync(string id, CancellationToken ct = default) =>
        WriteAsync(async (c, tx, token) => await Db.ExecuteAsync(c, tx,
            "DELETE FROM commands WHERE id = @id AND state = 'pending' AND claimed_by IS NULL", token, ("@id", id)).ConfigureAwait(false) > 0, ct);

    /// <summary>
    /// The oldest pending commands of <paramref name="kinds"/> (event, delete), inside an engine round's transaction:
    /// on PostgreSQL locked <c>FOR UPDATE SKIP LOCKED</c>, so the claim lasts as long as the round and dies with it.
    /// </summary>
    internal static async Task<IReadOnlyList<PendingCommand>> ReadPendingCommandsAsync(DbConnection c, DbTransaction tx, int limit, CancellationToken ct,
        string skipLocked = "")
    {
        var list = new List<PendingCommand>();
        await using var cmd = Db.Command(c, tx,
            "SELECT seq, id, kind, execution_id, payload FROM commands WHERE state = 'pending' AND kind IN ('event', 'delete') ORDER BY seq LIMIT @limit" + skipLocked)
            .With("@limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new PendingCommand(r.GetInt64(0), r.GetString(1), r.GetString(2), r.StringOrNull(3), r.GetString(4)));
        }

        return list;
    }

    /// <summary>Writes a command's answer (in the transaction that applied it).</summary>
    internal static Task<int> AnswerCommandAsync(DbConnection c, DbTransaction tx, long seq, string result, long nowMs, CancellationToken ct) =>
        Db.ExecuteAsync(c, tx, "UPDATE commands SET state = 'done', result = @result, done_at = @now WHERE seq = @seq AND state = 'pending'", ct,
            ("@seq", seq), ("@result", result), ("@now", nowMs));

    /// <summary>Tells the asking nodes that these commands are answered (NOTIFY <c>commands-done:ID,...</c>, when the transaction commits).</summary>
    internal async Task NotifyCommandsAnsweredAsync(DbConnection c, DbTransaction tx, IReadOnlyList<string> ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(100))
        {
            await Dialect.NotifyAsync(c, tx, WorkTopics.CommandsDonePrefix + string.Join(',', chunk), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Claims the oldest unclaimed pending command of <paramref name="kind"/> for <paramref name="owner"/>; null when none.</summary>
    public Task<PendingCommand?> ClaimCommandAsync(string kind, string owner, CancellationToken ct = default) =>
        WriteAsync<PendingCommand?>(async (c, tx, token) =>
        {
            await using var cmd = Db.Command(c, tx,
                    "SELECT seq, id, kind, execution_id, payload FROM commands WHERE state = 'pending' AND kind = @kind AND claimed_by IS NULL ORDER BY seq LIMIT 1"
                    + Dialect.SkipLockedClause)
                .With("@kind", kind);
            PendingCommand? claimed = null;
            await using (var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                if (await r.ReadAsync(token).ConfigureAwait(false))
                {
                    claimed = new PendingCommand(r.GetInt64(0), r.GetString(1), r.GetString(2), r.StringOrNull(3), r.GetString(4));
                }
            }

            if (claimed is not null)
            {
                await Db.ExecuteAsync(c, tx, "UPDATE commands SET claimed_by = @owner WHERE seq = @seq", token, ("@owner", owner), ("@seq", claimed.Seq))
                    .ConfigureAwait(false);
            }

            return claimed;
        }, ct);

    /// <summary>Answers a command this node claimed; false when it was answered meanwhile (its node was taken for lost).</summary>
    public Task<bool> AnswerClaimedCommandAsync(string id, string owner, string result, CancellationToken ct = default) =>
        WriteAsync(async (c, tx, token) =>
        {
            var answered = await Db.ExecuteAsync(c, tx,
                "UPDATE commands SET state = 'done', result = @result, done_at = @now WHERE id = @id AND claimed_by = @owner AND state = 'pending'", token,
                ("@id", id), ("@owner", owner), ("@result", result), ("@now", Clock.GetUtcNow().ToUnixTimeMilliseconds())).ConfigureAwait(false) > 0;
            if (answered)
            {
                await NotifyCommandsAnsweredAsync(c, tx, [id], token).ConfigureAwait(false);
            }

            return answered;
        }, ct);

    /// <summary>
    /// Answers with <paramref name="result"/> the pending commands claimed by nodes no longer in the registry or silent
    /// since before <paramref name="aliveSinceMs"/>, and forgets answers nobody read for a day (the asking node died).
    /// Returns the ids answered.
    /// </summary>
    public Task<IReadOnlyList<string>> AnswerCommandsOfLostNodesAsync(long aliveSinceMs, string result, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<string>>(async (c, tx, token) =>
        {
            var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
            var ids = new List<string>();
            await using (var cmd = Db.Command(c, tx, """
                SELECT id FROM commands WHERE state = 'pending' AND claimed_by IS NOT NULL
                AND claimed_by NOT IN (SELECT id FROM nodes WHERE heartbeat_at >= @alive)
                """ + Dialect.SkipLockedClause).With("@alive", aliveSinceMs))
            {
                await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
                while (await r.ReadAsync(token).ConfigureAwait(false))
                {
                    ids.Add(r.GetString(0));
                }
            }

            foreach (var id in ids)
            {
                await Db.ExecuteAsync(c, tx, "UPDATE commands SET state = 'done', result = @result, done_at = @now WHERE id = @id", token,
                    ("@id", id), ("@result", result), ("@now", now)).ConfigureAwait(false);
            }

            if (ids.Count > 0)
            {
                await NotifyCommandsAnsweredAsync(c, tx, ids, token).ConfigureAwait(false);
            }

            await Db.ExecuteAsync(c, tx, "DELETE FROM commands WHERE state = 'done' AND done_at < @before", token,
                ("@before", now - (long)TimeSpan.FromDays(1).TotalMilliseconds)).ConfigureAwait(false);
            return ids;
        }, ct);

    /// <summary>Whether a node whose roles include <paramref name="role"/> has beaten since <paramref name="aliveSinceMs"/>.</summary>
    public Task<bool> AnyLiveNodeWithRoleAsync(string role, long aliveSinceMs, CancellationToken ct = default) =>
        ReadAsync(async (c, token) =>
        {
            await using var cmd = Db.Command(c, null, "SELECT roles FROM nodes WHERE heartbeat_at >= @alive").With("@alive", aliveSinceMs);
            await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await r.ReadAsync(token).ConfigureAwait(false))
            {
                if (r.GetString(0).Split(',').Contains(role, StringComparer.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }, ct);

    /// <summary>Number of commands not answered yet (diagnostics and tests).</summary>
    public Task<long> CountPendingCommandsAsync(CancellationToken ct = default) =>
        ReadAsync(async (c, token) => Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM commands WHERE state = 'pending'", token)
            .ConfigureAwait(false), CultureInfo.InvariantCulture), ct);
}

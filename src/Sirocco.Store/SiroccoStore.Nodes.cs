using System.Globalization;
using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>The node registry: which Sirocco processes share this database, what they run, when they last spoke.</summary>
public sealed partial class SiroccoStore
{
    /// <summary>One registered node.</summary>
    /// <param name="Id">The node id (lease owner name).</param>
    /// <param name="Host">Machine name.</param>
    /// <param name="Pid">Process id.</param>
    /// <param name="Roles">Comma list of roles (api,engine,executor,scheduler).</param>
    /// <param name="Pool">The executor pool, or null.</param>
    /// <param name="StartedAt">When the node started (UTC, second precision).</param>
    /// <param name="HeartbeatAtMs">Its last heartbeat, Unix ms.</param>
    public sealed record NodeRecord(string Id, string Host, int Pid, string Roles, string? Pool, DateTime StartedAt, long HeartbeatAtMs);

    /// <summary>Registers a node, or refreshes its heartbeat when already registered.</summary>
    public Task HeartbeatNodeAsync(NodeRecord node, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        return WriteAsync((c, tx, token) => Db.ExecuteAsync(c, tx, """
            INSERT INTO nodes (id, host, pid, roles, pool, started_at, heartbeat_at) VALUES (@id, @host, @pid, @roles, @pool, @started, @hb)
            ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, roles = excluded.roles, pool = excluded.pool
            """, token,
            ("@id", node.Id), ("@host", node.Host), ("@pid", node.Pid), ("@roles", node.Roles), ("@pool", node.Pool),
            ("@started", StoreTime.ToText(node.StartedAt)), ("@hb", node.HeartbeatAtMs)), ct);
    }

    /// <summary>Removes a node (it stops cleanly), and nodes silent since before <paramref name="forgetBeforeMs"/>.</summary>
    public Task RemoveNodeAsync(string id, long forgetBeforeMs = 0, CancellationToken ct = default) =>
        WriteAsync((c, tx, token) => Db.ExecuteAsync(c, tx, "DELETE FROM nodes WHERE id = @id OR heartbeat_at < @before", token,
            ("@id", id), ("@before", forgetBeforeMs)), ct);

    /// <summary>Every registered node, oldest first.</summary>
    public Task<IReadOnlyList<NodeRecord>> ListNodesAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<NodeRecord>>(async (c, token) =>
        {
            var list = new List<NodeRecord>();
            await using var cmd = Db.Command(c, null, "SELECT id, host, pid, roles, pool, started_at, heartbeat_at FROM nodes ORDER BY started_at, id");
            await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await r.ReadAsync(token).ConfigureAwait(false))
            {
                list.Add(new NodeRecord(r.GetString(0), r.GetString(1), Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture), r.GetString(3),
                    r.StringOrNull(4), StoreTime.Parse(r.GetString(5)), Convert.ToInt64(r.GetValue(6), CultureInfo.InvariantCulture)));
            }

            return list;
        }, ct);

    /// <summary>Writes an executor's result durably (a node without the engine role): the request goes, the event comes.</summary>
    /// <returns>False when the request is no longer held by <paramref name="owner"/> (reclaimed or cancelled): the result is dropped.</returns>
    public Task<bool> CompleteActionDurablyAsync(Engine.Effects.RunAction request, string owner, Engine.Events.ActionResult? result, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var executionId = request.WorkflowExecutionId ?? throw new ArgumentException("the action belongs to no workflow execution", nameof(request));
        return WriteAsync(async (c, tx, token) =>
        {
            if (!await CompleteActionRequestAsync(c, tx, request.ActionExecutionId, owner, token).ConfigureAwait(false))
            {
                return false;
            }

            if (result is not null)
            {
                await AppendEventAsync(c, tx, executionId,
                    new Engine.Events.ActionCompleted(request.ActionExecutionId, result), Clock.GetUtcNow().ToUnixTimeMilliseconds(), token).ConfigureAwait(false);
                await Dialect.NotifyAsync(c, tx, WorkTopics.Events, token).ConfigureAwait(false);
            }

            return true;
        }, ct);
    }
}

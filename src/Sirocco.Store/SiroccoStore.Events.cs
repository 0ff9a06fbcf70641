using System.Data.Common;
using Sirocco.Engine.Events;
using Sirocco.Engine.Serialization;
using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>Pending events: what is waiting to be applied to an execution by the engine.</summary>
public sealed partial class SiroccoStore
{
    /// <summary>A claimed pending event.</summary>
    /// <param name="Seq">Position in the queue (global order of arrival).</param>
    /// <param name="WorkflowExecutionId">The execution it is for.</param>
    /// <param name="Event">The event.</param>
    public sealed record PendingEvent(long Seq, string WorkflowExecutionId, EngineEvent Event);

    internal static async Task<long> AppendEventAsync(DbConnection c, DbTransaction tx, string executionId, EngineEvent e, long nowMs, CancellationToken ct)
    {
        await using var cmd = Db.Command(c, tx,
            "INSERT INTO pending_events (workflow_execution_id, kind, payload, created_at) VALUES (@ex, @kind, @payload, @now) RETURNING seq")
            .With("@ex", executionId).With("@kind", KindOf(e)).With("@payload", EngineJson.Serialize(e)).With("@now", nowMs);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The oldest pending events, at most <paramref name="limit"/>. The caller applies and deletes them in the same
    /// write transaction, so the claim lasts exactly as long as that transaction: on PostgreSQL the rows are locked
    /// (<paramref name="skipLocked"/> = <c>FOR UPDATE SKIP LOCKED</c>, so other nodes read past them), and a node that
    /// dies mid-transaction releases them with its connection. Each event must still be deleted with
    /// <see cref="DeleteEventAsync"/> before it is applied: false means another node applied it meanwhile.
    /// </summary>
    internal static async Task<IReadOnlyList<PendingEvent>> ReadPendingEventsAsync(DbConnection c, DbTransaction tx, int limit, long nowMs, CancellationToken ct,
        string skipLocked = "")
    {
        var list = new List<PendingEvent>();
        await using var cmd = Db.Command(c, tx,
            "SELECT seq, workflow_execution_id, payload FROM pending_events WHERE lease_expires_at IS NULL OR lease_expires_at < @now ORDER BY seq LIMIT @limit" + skipLocked)
            .With("@now", nowMs).With("@limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(new PendingEvent(r.GetInt64(0), r.GetString(1), EngineJson.Deserialize<EngineEvent>(r.GetString(2))));
        }

        return list;
    }

    /// <summary>Deletes an event being applied; false when it is already gone (another node applied it).</summary>
    internal static async Task<bool> DeleteEventAsync(DbConnection c, DbTransaction tx, long seq, CancellationToken ct) =>
        await Db.ExecuteAsync(c, tx, "DELETE FROM pending_events WHERE seq = @seq", ct, ("@seq", seq)).ConfigureAwait(false) > 0;

    /// <summary>Number of events waiting (diagnostics and tests).</summary>
    public Task<long> CountPendingEventsAsync(CancellationToken ct = default) =>
        ReadAsync(async (c, token) => Convert.ToInt64(await Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM pending_events", token).ConfigureAwait(false),
            System.Globalization.CultureInfo.InvariantCulture), ct);

    private static string KindOf(EngineEvent e) => e switch
    {
        StartWorkflow => "start",
        ActionCompleted => "action-completed",
        ActionStateChanged => "action-state-changed",
        TimerFired => "timer-fired",
        ChildCompleted => "child-completed",
        ChildStateChanged => "child-state-changed",
        PauseWorkflow => "pause",
        ResumeWorkflow => "resume",
        StopWorkflow => "stop",
        RerunTask => "rerun-task",
        _ => e.GetType().Name,
    };
}

using System.Data.Common;
using System.Globalization;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>Durable timers: when due, a timer becomes a <see cref="TimerFired"/> pending event in one transaction.</summary>
public sealed partial class SiroccoStore
{
    internal static Task ArmTimerAsync(DbConnection c, DbTransaction tx, ArmTimer t, long nowMs, CancellationToken ct) =>
        Db.ExecuteAsync(c, tx, """
            INSERT INTO durable_timers (id, workflow_execution_id, due_at, event_kind, payload, created_at)
            VALUES (@id, @ex, @due, @kind, '{}', @now)
            ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at
            """, ct,
            ("@id", t.TimerId), ("@ex", t.WorkflowExecutionId), ("@due", new DateTimeOffset(DateTime.SpecifyKind(t.DueAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds()),
            ("@kind", t.Kind), ("@now", nowMs));

    internal static Task CancelTimerAsync(DbConnection c, DbTransaction tx, string timerId, CancellationToken ct) =>
        Db.ExecuteAsync(c, tx, "DELETE FROM durable_timers WHERE id = @id", ct, ("@id", timerId));

    /// <summary>When the earliest timer is due (Unix ms), or null when none is armed.</summary>
    public Task<long?> NextTimerDueAsync(CancellationToken ct = default) =>
        ReadAsync(async (c, token) =>
        {
            var v = await Db.ScalarAsync(c, null, "SELECT MIN(due_at) FROM durable_timers", token).ConfigureAwait(false);
            return v is null ? (long?)null : Convert.ToInt64(v, CultureInfo.InvariantCulture);
        }, ct);

    /// <summary>Turns every timer due at <paramref name="nowMs"/> into a pending event; returns how many fired.</summary>
    public Task<int> FireDueTimersAsync(long nowMs, CancellationToken ct = default) =>
        WriteAsync(async (c, tx, token) =>
        {
            var due = new List<(string Id, string Execution)>();
            await using (var cmd = Db.Command(c, tx, "SELECT id, workflow_execution_id FROM durable_timers WHERE due_at <= @now ORDER BY due_at, id" + Dialect.SkipLockedClause).With("@now", nowMs))
            {
                await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
                while (await r.ReadAsync(token).ConfigureAwait(false))
                {
                    due.Add((r.GetString(0), r.GetString(1)));
                }
            }

            var fired = 0;
            foreach (var (id, execution) in due)
            {
                // a timer another node fired first is already deleted: never two TimerFired for one timer
                if (await Db.ExecuteAsync(c, tx, "DELETE FROM durable_timers WHERE id = @id", token, ("@id", id)).ConfigureAwait(false) > 0)
                {
                    await AppendEventAsync(c, tx, execution, new TimerFired(id), nowMs, token).ConfigureAwait(false);
                    fired++;
                }
            }

            if (fired > 0)
            {
                await Dialect.NotifyAsync(c, tx, WorkTopics.Events, token).ConfigureAwait(false);
            }

            return fired;
        }, ct);
}

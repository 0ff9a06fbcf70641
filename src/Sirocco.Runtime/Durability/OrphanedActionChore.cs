using Sirocco.Engine.Events;
using Sirocco.Runtime.Executors;
using Sirocco.Runtime.Hosting;
using Sirocco.Store;

namespace Sirocco.Runtime.Durability;

/// <summary>
/// Recovers actions whose executor is gone: the lease expired without a heartbeat, or (at start, on SQLite) it is
/// held by a previous process. An action that is safe to run again (the task says <c>safe-rerun: true</c>, or the
/// action has no outside effects, like <c>std.sleep</c>) is released and runs again; any other fails with a
/// state_info that says why, as Mistral does, and the workflow goes on from there.
/// </summary>
internal sealed class OrphanedActionChore
{
    private readonly SiroccoStore _store;
    private readonly RuntimeOptions _options;
    private readonly ActionExecutor _executor;
    private readonly ExecutionHost _host;

    public OrphanedActionChore(SiroccoStore store, RuntimeOptions options, ActionExecutor executor, ExecutionHost host)
    {
        _store = store;
        _options = options;
        _executor = executor;
        _host = host;
    }

    /// <summary>Recovers orphans once; returns how many requests were released or failed.</summary>
    public async Task<int> RecoverAsync(bool foreignOwnersAreDead, CancellationToken ct)
    {
        var (released, failed) = await _store.WriteAsync(async (c, tx, token) =>
        {
            var nowMs = _store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            var orphans = await SiroccoStore.ListOrphanedActionRequestsAsync(c, tx, _options.NodeId, foreignOwnersAreDead, nowMs, token,
                _store.Dialect.SkipLockedClause).ConfigureAwait(false);
            int rerun = 0, lost = 0;
            foreach (var orphan in orphans)
            {
                var request = orphan.Request;
                if (_executor.IsSafeToRerun(request))
                {
                    await SiroccoStore.ReleaseActionRequestAsync(c, tx, request.ActionExecutionId, token).ConfigureAwait(false);
                    rerun++;
                }
                else
                {
                    await SiroccoStore.CompleteActionRequestAsync(c, tx, request.ActionExecutionId, null, token).ConfigureAwait(false);
                    var message =
                        $"The action {request.ActionName} [action_ex_id={request.ActionExecutionId}] was running on an executor that stopped " +
                        $"({orphan.Owner}) before it finished; it is not run again because it may not be safe to re-run " +
                        "(set 'safe-rerun: true' on the task to allow it).";
                    if (request.WorkflowExecutionId is null)
                    {
                        await DirectActions.CompleteAsync(c, tx, request.ActionExecutionId, ActionResult.Failed(message),
                            _store.Clock.GetUtcNow().UtcDateTime, token).ConfigureAwait(false);
                    }
                    else
                    {
                        await SiroccoStore.AppendEventAsync(c, tx, request.WorkflowExecutionId,
                            new ActionCompleted(request.ActionExecutionId, ActionResult.Failed(message)), nowMs, token).ConfigureAwait(false);
                    }
                    lost++;
                }
            }

            if (rerun > 0)
            {
                await _store.Dialect.NotifyAsync(c, tx, WorkTopics.Actions, token).ConfigureAwait(false);
            }

            if (lost > 0)
            {
                await _store.Dialect.NotifyAsync(c, tx, WorkTopics.Events, token).ConfigureAwait(false);
            }

            return (rerun, lost);
        }, ct).ConfigureAwait(false);

        if (released > 0)
        {
            _executor.Wake();
        }

        if (failed > 0)
        {
            _host.Wake();
        }

        return released + failed;
    }

    /// <summary>The slow sweep for leases that expired while this process runs (another executor died).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _store.Clock);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            await RecoverAsync(foreignOwnersAreDead: false, ct).ConfigureAwait(false);
        }
    }
}

using System.Collections.Concurrent;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Runtime.Hosting;
using Sirocco.Store;

namespace Sirocco.Runtime.Executors;

/// <summary>
/// Claims action requests from the outbox with a lease, runs them (several at a time), renews the leases of running
/// actions (its heartbeat) and hands each result to the host, which applies it in its next commit.
/// </summary>
internal sealed class ActionExecutor
{
    private readonly SiroccoStore _store;
    private readonly RuntimeOptions _options;
    private readonly IReadOnlyList<IActionRunner> _runners;
    private readonly Action<ActionOutcome> _report;
    private readonly WakeSignal _wake = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    public ActionExecutor(SiroccoStore store, RuntimeOptions options, IReadOnlyList<IActionRunner> runners, Action<ActionOutcome> report)
    {
        _store = store;
        _options = options;
        _runners = runners;
        _report = report;
    }

    /// <summary>Number of actions running now.</summary>
    public int RunningCount => _running.Count;

    /// <summary>New requests may be waiting.</summary>
    public void Wake() => _wake.Set();

    /// <summary>Whether an action may run again after its executor died.</summary>
    public bool IsSafeToRerun(RunAction request) =>
        request.SafeRerun || _runners.FirstOrDefault(r => r.CanRun(request.ActionName))?.IsSafeToRerun(request.ActionName) == true;

    /// <summary>Stops running actions whose executions were cancelled or deleted (their results are dropped anyway).</summary>
    public void Cancel(IEnumerable<string> actionExecutionIds)
    {
        foreach (var id in actionExecutionIds)
        {
            if (_running.TryGetValue(id, out var cts))
            {
                cts.Cancel();
            }
        }
    }

    public async Task RunClaimLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var free = _options.MaxConcurrentActions - _running.Count;
            if (free > 0)
            {
                var leaseUntil = _store.Clock.GetUtcNow().Add(_options.ActionLease).ToUnixTimeMilliseconds();
                var claimed = await _store.ClaimActionRequestsAsync(_options.NodeId, leaseUntil, free, ct, _options.ExecutorPool).ConfigureAwait(false);
                foreach (var c in claimed)
                {
                    Start(c.Request, ct);
                }

                if (claimed.Count == free)
                {
                    continue; // there may be more waiting
                }
            }

            await _wake.WaitAsync(null, _store.Clock, ct).ConfigureAwait(false);
        }
    }

    public async Task RunHeartbeatLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.ActionLease / 3, _store.Clock);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            var ids = _running.Keys.ToList();
            var until = _store.Clock.GetUtcNow().Add(_options.ActionLease).ToUnixTimeMilliseconds();
            await _store.RenewActionLeasesAsync(_options.NodeId, ids, until, ct).ConfigureAwait(false);
        }
    }

    private void Start(RunAction request, CancellationToken stopping)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[request.ActionExecutionId] = cts;
        _ = Task.Run(async () =>
        {
            try
            {
                var result = await RunOneAsync(request, cts.Token).ConfigureAwait(false);
                if (result is not null)
                {
                    _report(new ActionOutcome(request, _options.NodeId, result));
                }
            }
            finally
            {
                _running.TryRemove(request.ActionExecutionId, out _);
                cts.Dispose();
                _wake.Set(); // a slot is free
            }
        }, CancellationToken.None);
    }

    /// <summary>Runs an action at once, outside the queue (a synchronous direct run through the API); null when cancelled.</summary>
    public Task<ActionResult?> RunNowAsync(RunAction request, CancellationToken ct) => RunOneAsync(request, ct);

    /// <summary>Runs one action; null when it was cancelled (its execution was cancelled, or the runtime stops).</summary>
    private async Task<ActionResult?> RunOneAsync(RunAction request, CancellationToken ct)
    {
        var runner = _runners.FirstOrDefault(r => r.CanRun(request.ActionName));
        if (runner is null)
        {
            return ActionResult.Failed($"not supported: action {request.ActionName} (no action provider for it)");
        }

        if (!request.IsSync)
        {
            // An async action is only started here; its result arrives later through the API. A start that failed
            // (std.mistral_http got an error status) completes the action at once, as Mistral's executor does.
            var started = await runner.RunAsync(request, ct).ConfigureAwait(false);
            return started.IsError ? started : AsyncStarted;
        }

        using var timeout = request.Timeout is > 0 ? CancellationTokenSource.CreateLinkedTokenSource(ct) : null;
        timeout?.CancelAfter(TimeSpan.FromSeconds(request.Timeout!.Value));
        try
        {
            return await runner.RunAsync(request, timeout?.Token ?? ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout is not null && timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return ActionResult.Failed($"Timeout after {request.Timeout} seconds");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
#pragma warning disable CA1031 // an action's failure is its result, never the executor's crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            return ActionResult.Failed(ActionErrors.Raised(request.ActionName, request.ActionExecutionId, e.Message));
        }
    }

    /// <summary>Marker result: an async action was started; the request is done, no event follows.</summary>
    internal static readonly ActionResult AsyncStarted = new() { Data = "__async_started__" };
}

/// <summary>An action's result on its way from the executor to the host.</summary>
/// <param name="Request">What ran.</param>
/// <param name="Owner">The lease holder that ran it (a stale holder's result is dropped).</param>
/// <param name="Result">The result.</param>
internal sealed record ActionOutcome(RunAction Request, string Owner, ActionResult Result);

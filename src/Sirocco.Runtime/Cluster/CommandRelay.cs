using System.Collections.Concurrent;
using Sirocco.Runtime.Hosting;
using Sirocco.Store;

namespace Sirocco.Runtime.Cluster;

/// <summary>
/// The asking side of the command hand-off, on a node with the api role but without the engine role: each command
/// becomes a pending row (NOTIFY <c>commands</c>), and the caller waits, without polling, for the engine node's answer
/// (NOTIFY <c>commands-done:ID</c>). With no live engine node the command is refused at once; one that no engine node
/// has taken after <see cref="RuntimeOptions.CommandTimeout"/> is withdrawn (deleted while still unclaimed), so it
/// never runs later as a surprise; either way the caller gets <see cref="EngineUnavailableException"/> (503).
/// </summary>
internal sealed class CommandRelay
{
    private readonly SiroccoStore _store;
    private readonly RuntimeOptions _options;
    private readonly ConcurrentDictionary<string, WakeSignal> _waiting = new(StringComparer.Ordinal);

    public CommandRelay(SiroccoStore store, RuntimeOptions options)
    {
        _store = store;
        _options = options;
    }

    /// <summary>How long a node may stay silent and still count as alive (three heartbeats, as <c>GET /v2/services</c>).</summary>
    private long AliveSinceMs() => _store.Clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)(_options.NodeHeartbeat * 3).TotalMilliseconds;

    /// <summary>Hands a command to the engine nodes and returns their answer (or throws the error they answered).</summary>
    public async Task<T> SendAsync<T>(string kind, string? executionId, string payload, CancellationToken ct)
    {
        if (!await _store.AnyLiveNodeWithRoleAsync("engine", AliveSinceMs(), ct).ConfigureAwait(false))
        {
            throw new EngineUnavailableException("no engine node is running: the request was not carried out (start a node with the engine role)");
        }

        var id = Sirocco.Engine.GuidIdGenerator.Instance.NewId();
        var wake = new WakeSignal();
        _waiting[id] = wake;
        try
        {
            await _store.AddCommandAsync(id, kind, executionId, payload, ct).ConfigureAwait(false);
            var deadline = _store.Clock.GetUtcNow() + _options.CommandTimeout;
            var withdrawable = true;
            while (true)
            {
                // registered before the read: an answer committed in between wakes the next wait
                if (await _store.ReadCommandResultAsync(id, ct).ConfigureAwait(false) is { } answer)
                {
                    await _store.ForgetCommandAsync(id, CancellationToken.None).ConfigureAwait(false);
                    return CommandAnswer.Read<T>(answer);
                }

                var left = deadline - _store.Clock.GetUtcNow();
                if (withdrawable && left <= TimeSpan.Zero)
                {
                    if (await _store.WithdrawCommandAsync(id, ct).ConfigureAwait(false))
                    {
                        throw new EngineUnavailableException(
                            $"no engine node took the request within {_options.CommandTimeout.TotalSeconds:0.###} s: it was withdrawn and will not be carried out");
                    }

                    // an engine node holds it (a running action) or has just answered: its answer counts
                    withdrawable = false;
                    continue;
                }

                // The slow re-read is only a safety net for a missed notification (the listener reconnects with "*").
                var slice = withdrawable && left < _options.SweepInterval ? left : _options.SweepInterval;
                await wake.WaitAsync(slice, _store.Clock, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            _waiting.TryRemove(id, out _);
        }
    }

    /// <summary>Answers were written (a <c>commands-done:</c> notification): wake their waiters.</summary>
    public void OnAnswered(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (_waiting.TryGetValue(id, out var wake))
            {
                wake.Set();
            }
        }
    }

    /// <summary>The listener (re)connected: a notification may have been missed, every waiter looks again.</summary>
    public void OnReconnected()
    {
        foreach (var wake in _waiting.Values)
        {
            wake.Set();
        }
    }
}

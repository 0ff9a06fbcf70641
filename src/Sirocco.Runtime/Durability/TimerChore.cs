using Sirocco.Runtime.Hosting;
using Sirocco.Store;

namespace Sirocco.Runtime.Durability;

/// <summary>
/// Fires durable timers: sleeps until the earliest armed timer is due (re-armed whenever a commit arms a new one),
/// then turns every due timer into a pending event in one transaction and wakes the host. Timers live in the
/// database, so after a restart the first round fires everything that came due while the process was down.
/// </summary>
internal sealed class TimerChore
{
    private readonly SiroccoStore _store;
    private readonly RuntimeOptions _options;
    private readonly ExecutionHost _host;
    private readonly WakeSignal _wake = new();

    public TimerChore(SiroccoStore store, RuntimeOptions options, ExecutionHost host)
    {
        _store = store;
        _options = options;
        _host = host;
    }

    /// <summary>A timer was armed: the next due time may be earlier.</summary>
    public void Wake() => _wake.Set();

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var now = _store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            if (await _store.FireDueTimersAsync(now, ct).ConfigureAwait(false) > 0)
            {
                _host.Wake();
            }

            var next = await _store.NextTimerDueAsync(ct).ConfigureAwait(false);
            var wait = _options.SweepInterval;
            if (next is { } due)
            {
                var untilDue = TimeSpan.FromMilliseconds(Math.Max(0, due - _store.Clock.GetUtcNow().ToUnixTimeMilliseconds()));
                wait = untilDue < wait ? untilDue : wait;
            }

            await _wake.WaitAsync(wait, _store.Clock, ct).ConfigureAwait(false);
        }
    }
}

using System.Threading.Channels;

namespace Sirocco.Runtime.Hosting;

/// <summary>An in-process wake-up: many signals collapse into one pending wake, so loops never poll.</summary>
internal sealed class WakeSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Set() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a signal, or until <paramref name="timeout"/> passes (null: no timeout).</summary>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider clock, CancellationToken ct)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }

        if (timeout is not { } t)
        {
            await _channel.Reader.ReadAsync(ct).ConfigureAwait(false);
            return;
        }

        if (t <= TimeSpan.Zero)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(t, clock, cts.Token);
        var read = _channel.Reader.WaitToReadAsync(cts.Token).AsTask();
        await Task.WhenAny(delay, read).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        _channel.Reader.TryRead(out _);
    }
}

namespace Sirocco.Runtime.Tests.Scheduling;

/// <summary>A clock the test moves; timers (Task.Delay on it) still run on real time, so tests drive passes directly.</summary>
internal sealed class ManualClock(DateTime start) : TimeProvider
{
    private long _ticks = DateTime.SpecifyKind(start, DateTimeKind.Utc).Ticks;

    public DateTime Now => new(Interlocked.Read(ref _ticks), DateTimeKind.Utc);

    public override DateTimeOffset GetUtcNow() => new(Now);

    public void Set(DateTime t) => Interlocked.Exchange(ref _ticks, DateTime.SpecifyKind(t, DateTimeKind.Utc).Ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

using Sirocco.Actions;
using Sirocco.Actions.Standard;
using Sirocco.Actions.Testing;

namespace Sirocco.Actions.Tests.Standard;

public class BasicActionTests
{
    private static readonly StandardActionProvider Std = new();

    private static Dictionary<string, object?> In(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Noop_Returns_Null()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.noop");
        Assert.True(r.IsSuccess);
        Assert.Null(r.Data);
    }

    [Fact]
    public async Task Echo_Returns_Output_Unchanged()
    {
        using var env = new ActionEnvironment();
        var value = new OrderedDictionary<string, object?> { ["a"] = new List<object?> { 1L, 2.5, null } };
        Assert.Same(value, (await env.RunAsync(Std, "std.echo", In(("output", value)))).Data);
        Assert.Equal("x", (await env.RunAsync(Std, "std.echo", In(("output", "x"), ("delay", -3L)))).Data);
        Assert.Equal("y", (await env.RunAsync(Std, "std.echo", In(("output", "y"), ("delay", "not a number")))).Data);
        var missing = await env.RunAsync(Std, "std.echo");
        Assert.Equal("Invalid input [name=std.echo, class=mistral.actions.std_actions.EchoAction, missing=['output']]", missing.Error);
    }

    [Fact]
    public async Task Echo_With_Delay_Waits_And_Is_Cancellable()
    {
        using var env = new ActionEnvironment();
        var run = env.RunAsync(Std, "std.echo", In(("output", 1L), ("delay", 3600.0)));
        Assert.False(run.IsCompleted);
        env.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Fail_With_Error_Data_Returns_It_As_The_Error()
    {
        using var env = new ActionEnvironment();
        var data = new OrderedDictionary<string, object?> { ["code"] = 42L };
        var r = await env.RunAsync(Std, "std.fail", In(("error_data", data)));
        Assert.True(r.IsError);
        Assert.Same(data, r.Error);
    }

    [Fact]
    public async Task Fail_Without_Error_Data_Raises_Mistrals_Message()
    {
        using var env = new ActionEnvironment { Execution = new ExecutionContext { ActionExecutionId = "ae-1" } };
        var r = await env.RunAsync(Std, "std.fail", In(("error_data", "")));
        Assert.Equal("The action raised an exception [action=Fail action, action_ex_id=ae-1, msg='Fail action expected exception.']", r.Error);
    }

    [Fact]
    public async Task Sleep_Zero_Or_Invalid_Returns_At_Once_And_A_Long_Sleep_Is_Cancellable()
    {
        using var env = new ActionEnvironment();
        Assert.True((await env.RunAsync(Std, "std.sleep", In(("seconds", 0L)))).IsSuccess);
        Assert.True((await env.RunAsync(Std, "std.sleep", In(("seconds", "abc")))).IsSuccess);
        Assert.True((await env.RunAsync(Std, "std.sleep", In(("seconds", -5L)))).IsSuccess);
        var run = env.RunAsync(Std, "std.sleep", In(("seconds", 3600L)));
        Assert.False(run.IsCompleted);
        env.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Sleep_Waits_On_The_Providers_Clock()
    {
        var clock = new ManualClock();
        var std = new StandardActionProvider(new StandardActionOptions { Clock = clock });
        using var env = new ActionEnvironment();
        var run = env.RunAsync(std, "std.sleep", In(("seconds", 5L)));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await run).IsSuccess);
    }

    [Fact]
    public async Task Async_Noop_Completes_Later()
    {
        using var env = new ActionEnvironment();
        var d = (await Std.FindAsync("std.async_noop", null, TestContext.Current.CancellationToken))!;
        Assert.False(d.IsSync);
        Assert.False(d.Instantiate(new Dictionary<string, object?>()).IsSync);
        Assert.True((await env.RunAsync(d)).IsSuccess);
    }

    [Fact]
    public async Task Test_Dict_Builds_Prefixed_Keys()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.test_dict", In(("size", 3L), ("key_prefix", "k"), ("val", "v")));
        Assert.Equal(new OrderedDictionary<string, object?> { ["k0"] = "v", ["k1"] = "v", ["k2"] = "v" }, Assert.IsType<OrderedDictionary<string, object?>>(r.Data));
        Assert.Empty(Assert.IsType<OrderedDictionary<string, object?>>((await env.RunAsync(Std, "std.test_dict")).Data));
        var bad = await env.RunAsync(Std, "std.test_dict", In(("size", "3")));
        Assert.Contains("'str' object cannot be interpreted as an integer", (string)bad.Error!, StringComparison.Ordinal);
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly Lock _gate = new();
        private readonly List<(DateTimeOffset Due, ManualTimer Timer)> _timers = [];
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow()
        {
            lock (_gate)
            {
                return _now;
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(callback, state);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                lock (_gate)
                {
                    _timers.Add((_now + dueTime, timer));
                }
            }

            return timer;
        }

        public void Advance(TimeSpan by)
        {
            List<ManualTimer> due;
            lock (_gate)
            {
                _now += by;
                due = _timers.Where(t => t.Due <= _now).Select(t => t.Timer).ToList();
                _timers.RemoveAll(t => t.Due <= _now);
            }

            foreach (var t in due)
            {
                t.Fire();
            }
        }

        private sealed class ManualTimer(TimerCallback callback, object? state) : ITimer
        {
            private bool _disposed;

            public void Fire()
            {
                if (!_disposed)
                {
                    callback(state);
                }
            }

            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose() => _disposed = true;

            public ValueTask DisposeAsync()
            {
                _disposed = true;
                return ValueTask.CompletedTask;
            }
        }
    }
}

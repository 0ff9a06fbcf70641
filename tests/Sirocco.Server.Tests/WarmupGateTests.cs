using Microsoft.AspNetCore.Http;
using Sirocco.Server.Http;

namespace Sirocco.Server.Tests;

/// <summary>Requests that arrive while a fresh server warms up wait for it (boundedly); the warm-up's own pass.</summary>
public sealed class WarmupGateTests
{
    private static (DefaultHttpContext Context, TaskCompletionSource Served) Request(int remotePort)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemotePort = remotePort;
        return (context, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    [Fact]
    public async Task A_request_waits_while_the_gate_is_closed_and_is_served_once_it_opens()
    {
        var gate = new WarmupGate(TimeSpan.FromMinutes(5));
        var (context, served) = Request(40001);
        var handled = gate.InvokeAsync(context, _ =>
        {
            served.TrySetResult();
            return Task.CompletedTask;
        });

        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(served.Task.IsCompleted);
        gate.Open();
        await handled.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(served.Task.IsCompleted);
    }

    [Fact]
    public async Task The_warm_up_connection_and_requests_after_the_opening_pass_at_once()
    {
        var gate = new WarmupGate(TimeSpan.FromMinutes(5)) { WarmupPort = 40002 };
        var (warm, warmServed) = Request(40002);
        await gate.InvokeAsync(warm, _ =>
        {
            warmServed.TrySetResult();
            return Task.CompletedTask;
        });
        Assert.True(warmServed.Task.IsCompleted);

        var opened = WarmupGate.Opened();
        var (client, clientServed) = Request(40003);
        await opened.InvokeAsync(client, _ =>
        {
            clientServed.TrySetResult();
            return Task.CompletedTask;
        });
        Assert.True(clientServed.Task.IsCompleted);
    }

    [Fact]
    public async Task A_warm_up_that_never_ends_holds_a_request_only_for_the_limit()
    {
        var gate = new WarmupGate(TimeSpan.FromMilliseconds(200));
        var (context, served) = Request(40004);
        await gate.InvokeAsync(context, _ =>
        {
            served.TrySetResult();
            return Task.CompletedTask;
        }).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(served.Task.IsCompleted);
    }
}

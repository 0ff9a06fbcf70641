using Sirocco.Engine.Model;
using Sirocco.Values;

namespace Sirocco.Runtime.Tests;

/// <summary>A runtime stopped mid-execution (its leases left behind, as after a crash) and started again on the same file.</summary>
[Trait("Category", "Integration")]
public sealed class RestartTests
{
    private const string SleepyGreeting = """
        version: '2.0'
        sleepy:
          input:
            - name
          tasks:
            hello:
              action: std.echo output="Hello <% $.name %>"
              publish:
                greeting: <% task().result %>
              on-success: nap
            nap:
              action: std.sleep seconds=1
              on-success: bye
            bye:
              action: std.echo output=<% $.greeting + ", bye" %>
              publish:
                final: <% task().result %>
          output:
            result: <% $.final %>
        """;

    private static async Task<(WorkflowExecution Done, ExecutionState State)> RunUninterruptedAsync()
    {
        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("sleepy", SleepyGreeting);
        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "sleepy", Input = new() { ["name"] = "Bo" } }, RuntimeFixture.Deadline());
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());
        return (done, await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct));
    }

    [Fact]
    public async Task Restart_during_a_sleep_finishes_exactly_as_an_uninterrupted_run()
    {
        var (expected, expectedState) = await RunUninterruptedAsync();

        var sleep = new CountingSleepRunner();
        await using var f = await RuntimeFixture.StartAsync(runners: sleep);
        await f.CreateWorkflowAsync("sleepy", SleepyGreeting);
        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "sleepy", Input = new() { ["name"] = "Bo" } }, RuntimeFixture.Deadline());
        await sleep.Entered.Task.WaitAsync(RuntimeFixture.Deadline());

        var rerun = new CountingSleepRunner();
        await f.RestartAsync(rerun);
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());
        var state = await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct);

        Assert.Equal(States.Success, done.State);
        Assert.True(ValueEquality.AreEqual(expected.Output, done.Output));
        Assert.Equal(expectedState.Tasks.Select(t => (t.Name, t.State)), state.Tasks.Select(t => (t.Name, t.State)));
        // no task lost or run twice: one action execution per task, and the interrupted sleep ran again once
        Assert.Equal(state.Tasks.Select(t => t.Id), state.Actions.Select(a => a.TaskExecutionId));
        Assert.Equal(1, rerun.Runs);
        Assert.Equal(0L, await f.Store.CountActionRequestsAsync(RuntimeFixture.Ct));
    }

    [Fact]
    public async Task Action_interrupted_by_a_restart_fails_when_not_safe_to_rerun()
    {
        var gate = new GateRunner();
        await using var f = await RuntimeFixture.StartAsync(runners: gate);
        await f.CreateWorkflowAsync("gated", "version: '2.0'\ngated:\n  tasks:\n    first:\n      action: test.gate\n");
        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "gated" }, RuntimeFixture.Deadline());
        await gate.Entered.Task.WaitAsync(RuntimeFixture.Deadline());

        var after = new GateRunner();
        await f.RestartAsync(after);
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());

        Assert.Equal(States.Error, done.State);
        var task = Assert.Single((await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct)).Tasks);
        Assert.Equal(States.Error, task.State);
        Assert.Contains("safe-rerun", task.StateInfo, StringComparison.Ordinal);
        Assert.Equal(0, after.Runs);
    }

    [Fact]
    public async Task Action_interrupted_by_a_restart_runs_again_when_the_task_says_safe_rerun()
    {
        var gate = new GateRunner();
        await using var f = await RuntimeFixture.StartAsync(runners: gate);
        await f.CreateWorkflowAsync("gated", "version: '2.0'\ngated:\n  tasks:\n    first:\n      action: test.gate value=7\n      safe-rerun: true\n      publish:\n        v: <% task().result %>\n  output:\n    v: <% $.v %>\n");
        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "gated" }, RuntimeFixture.Deadline());
        await gate.Entered.Task.WaitAsync(RuntimeFixture.Deadline());

        var after = new GateRunner();
        after.Open();
        await f.RestartAsync(after);
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());

        Assert.Equal(States.Success, done.State);
        Assert.Equal(7L, done.Output["v"]);
        Assert.Equal(1, after.Runs);
    }
}

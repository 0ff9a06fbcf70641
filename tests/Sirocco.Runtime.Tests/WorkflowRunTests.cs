using Sirocco.Engine.Model;
using Sirocco.Store;
using Sirocco.Store.Internal;
using Sirocco.Values;

namespace Sirocco.Runtime.Tests;

[Trait("Category", "Integration")]
public sealed class WorkflowRunTests
{
    private const string Greeting = """
        version: '2.0'
        greet:
          input:
            - name
          tasks:
            hello:
              action: std.echo output="Hello <% $.name %>"
              publish:
                greeting: <% task().result %>
              on-success: shout
            shout:
              action: std.echo output=<% $.greeting + "!" %>
              publish:
                final: <% task().result %>
          output:
            result: <% $.final %>
        """;

    private static OrderedDictionary<string, object?> Input(string name) => new() { ["name"] = name };

    [Fact]
    public async Task Direct_workflow_runs_to_success_with_output_and_tasks_in_the_store()
    {
        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("greet", Greeting);

        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "greet", Input = Input("Ann") }, RuntimeFixture.Deadline());
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());

        Assert.Equal(States.Success, done.State);
        Assert.Equal("Hello Ann!", done.Output["result"]);
        var state = await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct);
        Assert.Equal(["hello", "shout"], state.Tasks.Select(t => t.Name));
        Assert.All(state.Tasks, t => Assert.Equal(States.Success, t.State));
        var result = await f.Store.ReadAsync((c, ct) => Db.ScalarAsync(c, null, "SELECT result FROM task_executions WHERE name = 'shout'", ct), RuntimeFixture.Ct);
        Assert.Equal("\"Hello Ann!\"", result);
    }

    [Fact]
    public async Task Invalid_input_is_refused_at_start_and_nothing_is_stored()
    {
        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("greet", Greeting);

        var error = await Assert.ThrowsAsync<Engine.EngineException>(() =>
            f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "greet", Input = new() { ["nobody"] = 1L } }, RuntimeFixture.Deadline()));

        Assert.Contains("name", error.Message, StringComparison.Ordinal);
        var count = await f.Store.ReadAsync((c, ct) => Db.ScalarAsync(c, null, "SELECT COUNT(*) FROM workflow_executions", ct), RuntimeFixture.Ct);
        Assert.Equal(0L, count);
    }

    [Fact]
    public async Task Many_executions_started_together_all_succeed()
    {
        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("greet", Greeting);

        var starts = Enumerable.Range(0, 40)
            .Select(i => f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "greet", Input = Input($"n{i}") }, RuntimeFixture.Deadline()))
            .ToList();
        var executions = await Task.WhenAll(starts);
        var done = await Task.WhenAll(executions.Select(e => f.Runtime.WaitForCompletionAsync(e.Id, RuntimeFixture.Deadline())));

        Assert.All(done, d => Assert.Equal(States.Success, d.State));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"Hello n{i}!"), done.Select(d => d.Output["result"]));
        Assert.Equal(0L, await f.Store.CountPendingEventsAsync(RuntimeFixture.Ct));
    }

    [Fact]
    public async Task Sleep_and_wait_before_timer_complete_and_leave_no_work_behind()
    {
        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("slow", """
            version: '2.0'
            slow:
              tasks:
                nap:
                  action: std.sleep seconds=1
                  on-success: later
                later:
                  wait-before: 1
                  action: std.echo output="done"
                  publish:
                    r: <% task().result %>
              output:
                r: <% $.r %>
            """);

        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "slow" }, RuntimeFixture.Deadline());
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());

        Assert.True(done.State == States.Success, done.StateInfo);
        Assert.Equal("done", done.Output["r"]);
        Assert.Equal(0L, await f.Store.CountActionRequestsAsync(RuntimeFixture.Ct));
        Assert.Null(await f.Store.NextTimerDueAsync(RuntimeFixture.Ct));
    }

    [Fact]
    public async Task Paused_execution_holds_its_next_task_until_resumed()
    {
        var gate = new GateRunner();
        await using var f = await RuntimeFixture.StartAsync(runners: gate);
        await f.CreateWorkflowAsync("gated", """
            version: '2.0'
            gated:
              tasks:
                first:
                  action: test.gate value=1
                  on-success: second
                second:
                  action: std.echo output=2
            """);
        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "gated" }, RuntimeFixture.Deadline());
        await gate.Entered.Task.WaitAsync(RuntimeFixture.Deadline());

        var paused = await f.Runtime.UpdateStateAsync(started.Id, States.Paused, ct: RuntimeFixture.Deadline());
        Assert.Equal(States.Paused, paused.State);
        gate.Open();
        await f.WaitForTaskAsync(started.Id, "first", RuntimeFixture.Deadline(), States.Success);

        var held = await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct);
        Assert.Equal(States.Paused, held.Workflow.State);
        Assert.DoesNotContain(held.Tasks, t => t.Name == "second");

        var resumed = await f.Runtime.UpdateStateAsync(started.Id, States.Running, ct: RuntimeFixture.Deadline());
        Assert.NotEqual(States.Paused, resumed.State); // RUNNING, or already SUCCESS: std.echo completes inside the step
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());
        Assert.Equal(States.Success, done.State);
        Assert.Equal(["first", "second"], (await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct)).Tasks.Select(t => t.Name));
    }

    [Fact]
    public async Task Cancelled_execution_stops_its_running_action_and_drops_its_queue()
    {
        var gate = new GateRunner();
        await using var f = await RuntimeFixture.StartAsync(runners: gate);
        await f.CreateWorkflowAsync("gated", """
            version: '2.0'
            gated:
              tasks:
                first:
                  action: test.gate
            """);
        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "gated" }, RuntimeFixture.Deadline());
        await gate.Entered.Task.WaitAsync(RuntimeFixture.Deadline());

        var cancelled = await f.Runtime.UpdateStateAsync(started.Id, States.Cancelled, "no longer needed", ct: RuntimeFixture.Deadline());

        Assert.Equal(States.Cancelled, cancelled.State);
        Assert.Equal("no longer needed", cancelled.StateInfo);
        await gate.Cancelled.Task.WaitAsync(RuntimeFixture.Deadline());
        Assert.Equal(0L, await f.Store.CountActionRequestsAsync(RuntimeFixture.Ct));
        Assert.Equal(States.Cancelled, (await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline())).State);
    }

    [Fact]
    public async Task Force_stop_with_error_keeps_the_state_info()
    {
        var gate = new GateRunner();
        await using var f = await RuntimeFixture.StartAsync(runners: gate);
        await f.CreateWorkflowAsync("gated", "version: '2.0'\ngated:\n  tasks:\n    first:\n      action: test.gate\n");
        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "gated" }, RuntimeFixture.Deadline());

        var stopped = await f.Runtime.UpdateStateAsync(started.Id, States.Error, "stopped by operator", ct: RuntimeFixture.Deadline());

        Assert.Equal(States.Error, stopped.State);
        Assert.Equal("stopped by operator", (await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct)).Workflow.StateInfo);
    }
}

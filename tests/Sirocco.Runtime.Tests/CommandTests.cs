using Sirocco.Engine;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Model;
using Sirocco.Store;

namespace Sirocco.Runtime.Tests;

public sealed class CommandTests
{
    [Fact]
    public async Task Waiting_on_a_completed_execution_returns_it_at_once()
    {
        await using var f = await RuntimeFixture.StartAsync();
        var state = RuntimeFixture.Execution(States.Success);
        await f.SeedAsync(state);

        var done = await f.Runtime.WaitForCompletionAsync(state.Workflow.Id, RuntimeFixture.Deadline());

        Assert.Equal(States.Success, done.State);
    }

    [Fact]
    public async Task Deleting_a_completed_execution_removes_it_and_wakes_its_waiters()
    {
        await using var f = await RuntimeFixture.StartAsync();
        var state = RuntimeFixture.Execution(States.Error);
        await f.SeedAsync(state);

        await f.Runtime.DeleteExecutionAsync(state.Workflow.Id, ct: RuntimeFixture.Deadline());

        Assert.Null(await f.Store.LoadExecutionAsync(state.Workflow.Id, RuntimeFixture.Ct));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => f.Runtime.DeleteExecutionAsync(state.Workflow.Id, ct: RuntimeFixture.Deadline()));
    }

    [Fact]
    public async Task Deleting_a_running_execution_needs_force_and_then_drops_its_queued_actions()
    {
        await using var f = await RuntimeFixture.StartAsync(start: false);
        var state = RuntimeFixture.Execution(States.Running);
        await f.SeedAsync(state);
        // a queued action of a long sleep: it must not survive the execution
        await f.Store.WriteAsync((c, tx, ct) => SiroccoStore.AddActionRequestAsync(c, tx, new RunAction
        {
            WorkflowExecutionId = state.Workflow.Id,
            ActionExecutionId = "33333333-3333-4333-8333-333333333333",
            ActionName = "std.sleep",
            Input = new OrderedDictionary<string, object?> { ["seconds"] = 3600L },
        }, 0, ct), RuntimeFixture.Ct);
        await f.Runtime.StartAsync(RuntimeFixture.Ct);

        var refused = await Assert.ThrowsAsync<EngineException>(() => f.Runtime.DeleteExecutionAsync(state.Workflow.Id, ct: RuntimeFixture.Deadline()));
        Assert.Equal("NotAllowedException", refused.Kind);
        Assert.Contains("RUNNING", refused.Message, StringComparison.Ordinal);

        await f.Runtime.DeleteExecutionAsync(state.Workflow.Id, force: true, ct: RuntimeFixture.Deadline());

        Assert.Null(await f.Store.LoadExecutionAsync(state.Workflow.Id, RuntimeFixture.Ct));
        Assert.Equal(0, await f.Store.CountActionRequestsAsync(RuntimeFixture.Ct));
    }

    [Fact]
    public async Task Starting_an_unknown_workflow_is_not_found_with_mistral_message()
    {
        await using var f = await RuntimeFixture.StartAsync();

        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() =>
            f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "nope", WorkflowNamespace = "ns" }, RuntimeFixture.Deadline()));

        Assert.Equal("Workflow not found [workflow_identifier=nope, namespace=ns]", error.Message);
    }

    [Fact]
    public async Task Commands_on_an_unknown_execution_are_not_found()
    {
        await using var f = await RuntimeFixture.StartAsync();

        await Assert.ThrowsAsync<EntityNotFoundException>(() => f.Runtime.PauseAsync("44444444-4444-4444-8444-444444444444", RuntimeFixture.Deadline()));
    }
}

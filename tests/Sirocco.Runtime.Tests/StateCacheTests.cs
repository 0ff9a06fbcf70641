using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Commands;
using Sirocco.Store;
using Sirocco.Store.Queries;

namespace Sirocco.Runtime.Tests;

/// <summary>
/// The host keeps open executions' states between steps; these show it never acts on a state someone else changed
/// since (another runtime on the same database, an API update).
/// </summary>
public sealed class StateCacheTests
{
    private const string Turns = """
        ---
        version: '2.0'
        turns:
          tasks:
            t1:
              action: std.async_noop
              on-success: t2
            t2:
              action: std.async_noop
              on-success: t3
            t3:
              action: std.async_noop
        """;

    [Fact]
    public async Task Two_runtimes_stepping_one_execution_in_turns_each_see_the_others_steps()
    {
        await using var a = await RuntimeFixture.StartAsync();
        await using var storeB = await SiroccoStore.OpenSqliteAsync(a.DatabasePath, new StoreOptions { SyncEveryCommit = false }, RuntimeFixture.Ct);
        await using var b = new SiroccoRuntime(storeB, new RuntimeOptions { NodeId = "second-runtime", ReclaimForeignLeasesOnStart = false });
        await b.StartAsync(RuntimeFixture.Ct);
        await a.CreateWorkflowAsync("turns", Turns);
        var ex = await a.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "turns" }, RuntimeFixture.Deadline());

        // t1's result through b, t2's through a (whose last view is from before b's step), t3's through b
        foreach (var (task, runtime) in new[] { ("t1", b), ("t2", a.Runtime), ("t3", b) })
        {
            var action = await RunningActionAsync(a.Store, ex.Id, task);
            await runtime.CompleteActionAsync(action, ActionResult.Ok(task), RuntimeFixture.Deadline());
        }

        var done = await a.Runtime.WaitForCompletionAsync(ex.Id, RuntimeFixture.Deadline());
        Assert.Equal(States.Success, done.State);
        var state = await a.Store.GetExecutionAsync(ex.Id, RuntimeFixture.Ct);
        Assert.Equal(["t1", "t2", "t3"], state.Tasks.Select(t => t.Name));
        Assert.All(state.Tasks, t => Assert.Equal(States.Success, t.State));
        Assert.Equal(3, state.Actions.Count);
    }

    [Fact]
    public async Task A_description_set_through_the_api_between_steps_is_kept_by_the_next_step()
    {
        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("turns", Turns);
        var ex = await f.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "turns", Description = "first" },
            RuntimeFixture.Deadline());

        await ExecutionUpdates.SetDescriptionAsync(f.Store, ex.Id, "changed", RuntimeFixture.Ct);
        var action = await RunningActionAsync(f.Store, ex.Id, "t1");
        await f.Runtime.CompleteActionAsync(action, ActionResult.Ok(null), RuntimeFixture.Deadline());

        var state = await f.Store.GetExecutionAsync(ex.Id, RuntimeFixture.Ct);
        Assert.Equal(States.Success, state.Tasks.Single(t => t.Name == "t1").State);
        Assert.Equal("changed", state.Workflow.Description);
    }

    /// <summary>The id of the task's RUNNING action once the executor has started it (async: it stays RUNNING).</summary>
    private static async Task<string> RunningActionAsync(SiroccoStore store, string executionId, string task)
    {
        var deadline = RuntimeFixture.Deadline();
        while (true)
        {
            var state = await store.GetExecutionAsync(executionId, deadline);
            if (state.Actions.FirstOrDefault(x => x.TaskName == task && x.State == States.Running) is { } action
                && await store.CountActionRequestsAsync(deadline) == 0)
            {
                return action.Id;
            }

            await Task.Delay(10, deadline);
        }
    }
}

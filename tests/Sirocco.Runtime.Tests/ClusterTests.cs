using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Commands;
using Sirocco.Runtime.Executors;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Sirocco.Runtime.Tests;

/// <summary>
/// An in-process test cluster: several runtimes (nodes) in this test process on one PostgreSQL database, each with
/// its own store (connection pool) and node id, as separate processes would be. Covers claiming, one execution
/// stepped by one node at a time, lease expiry and takeover.
/// </summary>
public sealed class ClusterTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Workload = """
        version: '2.0'
        parent:
          input: [n]
          tasks:
            first:
              action: std.echo output=<% $.n %>
              publish: {n: <% task().result %>}
              on-success: [items]
            items:
              with-items: i in <% range(3) %>
              action: test.count key=<% str($.n) + '-' + str($.i) %>
              on-success: [child]
            child:
              workflow: sub m=<% $.n %>
              publish: {m: <% task().result.m %>}
          output: {n: <% $.n %>, m: <% $.m %>}
        """;

    private const string Sub = """
        version: '2.0'
        sub:
          input: [m]
          tasks:
            wait:
              action: std.sleep seconds=0.05
          output: {m: <% $.m * 2 %>}
        """;

    /// <summary>One node of the test cluster.</summary>
    private sealed class Node : IAsyncDisposable
    {
        public required SiroccoStore Store { get; init; }

        public required SiroccoRuntime Runtime { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Runtime.DisposeAsync();
            await Store.DisposeAsync();
        }
    }

    private static async Task<Node> StartNodeAsync(string connectionString, string id, RuntimeOptions? options, params IActionRunner[] runners)
    {
        var store = await SiroccoStore.OpenPostgresAsync(connectionString, new StoreOptions { SyncEveryCommit = false }, Ct);
        var runtime = new SiroccoRuntime(store, (options ?? new RuntimeOptions()) with { NodeId = id }, runners);
        await runtime.StartAsync(Ct);
        return new Node { Store = store, Runtime = runtime };
    }

    private static async Task<IReadOnlyList<WorkflowExecution>> WaitForAllAsync(SiroccoStore store, IReadOnlyList<string> ids, Func<WorkflowExecution, bool> done,
        int seconds = 60)
    {
        // Another node may step the execution, so this node's change notifications do not see every step: poll the store.
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var all = new List<WorkflowExecution>();
            foreach (var id in ids)
            {
                all.Add((await store.GetExecutionAsync(id, Ct)).Workflow);
            }

            if (all.All(done))
            {
                return all;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"not finished in time: {string.Join(", ", all.Where(w => !done(w)).Select(w => $"{w.Id} {w.State} {w.StateInfo}"))}");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Three_nodes_share_executions_and_each_action_runs_once()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        var counter = new CountRunner();
        await using var a = await StartNodeAsync(cs, "node-a", null, counter);
        await using var b = await StartNodeAsync(cs, "node-b", null, counter);
        await using var c = await StartNodeAsync(cs, "node-c", null, counter);
        await a.Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = "parent", Definition = Workload }, Ct);
        await a.Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = "sub", Definition = Sub }, Ct);
        Node[] nodes = [a, b, c];

        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var node = nodes[i % 3];
            var started = await node.Runtime.StartExecutionAsync(new StartExecutionRequest
            {
                WorkflowIdentifier = "parent",
                Input = new OrderedDictionary<string, object?> { ["n"] = (long)i },
            }, Ct);
            ids.Add(started.Id);
        }

        var finished = await WaitForAllAsync(a.Store, ids, w => States.IsCompleted(w.State));
        for (var i = 0; i < finished.Count; i++)
        {
            Assert.Equal(States.Success, finished[i].State);
            Assert.Equal((long)i, finished[i].Output["n"]);
            Assert.Equal(2L * i, finished[i].Output["m"]);
        }

        // every with-items action ran exactly once across the three nodes
        Assert.Equal(36, counter.Keys.Count);
        Assert.All(counter.Keys.Values, n => Assert.Equal(1, n));
        foreach (var id in ids)
        {
            var state = await a.Store.GetExecutionAsync(id, Ct);
            Assert.Equal(3, state.Actions.Count(x => x.Name == "test.count"));
        }

        var registered = await a.Store.ListNodesAsync(Ct);
        Assert.Equal(["node-a", "node-b", "node-c"], registered.Select(n => n.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Action_of_a_dead_node_is_rerun_elsewhere_with_safe_rerun_and_fails_as_lost_without()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        var fast = new RuntimeOptions { ActionLease = TimeSpan.FromSeconds(1), SweepInterval = TimeSpan.FromMilliseconds(200) };
        var blocked = new GateRunner();
        var dead = await StartNodeAsync(cs, "node-dies", fast, blocked);
        await dead.Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition
        {
            Name = "safe",
            Definition = "version: '2.0'\nsafe:\n  tasks:\n    t:\n      action: test.gate value=1\n      safe-rerun: true\n",
        }, Ct);
        await dead.Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition
        {
            Name = "unsafe",
            Definition = "version: '2.0'\nunsafe:\n  tasks:\n    t:\n      action: test.gate value=2\n      on-error: [handled]\n    handled:\n      action: std.noop\n",
        }, Ct);
        var safe = await dead.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "safe" }, Ct);
        var unsafeRun = await dead.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "unsafe" }, Ct);
        await blocked.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (blocked.Runs < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dying node never started both actions");
            await Task.Delay(20, Ct);
        }

        // The node dies with both actions running: its leases stay in the table and are no longer renewed.
        await dead.DisposeAsync();

        var survivorGate = new GateRunner();
        survivorGate.Open();
        await using var survivor = await StartNodeAsync(cs, "node-survives", fast, survivorGate);
        var done = await WaitForAllAsync(survivor.Store, [safe.Id, unsafeRun.Id], w => States.IsCompleted(w.State));

        Assert.Equal(States.Success, done[0].State);
        Assert.Equal(1, survivorGate.Runs); // only the safe-rerun action ran again
        var unsafeState = await survivor.Store.GetExecutionAsync(unsafeRun.Id, Ct);
        var lost = Assert.Single(unsafeState.Tasks, t => t.Name == "t");
        Assert.Equal(States.Error, lost.State);
        Assert.Contains("executor that stopped (node-dies)", lost.StateInfo, StringComparison.Ordinal);
        Assert.Contains(unsafeState.Tasks, t => t.Name == "handled" && t.State == States.Success);
        Assert.Equal(States.Success, done[1].State); // on-error handled it
    }

    [Fact]
    public async Task An_execution_is_stepped_by_one_node_at_a_time()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var a = await StartNodeAsync(cs, "lock-a", null);
        await using var probe = await SiroccoStore.OpenPostgresAsync(cs, new StoreOptions(), Ct);
        var id = Guid.NewGuid().ToString();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Another "node" holds the execution's lock in an open transaction...
        var holder = probe.WriteAsync(async (c, tx, ct) =>
        {
            Assert.True(await probe.Dialect.TryLockExecutionAsync(c, tx, id, ct));
            holding.SetResult();
            await release.Task.WaitAsync(ct);
        }, Ct);
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await a.Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = "w", Definition = "version: '2.0'\nw:\n  tasks:\n    t:\n      action: std.noop\n" }, Ct);

        // ...so this node's start waits for it (deferred, not applied twice, not failed) and goes on once it is released.
        var start = a.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "w", ExecutionId = id }, Ct);
        var other = await probe.WriteAsync((c, tx, ct) => probe.Dialect.TryLockExecutionAsync(c, tx, Guid.NewGuid().ToString(), ct), Ct);
        Assert.True(other); // locks are per execution
        Assert.False(start.IsCompleted);
        Assert.Null(await probe.LoadExecutionAsync(id, Ct));
        release.SetResult();
        await holder;
        var started = await start.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(id, started.Id);
        await WaitForAllAsync(a.Store, [id], w => w.State == States.Success);
    }

    [Fact]
    public async Task A_wait_on_one_node_hears_about_an_execution_another_node_steps()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        var gate = new GateRunner();
        await using var engine = await StartNodeAsync(cs, "stepping-node", null, gate);
        // no engine here: whatever happens to the execution is committed by the other node
        await using var watching = await StartNodeAsync(cs, "waiting-node",
            new RuntimeOptions { Roles = NodeRoles.Scheduler, Cron = new Runtime.Scheduling.CronOptions { Enabled = false } });
        await engine.Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition
        {
            Name = "w", Definition = "version: '2.0'\nw:\n  tasks:\n    t:\n      action: test.gate value=1\n",
        }, Ct);

        var first = await engine.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "w" }, Ct);
        var second = await engine.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "w" }, Ct);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var completion = watching.Runtime.WaitForCompletionAsync(first.Id, Ct);
        var deletion = watching.Runtime.WaitForCompletionAsync(second.Id, Ct);
        Assert.False(completion.IsCompleted);

        // a delete on the other node ends a wait with "not found"; a completion there ends the other wait
        await engine.Runtime.DeleteExecutionAsync(second.Id, force: true, Ct);
        var gone = await Assert.ThrowsAsync<EntityNotFoundException>(() => deletion.WaitAsync(TimeSpan.FromSeconds(60), Ct));
        Assert.Contains(second.Id, gone.Message, StringComparison.Ordinal);
        gate.Open();
        var done = await completion.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(States.Success, done.State);
        Assert.Equal(first.Id, done.Id);
    }

    /// <summary><c>test.count key=K</c>: counts how often each key ran (across all nodes of the test cluster).</summary>
    private sealed class CountRunner : IActionRunner
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Keys { get; } = new(StringComparer.Ordinal);

        public bool CanRun(string actionName) => actionName == "test.count";

        public bool IsSafeToRerun(string actionName) => false;

        public Task<ActionResult> RunAsync(RunAction request, CancellationToken ct)
        {
            var key = (string)request.Input["key"]!;
            Keys.AddOrUpdate(key, 1, (_, n) => n + 1);
            return Task.FromResult(ActionResult.Ok(key));
        }
    }
}

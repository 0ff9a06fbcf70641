using Npgsql;
using Sirocco.Engine;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Commands;
using Sirocco.Runtime.Executors;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Testing;

namespace Sirocco.Runtime.Tests;

/// <summary>
/// Nodes with the api role but without the engine role, in an in-process cluster on one PostgreSQL database: every
/// command that needs the engine is handed to an engine node through the command table, and the API node gets the
/// same result or error a single node gives; without an engine node the command is refused or withdrawn, never run
/// later; a command held by a node that dies is taken by another, once.
/// </summary>
public sealed class ApiNodeTests(PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Gated = "version: '2.0'\ngated:\n  input: [v]\n  tasks:\n    t:\n      action: test.gate value=<% $.v %>\n  output: {v: <% $.v %>}\n";

    private const string Failing = "version: '2.0'\nfailing:\n  tasks:\n    t:\n      action: std.fail\n";

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

    private static readonly RuntimeOptions Fast = new() { SweepInterval = TimeSpan.FromMilliseconds(200), NodeHeartbeat = TimeSpan.FromMilliseconds(500) };

    private static async Task<Node> StartNodeAsync(string cs, string id, RuntimeOptions options, params IActionRunner[] runners)
    {
        var store = await SiroccoStore.OpenPostgresAsync(cs, new StoreOptions { SyncEveryCommit = false }, Ct);
        var runtime = new SiroccoRuntime(store, options with { NodeId = id }, runners);
        await runtime.StartAsync(Ct);
        return new Node { Store = store, Runtime = runtime };
    }

    private static Task<Node> StartApiNodeAsync(string cs, string id, TimeSpan? commandTimeout = null) =>
        StartNodeAsync(cs, id, Fast with { Roles = NodeRoles.Api, CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(30) });

    private static async Task DefineAsync(SiroccoStore store, string name, string text) =>
        await store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = name, Definition = text }, Ct);

    /// <summary>
    /// A node registered with the engine role that does not run: its last heartbeat either still looks alive (a node that
    /// has just died; dated a minute ahead so that a slow test host cannot age it) or is long stale.
    /// </summary>
    private static Task RegisterSilentEngineAsync(SiroccoStore store, string id, bool stale) =>
        store.HeartbeatNodeAsync(new SiroccoStore.NodeRecord(id, "elsewhere", 1, "api,engine,executor,scheduler", null, DateTime.UtcNow.Date,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (stale ? -60_000 : 60_000)), Ct);

    [Fact]
    public async Task An_api_node_hands_every_engine_command_to_an_engine_node_and_returns_its_answer()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        var gate = new GateRunner();
        await using var engine = await StartNodeAsync(cs, "engine", Fast with { Roles = NodeRoles.Engine | NodeRoles.Executor }, gate);
        await using var api = await StartApiNodeAsync(cs, "api");
        await DefineAsync(api.Store, "gated", Gated);
        await DefineAsync(api.Store, "failing", Failing);

        // start, pause, resume: the answers are the engine's states right after each step
        var started = await api.Runtime.StartExecutionAsync(new StartExecutionRequest
        {
            WorkflowIdentifier = "gated", Input = new OrderedDictionary<string, object?> { ["v"] = 7L },
        }, Ct);
        Assert.Equal(States.Running, started.State);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(States.Paused, (await api.Runtime.UpdateStateAsync(started.Id, States.Paused, ct: Ct)).State);
        Assert.Equal(States.Running, (await api.Runtime.UpdateStateAsync(started.Id, States.Running, ct: Ct)).State);
        gate.Open();
        var done = await api.Runtime.WaitForCompletionAsync(started.Id, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(States.Success, done.State);
        Assert.Equal(7L, done.Output["v"]);

        // a task in ERROR rerun through the API node: std.fail fails again within the same step, and the answer is the
        // execution as that step left it
        var failing = await api.Runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = "failing" }, Ct);
        Assert.Equal(States.Error, (await api.Runtime.WaitForCompletionAsync(failing.Id, Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct)).State);
        var task = Assert.Single((await api.Store.GetExecutionAsync(failing.Id, Ct)).Tasks);
        var rerun = await api.Runtime.RerunTaskAsync(task.Id, ct: Ct);
        Assert.Equal(failing.Id, rerun.Id);
        Assert.Equal(States.Error, rerun.State);
        await Assert.ThrowsAsync<EntityNotFoundException>(() => api.Runtime.RerunTaskAsync(Guid.NewGuid().ToString(), ct: Ct));

        // an action run now, on the engine node, answered with its result
        var echoed = await api.Runtime.RunActionAsync(new RunActionRequest
        {
            ActionName = "std.echo", Input = new OrderedDictionary<string, object?> { ["output"] = "hello" }, RunSync = true, SaveResult = true,
        }, Ct);
        Assert.True(echoed.Saved);
        Assert.Equal(States.Success, echoed.Action.State);
        Assert.Equal("hello", echoed.Action.Output["result"]);
        Assert.True((await api.Store.FindActionExecutionAsync(echoed.Action.Id, Ct)).Exists);

        // delete, then nothing is left behind in the command table
        Assert.Equal(started.Id, (await api.Runtime.DeleteExecutionAsync(started.Id, ct: Ct)).Id);
        Assert.Null(await api.Store.LoadExecutionAsync(started.Id, Ct));
        Assert.Equal(0, await api.Store.CountPendingCommandsAsync(Ct));
    }

    [Fact]
    public async Task An_api_node_throws_the_error_a_single_node_would()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var engine = await StartNodeAsync(cs, "engine", Fast);
        await using var api = await StartApiNodeAsync(cs, "api");
        await DefineAsync(api.Store, "gated", Gated);

        async Task<Exception> Both(Func<SiroccoRuntime, Task> call, Type expected)
        {
            var single = await Assert.ThrowsAnyAsync<Exception>(() => call(engine.Runtime));
            var relayed = await Assert.ThrowsAnyAsync<Exception>(() => call(api.Runtime));
            Assert.IsType(expected, single);
            Assert.IsType(expected, relayed);
            Assert.Equal(single.Message.Replace(SingleId, "ID", StringComparison.Ordinal), relayed.Message.Replace(RelayedId, "ID", StringComparison.Ordinal));
            return relayed;
        }

        // input the workflow refuses (400), an unknown execution (404), a bad state change, an unknown action
        var bad = (EngineException)await Both(r => r.StartExecutionAsync(new StartExecutionRequest
        {
            WorkflowIdentifier = "gated", Input = new OrderedDictionary<string, object?> { ["nope"] = 1L },
        }, Ct), typeof(EngineException));
        Assert.Equal("InputException", bad.Kind);
        await Both(r => r.PauseAsync(r == engine.Runtime ? SingleId : RelayedId, Ct), typeof(EntityNotFoundException));
        await Both(r => r.RunActionAsync(new RunActionRequest { ActionName = "no.such_action", RunSync = true }, Ct), typeof(EngineException));
        await Both(r => r.RunActionAsync(new RunActionRequest
        {
            ActionName = "std.echo", Input = new OrderedDictionary<string, object?> { ["wrong"] = 1L }, RunSync = true,
        }, Ct), typeof(EngineException));
        await Both(r => r.DeleteExecutionAsync(r == engine.Runtime ? SingleId : RelayedId, ct: Ct), typeof(EntityNotFoundException));

        // an execution finished: pausing it is refused with the engine's own reason
        var done = await engine.Runtime.StartExecutionAsync(new StartExecutionRequest
        {
            WorkflowIdentifier = "gated", Input = new OrderedDictionary<string, object?> { ["v"] = 1L },
        }, Ct);
        await engine.Runtime.StopAsync(done.Id, States.Cancelled, ct: Ct);
        var single = await Assert.ThrowsAsync<EngineException>(() => engine.Runtime.PauseAsync(done.Id, Ct));
        var relayed = await Assert.ThrowsAsync<EngineException>(() => api.Runtime.PauseAsync(done.Id, Ct));
        Assert.Equal((single.Kind, single.Message), (relayed.Kind, relayed.Message));
        Assert.Equal(0, await api.Store.CountPendingCommandsAsync(Ct));
    }

    private static readonly string SingleId = Guid.NewGuid().ToString();

    private static readonly string RelayedId = Guid.NewGuid().ToString();

    [Fact]
    public async Task Without_an_engine_node_a_command_is_refused_or_withdrawn_and_never_runs_later()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var api = await StartApiNodeAsync(cs, "api", TimeSpan.FromSeconds(1));
        await DefineAsync(api.Store, "gated", Gated);
        var request = new StartExecutionRequest { WorkflowIdentifier = "gated", Input = new OrderedDictionary<string, object?> { ["v"] = 1L } };

        // no engine node registered at all: refused at once, nothing queued
        var none = await Assert.ThrowsAsync<EngineUnavailableException>(() => api.Runtime.StartExecutionAsync(request, Ct));
        Assert.Contains("no engine node is running", none.Message, StringComparison.Ordinal);
        Assert.Equal(0, await api.Store.CountPendingCommandsAsync(Ct));

        // an engine node that still looks alive but does not answer (it just died): withdrawn after the timeout
        await RegisterSilentEngineAsync(api.Store, "silent-engine", stale: false);
        var withdrawn = await Assert.ThrowsAsync<EngineUnavailableException>(() => api.Runtime.StartExecutionAsync(request with { ExecutionId = "late" }, Ct));
        Assert.Contains("withdrawn and will not be carried out", withdrawn.Message, StringComparison.Ordinal);
        Assert.Equal(0, await api.Store.CountPendingCommandsAsync(Ct));

        // an engine node that starts afterwards finds nothing to do: the withdrawn start never happens
        await using var engine = await StartNodeAsync(cs, "engine", Fast, new GateRunner());
        var afterwards = await api.Runtime.StartExecutionAsync(request, Ct);
        Assert.Equal(States.Running, afterwards.State);
        Assert.Null(await api.Store.LoadExecutionAsync("late", Ct));
        Assert.Single(await ExecutionIdsAsync(cs));
    }

    [Fact]
    public async Task A_command_held_by_an_engine_node_that_dies_is_applied_once_by_another()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var api = await StartApiNodeAsync(cs, "api");
        await DefineAsync(api.Store, "gated", Gated);
        await RegisterSilentEngineAsync(api.Store, "dying-engine", stale: false);

        var start = api.Runtime.StartExecutionAsync(new StartExecutionRequest
        {
            WorkflowIdentifier = "gated", Input = new OrderedDictionary<string, object?> { ["v"] = 3L },
        }, Ct);
        await WaitUntilAsync(async () => await api.Store.CountPendingCommandsAsync(Ct) == 1);

        // The dying engine node's round has claimed the command (row locked in its open transaction)...
        await using var dying = new NpgsqlConnection(cs + ";Pooling=false");
        await dying.OpenAsync(Ct);
        var round = await dying.BeginTransactionAsync(Ct);
        await using (var claim = new NpgsqlCommand("SELECT id FROM commands WHERE state = 'pending' FOR UPDATE", dying, round))
        {
            Assert.NotNull(await claim.ExecuteScalarAsync(Ct));
        }

        await using (var pidCommand = new NpgsqlCommand("SELECT pg_backend_pid()", dying, round))
        {
            var pid = (int)(await pidCommand.ExecuteScalarAsync(Ct))!;

            // ...so a live engine node skips it while that round lasts,
            var gate = new GateRunner();
            gate.Open();
            await using var engine = await StartNodeAsync(cs, "engine", Fast, gate);
            await Task.Delay(500, Ct);
            Assert.False(start.IsCompleted);
            Assert.Empty(await ExecutionIdsAsync(cs));

            // and takes it once the dying node's connection is gone (its round rolls back with it).
            await using var killer = new NpgsqlConnection(cs);
            await killer.OpenAsync(Ct);
            await using (var kill = new NpgsqlCommand($"SELECT pg_terminate_backend({pid})", killer))
            {
                await kill.ExecuteScalarAsync(Ct);
            }

            var started = await start.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Equal(States.Success, (await api.Runtime.WaitForCompletionAsync(started.Id, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct)).State);
            Assert.Equal(1, gate.Runs);
            Assert.Equal([started.Id], await ExecutionIdsAsync(cs));
            Assert.Equal(0, await api.Store.CountPendingCommandsAsync(Ct));
        }
    }

    [Fact]
    public async Task An_action_run_claimed_by_a_node_that_died_is_answered_as_lost_and_not_run_again()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var api = await StartApiNodeAsync(cs, "api");
        await RegisterSilentEngineAsync(api.Store, "dead-engine", stale: false);
        var run = api.Runtime.RunActionAsync(new RunActionRequest
        {
            ActionName = "std.echo", Input = new OrderedDictionary<string, object?> { ["output"] = "x" }, RunSync = true,
        }, Ct);
        await WaitUntilAsync(async () => await api.Store.CountPendingCommandsAsync(Ct) == 1);

        // the node claims the run and dies before answering (its heartbeat stops)
        Assert.NotNull(await api.Store.ClaimCommandAsync(SiroccoStore.CommandKinds.RunAction, "dead-engine", Ct));
        await RegisterSilentEngineAsync(api.Store, "dead-engine", stale: true);
        await using var engine = await StartNodeAsync(cs, "engine", Fast);

        var lost = await Assert.ThrowsAsync<EngineUnavailableException>(() => run.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Contains("the node running the action stopped before answering", lost.Message, StringComparison.Ordinal);
        Assert.Equal(0, await api.Store.CountPendingCommandsAsync(Ct));
    }

    [Fact]
    public async Task An_api_node_without_the_engine_role_is_refused_on_sqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sirocco-api-{Guid.NewGuid():N}.db");
        try
        {
            await using var store = await SiroccoStore.OpenSqliteAsync(path, new StoreOptions(), Ct);
            var refused = Assert.Throws<NotSupportedException>(() => new SiroccoRuntime(store, new RuntimeOptions { Roles = NodeRoles.Api }));
            Assert.StartsWith("not supported: a node with the api role but without the engine role on sqlite", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(f);
            }
        }
    }

    private static async Task<IReadOnlyList<string>> ExecutionIdsAsync(string cs)
    {
        await using var c = new NpgsqlConnection(cs);
        await c.OpenAsync(Ct);
        await using var cmd = new NpgsqlCommand("SELECT id FROM workflow_executions", c);
        await using var r = await cmd.ExecuteReaderAsync(Ct);
        var ids = new List<string>();
        while (await r.ReadAsync(Ct))
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(20, Ct);
        }
    }
}

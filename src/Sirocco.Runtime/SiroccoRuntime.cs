using CompositeActionProvider = Sirocco.Actions.CompositeActionProvider;
using IActionProvider = Sirocco.Actions.IActionProvider;
using Sirocco.Actions.Standard;
using Sirocco.Runtime.Providers;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Cluster;
using Sirocco.Runtime.Commands;
using Sirocco.Runtime.Durability;
using Sirocco.Runtime.Executors;
using Sirocco.Runtime.Hosting;
using Sirocco.Runtime.Notifications;
using Sirocco.Runtime.Scheduling;
using Sirocco.Store;

namespace Sirocco.Runtime;

/// <summary>
/// The runtime of one Sirocco process: the host loop, an executor and the durability chores over one store, plus
/// the commands the API needs (start, pause, resume, stop, delete, action results) and completion notifications.
/// </summary>
public sealed class SiroccoRuntime : IAsyncDisposable
{
    private readonly ExecutionWatcher _watcher = new();
    private readonly ExecutionHost _host;
    private readonly ActionExecutor _executor;
    private readonly DirectActions _direct;
    private readonly TimerChore _timers;
    private readonly OrphanedActionChore _orphans;
    private readonly CronScheduler _cron;
    private readonly CommandRelay? _relay;
    private readonly CommandWorker _commands;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly IReadOnlyList<IActionProvider> _owned;
    private readonly DateTime _startedAt;
    private int _started;

    /// <summary>Creates a runtime over an open store; call <see cref="StartAsync"/> to run it.</summary>
    /// <param name="store">The open store.</param>
    /// <param name="options">Tuning; defaults when null.</param>
    /// <param name="runners">Extra runners, asked before the providers' runner (tests, special executors).</param>
    /// <param name="providers">Action providers after <c>std</c> and <c>adhoc</c>, in precedence order (plugins, commands, ...).</param>
    public SiroccoRuntime(SiroccoStore store, RuntimeOptions? options = null, IEnumerable<IActionRunner>? runners = null,
        IEnumerable<IActionProvider>? providers = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        Options = options ?? new RuntimeOptions();
        var now = store.Clock.GetUtcNow().UtcDateTime;
        _startedAt = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var std = new StandardActionProvider(new StandardActionOptions { Clock = store.Clock });
        var configured = (providers ?? []).ToList();
        _owned = configured;
        AdHocActions = new AdHocActionProvider(store);
        // The catalog (/v2/actions) and what a task resolves to follow one order: std, adhoc, then the configured ones.
        Actions = new CompositeActionProvider("system", [std, AdHocActions, .. configured]);
        AdHocActions.BaseActions = Actions;
        // Executions resolve plugin actions against the plugin versions current when they started.
        ActionVersions = new ActionVersionPins(store, configured);
        if (ActionVersions.Enabled)
        {
            _watcher.Changed += ActionVersions.OnChanged;
        }

        // Ad-hoc actions never reach the executor inside a workflow (the engine expands them to their base action).
        var executable = new ProviderActionRunner(new CompositeActionProvider("executable", [std, .. configured]), SideEffectFreeStandardActions,
            ActionVersions);
        var actionRunners = (runners ?? []).Append(executable).ToList();
        _host = new ExecutionHost(store, Options, _watcher, actionRunners);
        if (Options.Roles.HasFlag(NodeRoles.Api) && !Options.Roles.HasFlag(NodeRoles.Engine))
        {
            if (store.Dialect.SingleWriter)
            {
                // one process owns a SQLite database (it takes over every lease at start): no engine node can share it
                throw new NotSupportedException(
                    $"not supported: a node with the api role but without the engine role on {store.Dialect.Name} (one process owns a SQLite " +
                    "database; add the engine role, or share a PostgreSQL database with engine nodes)");
            }

            // an API-only node hands every command that needs the engine to the engine nodes through the database
            _relay = new CommandRelay(store, Options);
        }

        // The executor also runs what the API asks for directly, ad-hoc actions included (through the whole catalog).
        // With an engine here, results go through its next group commit; an executor-only node writes them itself.
        var direct = new ProviderActionRunner(Actions, SideEffectFreeStandardActions, ActionVersions);
        _executor = new ActionExecutor(store, Options, [.. actionRunners, direct], Options.Roles.HasFlag(NodeRoles.Engine)
            ? outcome => _host.Post(new ActionOutcomeWork(outcome))
            : outcome => _ = ReportDurablyAsync(outcome));
        _direct = new DirectActions(store, _executor, Actions);
        _commands = new CommandWorker(store, Options, (request, ct) => _direct.RunAsync(request, ct)) { Swept = _host.WakeForCommands };
        _timers = new TimerChore(store, Options, _host);
        _orphans = new OrphanedActionChore(store, Options, _executor, _host);
        _host.ActionsRequested = _executor.Wake;
        _host.TimersArmed = _timers.Wake;
        _host.ActionsCancelled = _executor.Cancel;
        _cron = new CronScheduler(store, Options.Cron, _host.Wake) { ActionVersions = ActionVersions.Enabled ? ActionVersions.CurrentJson : null };
        CronTriggers = new CronTriggerService(store, _cron.Wake);
    }

    /// <summary>Standard actions without outside effects: re-run after a crash even without <c>safe-rerun: true</c>.</summary>
    public static readonly IReadOnlyList<string> SideEffectFreeStandardActions =
        ["std.noop", "std.async_noop", "std.echo", "std.fail", "std.sleep", "std.test_dict", "std.javascript", "std.js"];

    /// <summary>The store.</summary>
    public SiroccoStore Store { get; }

    /// <summary>Every action provider in precedence order: <c>std</c>, <c>adhoc</c>, then the configured ones (the catalog).</summary>
    public CompositeActionProvider Actions { get; }

    /// <summary>The plugin versions each workflow execution started with (recorded at start, held while it runs).</summary>
    public ActionVersionPins ActionVersions { get; }

    /// <summary>The provider of ad-hoc (YAML) actions stored in the database.</summary>
    public AdHocActionProvider AdHocActions { get; }

    /// <summary>The options.</summary>
    public RuntimeOptions Options { get; }

    /// <summary>Cron triggers: create (Mistral's rules), get, delete; creations wake this node's scheduler.</summary>
    public CronTriggerService CronTriggers { get; }

    /// <summary>Completes when the start-up warm-up (<see cref="RuntimeOptions.WarmUp"/>) has ended, or at once without one.</summary>
    public Task WarmedUp { get; private set; } = Task.CompletedTask;

    /// <summary>This node's cron scheduler (runs when <see cref="Scheduling.CronOptions.Enabled"/>).</summary>
    public CronScheduler CronScheduler => _cron;

    /// <summary>Commits made by the host loop so far.</summary>
    public long Commits => _host.Commits;

    /// <summary>Raised after every committed change of an execution (on the host's thread: keep handlers short).</summary>
    public event Action<ExecutionChange>? ExecutionChanged
    {
        add => _watcher.Changed += value;
        remove => _watcher.Changed -= value;
    }

    /// <summary>
    /// Recovers what a previous process left (orphaned action leases; due timers fire on the first sweep) and starts
    /// the host loop, the executor and the chores.
    /// </summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("the runtime is already started");
        }

        // Foreign leases are a dead predecessor's only where one process owns the database (SQLite); on a shared
        // database they belong to live nodes, and only expired leases are orphans.
        var engine = Options.Roles.HasFlag(NodeRoles.Engine);
        var executor = Options.Roles.HasFlag(NodeRoles.Executor);
        await Store.HeartbeatNodeAsync(NodeRecord(), ct).ConfigureAwait(false);
        if (engine)
        {
            await _orphans.RecoverAsync(Options.ReclaimForeignLeasesOnStart && Store.Dialect.SingleWriter, ct).ConfigureAwait(false);
        }

        var stop = _stopping.Token;
        if (engine)
        {
            _loops.Add(Task.Run(() => _host.RunLoopAsync(stop), CancellationToken.None));
            _loops.Add(Task.Run(() => _timers.RunAsync(stop), CancellationToken.None));
            _loops.Add(Task.Run(() => _orphans.RunAsync(stop), CancellationToken.None));
            if (!Store.Dialect.SingleWriter)
            {
                // commands of API-only nodes (only a shared database has other nodes)
                _loops.Add(Task.Run(() => _commands.RunAsync(stop), CancellationToken.None));
            }
        }

        if (executor)
        {
            _loops.Add(Task.Run(() => _executor.RunClaimLoopAsync(stop), CancellationToken.None));
            _loops.Add(Task.Run(() => _executor.RunHeartbeatLoopAsync(stop), CancellationToken.None));
        }

        _loops.Add(Task.Run(() => RunNodeHeartbeatAsync(stop), CancellationToken.None));
        if (ActionVersions.Enabled)
        {
            // holds on executions that ended on another node (or were deleted there) are released by this sweep
            _loops.Add(Task.Run(() => ActionVersions.RunSweepsAsync(Options.SweepInterval, stop), CancellationToken.None));
        }

        // Other nodes' commits wake this one (PostgreSQL LISTEN); on SQLite this returns at once.
        _loops.Add(Task.Run(() => Store.Dialect.ListenAsync(OnNotification, stop), CancellationToken.None));

        if (Options.Cron.Enabled && Options.Roles.HasFlag(NodeRoles.Scheduler))
        {
            _loops.Add(Task.Run(() => _cron.RunAsync(stop), CancellationToken.None));
        }

        if (engine && Options.WarmUp)
        {
            var warmUp = Task.Run(() => WarmUpAsync(stop), CancellationToken.None);
            WarmedUp = warmUp;
            _loops.Add(warmUp);
        }

        _host.Wake();
        _executor.Wake();
    }

    // Rounds of the store's write path: enough calls for the runtime to recompile the framework code on it (ASP.NET,
    // System.Text.Json, the SQLite wrapper: precompiled, replaced by optimised code after ~30 calls) before the first
    // executions, instead of while they run.
    private const int StoreWarmUpRounds = 40;

    private async Task WarmUpAsync(CancellationToken stop)
    {
        try
        {
            var state = Engine.EngineWarmup.RunState();
            var execution = state.Workflow;
            if (execution.State != States.Success)
            {
                Options.Warn($"the engine's warm-up workflow ended in {execution.State}: {execution.StateInfo}");
                return;
            }

            for (var round = 0; round < StoreWarmUpRounds && !stop.IsCancellationRequested; round++)
            {
                await Store.WarmUpWritePathAsync(state, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // the warm-up is an optimisation: whatever it hits is reported, never fatal
        catch (Exception e)
#pragma warning restore CA1031
        {
            Options.Warn($"the warm-up failed: {e.Message}");
        }
    }

    private void OnNotification(string topic)
    {
        if (topic.StartsWith(WorkTopics.ExecutionsPrefix, StringComparison.Ordinal))
        {
            var waited = topic[WorkTopics.ExecutionsPrefix.Length..].Split(',').Where(_watcher.IsWaitedFor).ToList();
            if (waited.Count > 0)
            {
                _ = RefreshWaitersAsync(waited);
            }

            return;
        }

        if (topic.StartsWith(WorkTopics.CommandsDonePrefix, StringComparison.Ordinal))
        {
            _relay?.OnAnswered(topic[WorkTopics.CommandsDonePrefix.Length..].Split(','));
            return;
        }

        if (topic == WorkTopics.All)
        {
            // (re)connected: a change may have been missed while not listening
            _ = RefreshWaitersAsync(_watcher.WaitedFor());
            _relay?.OnReconnected();
        }

        switch (topic)
        {
            case WorkTopics.Commands:
                _host.WakeForCommands();
                _commands.Wake();
                break;
            case WorkTopics.Events:
                _host.Wake();
                break;
            case WorkTopics.Actions:
                _executor.Wake();
                break;
            case WorkTopics.Timers:
                _timers.Wake();
                break;
            default:
                _host.WakeForCommands();
                _commands.Wake();
                _executor.Wake();
                _timers.Wake();
                break;
        }
    }

    /// <summary>Reads executions another node changed and hands them to this node's waiters (off the listener's thread).</summary>
    private async Task RefreshWaitersAsync(IReadOnlyList<string> executionIds)
    {
        await Task.Yield();
        foreach (var id in executionIds)
        {
            try
            {
                _watcher.Offer(id, (await Store.LoadExecutionAsync(id, _stopping.Token).ConfigureAwait(false))?.Workflow);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or ObjectDisposedException)
            {
                // stopping, or the database is away for a moment: the listener's reconnect ("*") looks again
            }
        }
    }

    private SiroccoStore.NodeRecord NodeRecord() => new(Options.NodeId, Environment.MachineName, Environment.ProcessId,
        string.Join(",", NodeRoleNames.Names(Options.Roles)), Options.ExecutorPool, _startedAt, Store.Clock.GetUtcNow().ToUnixTimeMilliseconds());

    private async Task RunNodeHeartbeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Options.NodeHeartbeat, Store.Clock);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await Store.HeartbeatNodeAsync(NodeRecord(), ct).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException)
            {
                // the database is unreachable for a moment: the next beat tries again
            }
        }
    }

    private async Task ReportDurablyAsync(ActionOutcome outcome)
    {
        var result = ReferenceEquals(outcome.Result, ActionExecutor.AsyncStarted) ? null : outcome.Result;
        try
        {
            if (outcome.Request.WorkflowExecutionId is null)
            {
                // an action run directly through the API: its row is its whole state
                await Store.WriteAsync(async (c, tx, ct) =>
                {
                    if (await SiroccoStore.CompleteActionRequestAsync(c, tx, outcome.Request.ActionExecutionId, outcome.Owner, ct).ConfigureAwait(false)
                        && result is not null)
                    {
                        await DirectActions.CompleteAsync(c, tx, outcome.Request.ActionExecutionId, result, Store.Clock.GetUtcNow().UtcDateTime, ct)
                            .ConfigureAwait(false);
                    }
                }, _stopping.Token).ConfigureAwait(false);
            }
            else
            {
                await Store.CompleteActionDurablyAsync(outcome.Request, outcome.Owner, result, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException)
        {
            // Not written: the lease expires and the sweep re-runs the action (safe-rerun) or fails it as lost.
        }
    }

    /// <summary>
    /// Starts an execution of a stored workflow. Returns once the execution and its first tasks are committed;
    /// input the workflow refuses throws <see cref="Engine.EngineException"/>, an unknown workflow
    /// <see cref="EntityNotFoundException"/>.
    /// </summary>
    public async Task<WorkflowExecution> StartExecutionAsync(StartExecutionRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ExecutionId is { } existingId && await Store.LoadExecutionAsync(existingId, ct).ConfigureAwait(false) is { } existing)
        {
            return existing.Workflow;
        }

        var definition = await Store.ReadAsync((c, _) => Task.FromResult(
            DefinitionLookup.FindWorkflow(c, null, request.WorkflowIdentifier, request.WorkflowNamespace)), ct).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(
                $"Workflow not found [workflow_identifier={request.WorkflowIdentifier}, namespace={request.WorkflowNamespace}]");
        var id = request.ExecutionId ?? Sirocco.Engine.GuidIdGenerator.Instance.NewId();
        var start = new StartWorkflow
        {
            Workflow = definition,
            Input = request.Input,
            Params = request.Params,
            Description = request.Description,
            ExecutionId = id,
            ProjectId = request.ProjectId ?? StoreOptions.DefaultProjectId,
        };
        await ActionVersions.RecordAsync(id, ct).ConfigureAwait(false);
        try
        {
            return await SendAsync(id, start, ct).ConfigureAwait(false);
        }
        catch
        {
            ActionVersions.Forget(id); // refused input: no execution holds those versions
            throw;
        }
    }

    /// <summary>Pauses an execution (PUT state=PAUSED).</summary>
    public Task<WorkflowExecution> PauseAsync(string executionId, CancellationToken ct = default) =>
        SendAsync(executionId, new PauseWorkflow(), ct);

    /// <summary>Resumes a paused execution (PUT state=RUNNING), optionally merging env into <c>params.env</c>.</summary>
    public Task<WorkflowExecution> ResumeAsync(string executionId, OrderedDictionary<string, object?>? env = null, CancellationToken ct = default) =>
        SendAsync(executionId, new ResumeWorkflow(env), ct);

    /// <summary>Force-stops an execution in SUCCESS, ERROR or CANCELLED with a state_info (CANCELLED cascades).</summary>
    public Task<WorkflowExecution> StopAsync(string executionId, string state, string? stateInfo = null, CancellationToken ct = default) =>
        SendAsync(executionId, new StopWorkflow(state, stateInfo), ct);

    /// <summary>PUT /v2/executions/{id} with a state: PAUSED, RUNNING, SUCCESS, ERROR or CANCELLED.</summary>
    public Task<WorkflowExecution> UpdateStateAsync(string executionId, string state, string? stateInfo = null,
        OrderedDictionary<string, object?>? env = null, CancellationToken ct = default) => state switch
        {
            States.Paused => PauseAsync(executionId, ct),
            States.Running => ResumeAsync(executionId, env, ct),
            States.Success or States.Error or States.Cancelled => StopAsync(executionId, state, stateInfo, ct),
            _ => throw new Engine.EngineException("InputException", $"Invalid state for an execution update: {state}"),
        };

    /// <summary>Reruns a task in ERROR (PUT /v2/tasks/{id} state=RUNNING).</summary>
    public async Task<WorkflowExecution> RerunTaskAsync(string taskExecutionId, bool reset = true, OrderedDictionary<string, object?>? env = null,
        CancellationToken ct = default)
    {
        var executionId = await Store.FindExecutionOfTaskAsync(taskExecutionId, ct).ConfigureAwait(false)
                          ?? throw new EntityNotFoundException($"TaskExecution not found [id={taskExecutionId}]");
        return await SendAsync(executionId, new RerunTask(taskExecutionId, reset, env), ct).ConfigureAwait(false);
    }

    /// <summary>Delivers the result of an action execution (PUT /v2/action_executions/{id}: async actions).</summary>
    public async Task<WorkflowExecution> CompleteActionAsync(string actionExecutionId, ActionResult result, CancellationToken ct = default)
    {
        var executionId = await Store.FindExecutionOfActionAsync(actionExecutionId, ct).ConfigureAwait(false)
                          ?? throw new EntityNotFoundException($"ActionExecution not found [id={actionExecutionId}]");
        return await SendAsync(executionId, new ActionCompleted(actionExecutionId, result), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs an action directly (POST /v2/action_executions, <c>mistral run-action</c>): now, or stored RUNNING and queued
    /// (<c>save_result</c> without <c>run_sync</c>, async actions). An unknown action or bad input throws
    /// <see cref="Engine.EngineException"/> before anything is stored.
    /// </summary>
    public Task<RunActionOutcome> RunActionAsync(RunActionRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureStarted();
        return _relay is { } relay
            ? relay.SendAsync<RunActionOutcome>(SiroccoStore.CommandKinds.RunAction, null, Engine.Serialization.EngineJson.Serialize(request), ct)
            : _direct.RunAsync(request, ct);
    }

    /// <summary>
    /// PUT /v2/action_executions/{id} with SUCCESS, ERROR or CANCELLED: the result of an action of a workflow goes to its
    /// engine as an event committed with the step it causes (the workflow goes on); a direct run's row is completed.
    /// A second result throws <see cref="Engine.EngineException"/>.
    /// </summary>
    public async Task DeliverActionResultAsync(string actionExecutionId, ActionResult result, CancellationToken ct = default)
    {
        var (exists, executionId, state) = await Store.FindActionExecutionAsync(actionExecutionId, ct).ConfigureAwait(false);
        if (!exists)
        {
            throw new EntityNotFoundException($"ActionExecution not found [id={actionExecutionId}]");
        }

        if (States.IsCompleted(state))
        {
            throw DirectActions.AlreadyCompleted(actionExecutionId);
        }

        if (executionId is null)
        {
            await _direct.CompleteFromApiAsync(actionExecutionId, result, ct).ConfigureAwait(false);
            return;
        }

        await SendAsync(executionId, new ActionCompleted(actionExecutionId, result), ct).ConfigureAwait(false);
    }

    /// <summary>PUT /v2/action_executions/{id} with PAUSED or RUNNING (async actions; a paused one pauses its task and workflow).</summary>
    public async Task UpdateActionStateAsync(string actionExecutionId, string state, CancellationToken ct = default)
    {
        var (exists, executionId, _) = await Store.FindActionExecutionAsync(actionExecutionId, ct).ConfigureAwait(false);
        if (!exists)
        {
            throw new EntityNotFoundException($"ActionExecution not found [id={actionExecutionId}]");
        }

        if (executionId is null)
        {
            await _direct.UpdateStateFromApiAsync(actionExecutionId, state, ct).ConfigureAwait(false);
            return;
        }

        await SendAsync(executionId, new ActionStateChanged(actionExecutionId, state), ct).ConfigureAwait(false);
    }

    /// <summary>Deletes an execution with its tasks, actions and sub-workflows; an unfinished one only with <paramref name="force"/>.</summary>
    public Task<WorkflowExecution> DeleteExecutionAsync(string executionId, bool force = false, CancellationToken ct = default)
    {
        EnsureStarted();
        if (_relay is { } relay)
        {
            return relay.SendAsync<WorkflowExecution>(SiroccoStore.CommandKinds.Delete, executionId, force ? "force" : "", ct);
        }

        var cmd = new DeleteCommand(executionId, force);
        _host.Post(cmd);
        return cmd.Done.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Waits (without polling) until the execution is SUCCESS, ERROR or CANCELLED; returns it. On a shared database
    /// the steps of other nodes count too (they NOTIFY the executions whose state changed).
    /// </summary>
    public Task<WorkflowExecution> WaitForCompletionAsync(string executionId, CancellationToken ct = default) =>
        WaitForAsync(executionId, w => States.IsCompleted(w.State), ct);

    /// <summary>Waits (without polling) until the execution satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<WorkflowExecution> WaitForAsync(string executionId, Func<WorkflowExecution, bool> condition, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var wait = _watcher.Register(executionId, condition, ct, out var unregister);
        try
        {
            // Registered first, then read: a change committed in between is seen by one or the other.
            var current = await Store.GetExecutionAsync(executionId, ct).ConfigureAwait(false);
            if (condition(current.Workflow))
            {
                return current.Workflow;
            }

            return await wait.ConfigureAwait(false);
        }
        finally
        {
            unregister();
        }
    }

    private Task<WorkflowExecution> SendAsync(string executionId, EngineEvent e, CancellationToken ct)
    {
        EnsureStarted();
        if (_relay is { } relay)
        {
            // an API-only node: an engine node steps it and answers (the same result or error as here)
            return relay.SendAsync<WorkflowExecution>(SiroccoStore.CommandKinds.Event, executionId, Engine.Serialization.EngineJson.Serialize(e), ct);
        }

        var cmd = new EventCommand(executionId, e);
        _host.Post(cmd);
        return cmd.Done.Task.WaitAsync(ct);
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _started) == 0)
        {
            throw new InvalidOperationException("the runtime is not started (call StartAsync)");
        }
    }

    /// <summary>Stops the loops. Work in flight is not lost: it is durable and recovered by the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // expected on stop
        }

        _stopping.Dispose();
        foreach (var provider in _owned)
        {
            // configured providers are the runtime's (a plugin folder's watcher, a remote catalog's HTTP client)
            if (provider is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (provider is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }
}

using System.Data.Common;
using System.Threading.Channels;
using Sirocco.Engine;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Executors;
using Sirocco.Runtime.Notifications;
using Sirocco.Store;

namespace Sirocco.Runtime.Hosting;

/// <summary>
/// The host loop. Each round takes the pending events (from the table) and the in-memory work (API commands,
/// executor results), groups them by execution, steps each execution through the engine and commits the new states,
/// the new events, the action requests and the timers in ONE transaction (group commit). Only after the commit are
/// executors woken, timers re-armed, waiters and API callers told. One loop per process, so one execution is
/// stepped by one worker at a time.
/// </summary>
internal sealed partial class ExecutionHost
{
    private readonly SiroccoStore _store;
    private readonly RuntimeOptions _options;
    private readonly ExecutionWatcher _watcher;
    private readonly Channel<HostWork> _inbox = Channel.CreateUnbounded<HostWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WakeSignal _wake = new();

    private readonly IReadOnlyList<IActionRunner> _runners;
    private readonly ExecutionStateCache _cache;

    public ExecutionHost(SiroccoStore store, RuntimeOptions options, ExecutionWatcher watcher, IReadOnlyList<IActionRunner> runners)
    {
        _store = store;
        _runners = runners;
        _options = options;
        _watcher = watcher;
        _cache = new ExecutionStateCache(options.CachedExecutions);
    }

    /// <summary>Called after a commit that wrote action requests.</summary>
    public Action? ActionsRequested { get; set; }

    /// <summary>Called after a commit that armed timers.</summary>
    public Action? TimersArmed { get; set; }

    /// <summary>Called after a commit that removed requests of running actions (cancelled or deleted executions).</summary>
    public Action<IReadOnlyList<string>>? ActionsCancelled { get; set; }

    /// <summary>Number of commits so far (diagnostics and benchmarks).</summary>
    public long Commits { get; private set; }

    /// <summary>Steps that found their execution's state in the cache (diagnostics and benchmarks).</summary>
    public long CacheHits { get; private set; }

    public void Post(HostWork work)
    {
        _inbox.Writer.TryWrite(work);
        _wake.Set();
    }

    /// <summary>Pending events may be waiting in the table.</summary>
    public void Wake() => _wake.Set();

    /// <summary>
    /// Commands of API-only nodes may be waiting (a <c>commands</c> notification, a reconnect, the slow sweep): the next
    /// round reads the command table. Rounds read it only then, so the hot path pays nothing when no API-only node exists.
    /// </summary>
    public void WakeForCommands()
    {
        Volatile.Write(ref _commandsPending, 1);
        _wake.Set();
    }

    private int _commandsPending = 1;

    public async Task RunLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var work = new List<HostWork>();
            while (work.Count < _options.BatchSize && _inbox.Reader.TryRead(out var w))
            {
                work.Add(w);
            }

            var (more, deferred) = await ProcessRoundAsync(work, ct).ConfigureAwait(false);
            if (deferred && !more)
            {
                // only work for executions another node is stepping: give it a moment to commit
                await _wake.WaitAsync(DeferredRetry, _store.Clock, ct).ConfigureAwait(false);
            }
            else if (!more && !_inbox.Reader.TryPeek(out _))
            {
                await _wake.WaitAsync(null, _store.Clock, ct).ConfigureAwait(false);
            }
        }
    }

    private static readonly TimeSpan DeferredRetry = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// One round: one transaction. Returns whether more work is known to be waiting, and whether some work was put
    /// back because another node holds its execution.
    /// </summary>
    private async Task<(bool More, bool Deferred)> ProcessRoundAsync(List<HostWork> work, CancellationToken ct)
    {
        var round = new Round();
        var readCommands = Interlocked.Exchange(ref _commandsPending, 0) == 1;
        try
        {
            await _store.WriteAsync((c, tx, token) => ApplyAsync(c, tx, work, readCommands, round, token), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            FailCommands(work, new OperationCanceledException("the runtime is stopping"));
            throw;
        }
#pragma warning disable CA1031 // a failed commit must not kill the loop: the work stays durable or is reported to its caller
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Nothing of this round was committed: pending events stay pending; commands fail back to their callers;
            // executor results are lost, their leases expire and the sweep re-runs or fails those actions.
            FailCommands(work, e);
            if (readCommands)
            {
                Volatile.Write(ref _commandsPending, 1);
            }

            return (false, false);
        }

        Commits++;
        foreach (var (id, state, version) in round.Cache)
        {
            _cache.Put(id, state, version);
        }

        AfterCommit(round);
        foreach (var w in round.Deferred)
        {
            _inbox.Writer.TryWrite(w);
        }

        if (round.CommandsWaiting)
        {
            // a full batch, or commands for executions another node is stepping: read the table again
            Volatile.Write(ref _commandsPending, 1);
        }

        return (round.MoreWaiting || (round.CommandsWaiting && !round.CommandsDeferred), round.Deferred.Count > 0 || round.CommandsDeferred);
    }

    private static void FailCommands(List<HostWork> work, Exception e)
    {
        foreach (var w in work)
        {
            switch (w)
            {
                case EventCommand cmd:
                    cmd.Done.TrySetException(e);
                    break;
                case DeleteCommand del:
                    del.Done.TrySetException(e);
                    break;
            }
        }
    }

    private void AfterCommit(Round round)
    {
        if (round.ActionsRequested)
        {
            ActionsRequested?.Invoke();
        }

        if (round.TimersArmed)
        {
            TimersArmed?.Invoke();
        }

        if (round.CancelledActions.Count > 0)
        {
            ActionsCancelled?.Invoke(round.CancelledActions);
        }

        foreach (var change in round.Changes.Values)
        {
            _watcher.Publish(change);
        }

        foreach (var warning in round.Warnings)
        {
            _options.Warn(warning);
        }

        foreach (var (done, result) in round.Completions)
        {
            if (result.Error is { } error)
            {
                done.TrySetException(error);
            }
            else
            {
                done.TrySetResult(result.Workflow!);
            }
        }
    }

    /// <summary>What one round did, for the after-commit part.</summary>
    private sealed class Round
    {
        public bool ActionsRequested { get; set; }

        public bool TimersArmed { get; set; }

        public bool MoreWaiting { get; set; }

        public bool EventsAppended { get; set; }

        /// <summary>Command rows were left pending (a full batch, or their execution is held by another node).</summary>
        public bool CommandsWaiting { get; set; }

        /// <summary>Some command rows wait for an execution another node is stepping.</summary>
        public bool CommandsDeferred { get; set; }

        public List<HostWork> Deferred { get; } = [];

        public List<string> CancelledActions { get; } = [];

        /// <summary>States this round stepped, to keep in the cache once it has committed.</summary>
        public List<(string ExecutionId, ExecutionState State, long Version)> Cache { get; } = [];

        public Dictionary<string, ExecutionChange> Changes { get; } = new(StringComparer.Ordinal);

        /// <summary>What to report once committed (<see cref="RuntimeOptions.Warn"/>).</summary>
        public List<string> Warnings { get; } = [];

        /// <summary>Executions whose workflow state changed or that were deleted (told to other nodes' waiters).</summary>
        public List<string> StateChanged { get; } = [];

        public List<(TaskCompletionSource<WorkflowExecution> Done, (WorkflowExecution? Workflow, Exception? Error) Result)> Completions { get; } = [];

        public void Reset()
        {
            ActionsRequested = TimersArmed = MoreWaiting = EventsAppended = CommandsWaiting = CommandsDeferred = false;
            Deferred.Clear();
            CancelledActions.Clear();
            Cache.Clear();
            Changes.Clear();
            StateChanged.Clear();
            Warnings.Clear();
            Completions.Clear();
        }
    }

    /// <summary>One item to step an execution with: from the table (Seq) or from memory (Command).</summary>
    private sealed record Item(EngineEvent Event, long? Seq, EventCommand? Command);
}

using System.Data.Common;
using Sirocco.Engine;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Engine.Serialization;
using Sirocco.Runtime.Cluster;
using Sirocco.Runtime.Executors;
using Sirocco.Runtime.Notifications;
using Sirocco.Store;

namespace Sirocco.Runtime.Hosting;

/// <summary>The transactional part of a round: step executions and write everything they produced.</summary>
internal sealed partial class ExecutionHost
{
    private async Task ApplyAsync(DbConnection c, DbTransaction tx, List<HostWork> work, bool readCommands, Round round, CancellationToken ct)
    {
        round.Reset(); // a transient failure (deadlock between nodes) runs the round again from scratch
        var nowOffset = _store.Clock.GetUtcNow();
        var nowMs = nowOffset.ToUnixTimeMilliseconds();
        var dialect = _store.Dialect;
        var pending = await SiroccoStore.ReadPendingEventsAsync(c, tx, _options.BatchSize, nowMs, ct, dialect.SkipLockedClause).ConfigureAwait(false);

        // One node at a time steps an execution: the lock lasts as long as this transaction (and dies with the
        // node's connection). Work for an execution another node is stepping right now waits for a later round.
        var locks = new Dictionary<string, bool>(StringComparer.Ordinal);
        async Task<bool> LockAsync(string executionId)
        {
            if (!locks.TryGetValue(executionId, out var held))
            {
                locks[executionId] = held = await dialect.TryLockExecutionAsync(c, tx, executionId, ct).ConfigureAwait(false);
            }

            return held;
        }

        round.MoreWaiting = pending.Count == _options.BatchSize;

        // Group by execution, keeping arrival order: table events first (older), then in-memory work.
        var byExecution = new Dictionary<string, List<Item>>(StringComparer.Ordinal);
        var order = new List<string>();
        void Add(string executionId, Item item)
        {
            if (!byExecution.TryGetValue(executionId, out var list))
            {
                byExecution[executionId] = list = [];
                order.Add(executionId);
            }

            list.Add(item);
        }

        foreach (var p in pending)
        {
            if (await LockAsync(p.WorkflowExecutionId).ConfigureAwait(false))
            {
                Add(p.WorkflowExecutionId, new Item(p.Event, p.Seq, null));
            }
        }

        var deletes = new List<DeleteCommand>();
        foreach (var w in work)
        {
            var target = w switch
            {
                EventCommand cmd => cmd.ExecutionId,
                DeleteCommand del => del.ExecutionId,
                ActionOutcomeWork o => o.Outcome.Request.WorkflowExecutionId,
                _ => null,
            };
            if (target is not null && !await LockAsync(target).ConfigureAwait(false))
            {
                round.Deferred.Add(w);
                continue;
            }

            switch (w)
            {
                case EventCommand cmd:
                    Add(cmd.ExecutionId, new Item(cmd.Event, null, cmd));
                    break;
                case DeleteCommand del:
                    deletes.Add(del);
                    break;
                case ActionOutcomeWork { Outcome: var o } when o.Request.WorkflowExecutionId is null:
                    // an action run directly through the API: its row is its whole state
                    if (await SiroccoStore.CompleteActionRequestAsync(c, tx, o.Request.ActionExecutionId, o.Owner, ct).ConfigureAwait(false)
                        && !ReferenceEquals(o.Result, ActionExecutor.AsyncStarted))
                    {
                        await DirectActions.CompleteAsync(c, tx, o.Request.ActionExecutionId, o.Result, nowOffset.UtcDateTime, ct).ConfigureAwait(false);
                    }

                    break;
                case ActionOutcomeWork { Outcome: var o }:
                    if (ReferenceEquals(o.Result, ActionExecutor.AsyncStarted))
                    {
                        await SiroccoStore.CompleteActionRequestAsync(c, tx, o.Request.ActionExecutionId, o.Owner, ct).ConfigureAwait(false);
                    }
                    else if (await SiroccoStore.CompleteActionRequestAsync(c, tx, o.Request.ActionExecutionId, o.Owner, ct).ConfigureAwait(false))
                    {
                        Add(o.Request.WorkflowExecutionId!, new Item(new ActionCompleted(o.Request.ActionExecutionId, o.Result), null, null));
                    }

                    // else: stale (reclaimed, cancelled or already applied): dropped
                    break;
            }
        }

        // Commands of API-only nodes: claimed by this transaction (SKIP LOCKED), applied like this node's own and answered
        // in the same commit, so each is applied and answered exactly once; a node dying mid-round releases them.
        var durable = new Dictionary<TaskCompletionSource<WorkflowExecution>, SiroccoStore.PendingCommand>();
        var answered = new List<string>();
        if (readCommands)
        {
            var commands = await SiroccoStore.ReadPendingCommandsAsync(c, tx, _options.BatchSize, ct, dialect.SkipLockedClause).ConfigureAwait(false);
            round.CommandsWaiting = commands.Count == _options.BatchSize;
            foreach (var pc in commands)
            {
                if (pc.ExecutionId is { } target && !await LockAsync(target).ConfigureAwait(false))
                {
                    round.CommandsWaiting = round.CommandsDeferred = true;
                    continue;
                }

                try
                {
                    var executionId = pc.ExecutionId ?? throw new InvalidDataException($"command {pc.Id} names no execution");
                    if (pc.Kind == SiroccoStore.CommandKinds.Delete)
                    {
                        var del = new DeleteCommand(executionId, pc.Payload == "force") { Durable = pc };
                        durable[del.Done] = pc;
                        deletes.Add(del);
                    }
                    else
                    {
                        var cmd = new EventCommand(executionId, EngineJson.Deserialize<EngineEvent>(pc.Payload)) { Durable = pc };
                        durable[cmd.Done] = pc;
                        Add(executionId, new Item(cmd.Event, null, cmd));
                    }
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or NotSupportedException)
                {
                    await SiroccoStore.AnswerCommandAsync(c, tx, pc.Seq, CommandAnswer.Failed(e), nowMs, ct).ConfigureAwait(false);
                    answered.Add(pc.Id);
                }
            }
        }

        var ctx = new StepContext
        {
            Now = nowOffset.UtcDateTime,
            Ids = GuidIdGenerator.Instance,
            Definitions = new StoreDefinitionResolver(c, tx, _runners),
            RunCheapActionsInline = _options.RunCheapActionsInline,
        };

        foreach (var executionId in order)
        {
            await StepExecutionAsync(c, tx, executionId, byExecution[executionId], ctx, nowMs, round, ct).ConfigureAwait(false);
        }

        foreach (var del in deletes)
        {
            await DeleteAsync(c, tx, del, round, ct).ConfigureAwait(false);
        }

        foreach (var (done, result) in round.Completions)
        {
            if (durable.TryGetValue(done, out var pc))
            {
                var answer = result.Error is { } error ? CommandAnswer.Failed(error) : CommandAnswer.Ok(result.Workflow);
                await SiroccoStore.AnswerCommandAsync(c, tx, pc.Seq, answer, nowMs, ct).ConfigureAwait(false);
                answered.Add(pc.Id);
            }
        }

        if (answered.Count > 0)
        {
            await _store.NotifyCommandsAnsweredAsync(c, tx, answered, ct).ConfigureAwait(false);
        }

        // Wake the other nodes when this commits (PostgreSQL NOTIFY; nothing on SQLite, where the wakes are in-process).
        if (round.ActionsRequested)
        {
            await dialect.NotifyAsync(c, tx, WorkTopics.Actions, ct).ConfigureAwait(false);
        }

        if (round.EventsAppended)
        {
            await dialect.NotifyAsync(c, tx, WorkTopics.Events, ct).ConfigureAwait(false);
        }

        if (round.TimersArmed)
        {
            await dialect.NotifyAsync(c, tx, WorkTopics.Timers, ct).ConfigureAwait(false);
        }

        if (!dialect.SingleWriter && round.StateChanged.Count > 0)
        {
            // Waiters on other nodes (WaitForAsync) hear about state changes only this way; a few ids per NOTIFY
            // payload (PostgreSQL caps one at 8000 bytes).
            foreach (var chunk in round.StateChanged.Chunk(100))
            {
                await dialect.NotifyAsync(c, tx, WorkTopics.ExecutionsPrefix + string.Join(',', chunk), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task StepExecutionAsync(DbConnection c, DbTransaction tx, string executionId, List<Item> items, StepContext ctx,
        long nowMs, Round round, CancellationToken ct)
    {
        var (state, version) = await LoadStateAsync(c, tx, executionId, ct).ConfigureAwait(false);
        var stateBefore = state?.Workflow.State;
        var changedTasks = new HashSet<string>(StringComparer.Ordinal);
        var changedActions = new HashSet<string>(StringComparer.Ordinal);
        var effects = new List<EngineEffect>();
        var done = new List<TaskCompletionSource<WorkflowExecution>>();
        var dirty = false;

        foreach (var item in items)
        {
            if (item.Seq is { } seq && !await SiroccoStore.DeleteEventAsync(c, tx, seq, ct).ConfigureAwait(false))
            {
                continue; // another node applied it between our read and our lock
            }

            if (state is null && item.Event is not StartWorkflow)
            {
                // The execution is gone (deleted) or never existed: a command is refused, a queued event is dropped.
                if (item.Command is { } cmd)
                {
                    round.Completions.Add((cmd.Done, (null, new EntityNotFoundException($"WorkflowExecution not found [id={executionId}]"))));
                }

                continue;
            }

            if (state is not null && item.Event is StartWorkflow)
            {
                // A repeated start (a client retry with the same id, a redelivered child start): the execution stands.
                if (item.Command is { } cmd)
                {
                    done.Add(cmd.Done);
                }

                continue;
            }

            try
            {
                var result = WorkflowEngine.Step(state, item.Event, ctx);
                state = result.State;
                changedTasks.UnionWith(result.ChangedTasks);
                changedActions.UnionWith(result.ChangedActions);
                effects.AddRange(result.Effects);
                dirty = true;
                if (item.Command is { } cmd)
                {
                    done.Add(cmd.Done);
                }
            }
            catch (EngineException e)
            {
                if (item.Command is { } cmd)
                {
                    round.Completions.Add((cmd.Done, (null, e)));
                }
                else if (item.Event is StartWorkflow { ParentExecutionId: { } parent } start)
                {
                    // A sub-workflow the engine refused to start: its parent task fails with the reason.
                    var child = start.ExecutionId ?? executionId;
                    effects.Add(new NotifyParent(parent, new ChildCompleted(child, States.Error, e.Message, [])));
                }
                else if (item.Event is StartWorkflow queued)
                {
                    // A queued start nobody waits for (a cron trigger's): as in Mistral the due time is spent and no
                    // execution exists, so say why (the description names the trigger).
                    round.Warnings.Add($"the queued start of workflow {queued.Workflow.Name} [execution_id={executionId}] was refused: {e.Message}" +
                                  (queued.Description is { Length: > 0 } description ? $"; description: {description}" : ""));
                }
            }
#pragma warning disable CA1031 // an engine defect must not wedge the queue: the execution fails visibly instead
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                if (state is not null)
                {
                    state.Workflow.State = States.Error;
                    state.Workflow.StateInfo = $"internal error while applying {item.Event.GetType().Name}: {e.Message}";
                    dirty = true;
                }

                if (item.Command is { } cmd)
                {
                    round.Completions.Add((cmd.Done, (null, e)));
                }
            }
        }

        if (state is null || !dirty)
        {
            if (state is not null)
            {
                // unchanged: the state stays as loaded
                round.Cache.Add((executionId, state, version));
                if (done.Count > 0)
                {
                    Complete(round, done, state.Workflow.Copy());
                }
            }

            await ApplyEffectsAsync(c, tx, effects, nowMs, round, ct).ConfigureAwait(false);
            return;
        }

        version = await SiroccoStore.SaveStateAsync(c, tx, state, changedTasks, changedActions, ct).ConfigureAwait(false);
        round.Cache.Add((executionId, state, version));
        await ApplyEffectsAsync(c, tx, effects, nowMs, round, ct).ConfigureAwait(false);

        if (state.Workflow.State == States.Cancelled)
        {
            // Nothing of a cancelled execution runs on: drop its queued actions and timers, stop the running ones.
            round.CancelledActions.AddRange(await SiroccoStore.DeleteActionRequestsOfExecutionAsync(c, tx, executionId, ct).ConfigureAwait(false));
            foreach (var timer in state.Timers)
            {
                await SiroccoStore.CancelTimerAsync(c, tx, timer.Id, ct).ConfigureAwait(false);
            }
        }

        // Callers and watchers get copies: the state itself stays cached and later steps change it in place.
        var workflow = state.Workflow.Copy();
        var tasks = new List<TaskExecution>(changedTasks.Count);
        foreach (var t in state.Tasks)
        {
            if (changedTasks.Contains(t.Id))
            {
                tasks.Add(t.Copy());
            }
        }

        round.Changes[executionId] = new ExecutionChange(workflow, tasks);
        if (!string.Equals(stateBefore, state.Workflow.State, StringComparison.Ordinal))
        {
            round.StateChanged.Add(executionId);
        }

        Complete(round, done, workflow);
    }

    private static void Complete(Round round, List<TaskCompletionSource<WorkflowExecution>> done, WorkflowExecution workflow)
    {
        foreach (var d in done)
        {
            round.Completions.Add((d, (workflow, null)));
        }
    }

    /// <summary>
    /// The execution's state: the cached one when the stored version is still the one it was saved at (nobody else
    /// stepped or updated it since), else loaded from the store. Either way the cache no longer holds it until this
    /// round commits.
    /// </summary>
    private async Task<(ExecutionState? State, long Version)> LoadStateAsync(DbConnection c, DbTransaction tx, string executionId, CancellationToken ct)
    {
        if (_cache.Take(executionId) is { } cached)
        {
            var stored = await SiroccoStore.ReadVersionAsync(c, tx, executionId, ct).ConfigureAwait(false);
            if (stored is null)
            {
                return (null, 0);
            }

            if (stored == cached.Version)
            {
                CacheHits++;
                return cached;
            }
        }

        return await SiroccoStore.LoadVersionedStateAsync(c, tx, executionId, ct).ConfigureAwait(false);
    }

    private static async Task ApplyEffectsAsync(DbConnection c, DbTransaction tx, List<EngineEffect> effects, long nowMs, Round round, CancellationToken ct)
    {
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case RunAction run:
                    await SiroccoStore.AddActionRequestAsync(c, tx, run, nowMs, ct).ConfigureAwait(false);
                    round.ActionsRequested = true;
                    break;
                case StartChildWorkflow child:
                    var childId = child.Start.ExecutionId ?? throw new InvalidOperationException("a child start without an execution id");
                    await SiroccoStore.AppendEventAsync(c, tx, childId, child.Start, nowMs, ct).ConfigureAwait(false);
                    round.MoreWaiting = round.EventsAppended = true;
                    break;
                case SignalChild signal:
                    await SiroccoStore.AppendEventAsync(c, tx, signal.ChildExecutionId, signal.Event, nowMs, ct).ConfigureAwait(false);
                    round.MoreWaiting = round.EventsAppended = true;
                    break;
                case NotifyParent notify:
                    await SiroccoStore.AppendEventAsync(c, tx, notify.ParentExecutionId, notify.Event, nowMs, ct).ConfigureAwait(false);
                    round.MoreWaiting = round.EventsAppended = true;
                    break;
                case ArmTimer arm:
                    await SiroccoStore.ArmTimerAsync(c, tx, arm, nowMs, ct).ConfigureAwait(false);
                    round.TimersArmed = true;
                    break;
                case CancelTimer cancel:
                    await SiroccoStore.CancelTimerAsync(c, tx, cancel.TimerId, ct).ConfigureAwait(false);
                    break;
                default:
                    throw new NotSupportedException($"not supported: engine effect {effect.GetType().Name}");
            }
        }
    }

    private async Task DeleteAsync(DbConnection c, DbTransaction tx, DeleteCommand del, Round round, CancellationToken ct)
    {
        var state = await SiroccoStore.LoadStateAsync(c, tx, del.ExecutionId, ct).ConfigureAwait(false);
        if (state is null)
        {
            round.Completions.Add((del.Done, (null, new EntityNotFoundException($"WorkflowExecution not found [id={del.ExecutionId}]"))));
            return;
        }

        if (!del.Force && !States.IsCompleted(state.Workflow.State))
        {
            round.Completions.Add((del.Done, (null, new EngineException("NotAllowedException",
                $"Only completed executions can be deleted. Use --force to delete execution {del.ExecutionId} in {state.Workflow.State} state"))));
            return;
        }

        // Sub-workflows go with their parent, depth first.
        var stack = new Stack<string>();
        var all = new List<string>();
        stack.Push(del.ExecutionId);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            all.Add(id);
            foreach (var child in await SiroccoStore.ChildExecutionIdsAsync(c, tx, id, ct).ConfigureAwait(false))
            {
                stack.Push(child);
            }
        }

        for (var i = all.Count - 1; i >= 0; i--)
        {
            var deleted = all[i];
            _cache.Remove(deleted);
            round.Cache.RemoveAll(e => e.ExecutionId == deleted);
            round.CancelledActions.AddRange(await SiroccoStore.DeleteActionRequestsOfExecutionAsync(c, tx, all[i], ct).ConfigureAwait(false));
            await SiroccoStore.DeleteExecutionRowsAsync(c, tx, all[i], ct).ConfigureAwait(false);
        }

        round.Changes[del.ExecutionId] = new ExecutionChange(state.Workflow, [], Deleted: true);
        round.StateChanged.Add(del.ExecutionId);
        round.Completions.Add((del.Done, (state.Workflow, null)));
    }
}

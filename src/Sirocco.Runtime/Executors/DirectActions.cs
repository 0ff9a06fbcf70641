using System.Data.Common;
using Sirocco.Actions;
using Sirocco.Engine;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Model;
using Sirocco.Runtime.Commands;
using Sirocco.Store;
using ActionResult = Sirocco.Engine.Events.ActionResult;

namespace Sirocco.Runtime.Executors;

/// <summary>
/// Actions run directly through the API, outside any workflow (Mistral's <c>engine.start_action</c>): looked up in the
/// runtime's action catalog (std, ad-hoc, then the configured providers: what <c>/v2/actions</c> lists), input checked
/// as Mistral checks it, then run now (the default for synchronous actions) or stored RUNNING and queued for the
/// executor (<c>save_result</c> without <c>run_sync</c>, and async actions). Their results arrive like a task's: from
/// the executor, or later through PUT /v2/action_executions/{id}.
/// </summary>
internal sealed class DirectActions
{
    private readonly SiroccoStore _store;
    private readonly ActionExecutor _executor;
    private readonly IActionProvider _catalog;

    public DirectActions(SiroccoStore store, ActionExecutor executor, IActionProvider catalog)
    {
        _store = store;
        _executor = executor;
        _catalog = catalog;
    }

    public async Task<RunActionOutcome> RunAsync(RunActionRequest request, CancellationToken ct)
    {
        var descriptor = await _catalog.FindAsync(request.ActionName, request.Namespace, ct).ConfigureAwait(false)
                         ?? throw new EngineException("InvalidActionException", $"Failed to find action [action_name={request.ActionName}]");
        bool isAsync;
        try
        {
            descriptor.CheckParameters(request.Input);
            isAsync = !descriptor.IsSync;
        }
        catch (Sirocco.Actions.ActionException e)
        {
            // bad input, or an ad-hoc action whose base cannot be found
            throw new EngineException("ActionException", e.Message);
        }

        if (request.RunSync && isAsync)
        {
            throw new EngineException("InputException", "Action does not support synchronous execution.");
        }

        var now = _store.Clock.GetUtcNow().UtcDateTime;
        var record = new ActionExecution
        {
            Id = GuidIdGenerator.Instance.NewId(),
            Name = descriptor.Name,
            Description = request.Description,
            State = States.Running,
            Input = request.Input,
            WorkflowNamespace = request.Namespace,
            IsSync = !isAsync,
            Target = request.Target,
            Timeout = request.Timeout,
            ProjectId = request.ProjectId ?? StoreOptions.DefaultProjectId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var run = new RunAction
        {
            WorkflowExecutionId = null,
            ActionExecutionId = record.Id,
            ActionName = descriptor.Name,
            Input = request.Input,
            Target = request.Target,
            Timeout = request.Timeout,
            IsSync = record.IsSync,
            ExecutionContext = new OrderedDictionary<string, object?>
            {
                ["action_execution_id"] = record.Id,
                ["callback_url"] = $"/v2/action_executions/{record.Id}",
            },
        };

        if (!request.RunSync && (request.SaveResult || isAsync))
        {
            // stored and queued in one transaction: from here on the executor owns it, and a restart keeps it
            await _store.WriteAsync((c, tx, token) => SiroccoStore.AddStandaloneActionAsync(c, tx, record, run,
                _store.Clock.GetUtcNow().ToUnixTimeMilliseconds(), token), ct).ConfigureAwait(false);
            _executor.Wake();
            return new RunActionOutcome(record, Saved: true);
        }

        var result = await _executor.RunNowAsync(run, ct).ConfigureAwait(false)
                     ?? throw new OperationCanceledException("the action run was cancelled");
        record.State = result.IsError ? States.Error : States.Success;
        record.Output = new OrderedDictionary<string, object?> { ["result"] = result.IsError ? result.Error : result.Data };
        record.UpdatedAt = _store.Clock.GetUtcNow().UtcDateTime;
        if (!request.SaveResult)
        {
            return new RunActionOutcome(record, Saved: false);
        }

        await _store.WriteAsync((c, tx, token) => SiroccoStore.AddStandaloneActionAsync(c, tx, record, null, 0, token), ct).ConfigureAwait(false);
        return new RunActionOutcome(record, Saved: true);
    }

    /// <summary>Delivers the result of a standalone action (from its executor, the API, or the orphan sweep); false when it was already complete.</summary>
    public static async Task<bool> CompleteAsync(DbConnection c, DbTransaction tx, string actionExecutionId, ActionResult result, DateTime now, CancellationToken ct)
    {
        var a = await SiroccoStore.LoadStandaloneActionAsync(c, tx, actionExecutionId, ct).ConfigureAwait(false);
        if (a is null || States.IsCompleted(a.State))
        {
            return false;
        }

        a.State = result.IsError ? States.Error : result.Cancel ? States.Cancelled : States.Success;
        a.Output = new OrderedDictionary<string, object?> { ["result"] = result.IsError ? result.Error : result.Cancel ? null : result.Data };
        a.Accepted = true;
        a.UpdatedAt = now;
        await SiroccoStore.SaveStandaloneActionAsync(c, tx, a, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>PUT /v2/action_executions/{id} with SUCCESS, ERROR or CANCELLED on a standalone action.</summary>
    public Task CompleteFromApiAsync(string actionExecutionId, ActionResult result, CancellationToken ct) =>
        _store.WriteAsync(async (c, tx, token) =>
        {
            if (!await CompleteAsync(c, tx, actionExecutionId, result, _store.Clock.GetUtcNow().UtcDateTime, token).ConfigureAwait(false))
            {
                throw AlreadyCompleted(actionExecutionId);
            }

            // a result delivered while the executor still holds the request: the executor's late result is dropped
            await SiroccoStore.CompleteActionRequestAsync(c, tx, actionExecutionId, null, token).ConfigureAwait(false);
        }, ct);

    /// <summary>PUT /v2/action_executions/{id} with PAUSED or RUNNING on a standalone action (Mistral's <c>Action.update</c>).</summary>
    public Task UpdateStateFromApiAsync(string actionExecutionId, string state, CancellationToken ct) =>
        _store.WriteAsync(async (c, tx, token) =>
        {
            var a = await SiroccoStore.LoadStandaloneActionAsync(c, tx, actionExecutionId, token).ConfigureAwait(false)
                    ?? throw new EntityNotFoundException($"ActionExecution not found [id={actionExecutionId}]");
            if (state == States.Paused && a.IsSync)
            {
                throw new EngineException("InvalidStateTransitionException",
                    "Transition to the PAUSED state is only supported for asynchronous action execution.");
            }

            if (!States.IsValidTransition(a.State, state))
            {
                throw new EngineException("InvalidStateTransitionException", $"Invalid state transition from {a.State} to {state}.");
            }

            a.State = state;
            a.UpdatedAt = _store.Clock.GetUtcNow().UtcDateTime;
            await SiroccoStore.SaveStandaloneActionAsync(c, tx, a, token).ConfigureAwait(false);
        }, ct);

    /// <summary>A result for an action that already has one (Mistral raises <c>ValueError</c> there).</summary>
    public static EngineException AlreadyCompleted(string actionExecutionId) =>
        new("InvalidStateTransitionException", $"Action {actionExecutionId} is already completed");
}

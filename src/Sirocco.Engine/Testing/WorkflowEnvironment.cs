using Sirocco.Engine.Actions;
using Sirocco.Engine.Definitions;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Values;

namespace Sirocco.Engine.Testing;

/// <summary>
/// Runs workflows entirely in memory through <see cref="WorkflowEngine.Step"/>: standard actions execute in-process
/// (<c>std.sleep</c> and delays take no real time), sub-workflows start as more in-memory executions, and durable
/// timers are skipped: when nothing else is left to do, the clock jumps to the next timer. Actions the
/// environment does not know run through <see cref="ActionHandlers"/> or fail with a clear error.
/// </summary>
/// <remarks>Modelled on Temporal's <c>WorkflowEnvironment</c> with time skipping. Not thread-safe.</remarks>
public sealed class WorkflowEnvironment
{
    private readonly Dictionary<string, ExecutionState> _executions = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Queue<(string ExecutionId, EngineEvent Event)> _events = new();
    // Timers and actions that take (virtual) time: delivered when the clock reaches DueAt.
    private readonly List<(string ExecutionId, EngineEvent Event, string? TimerId, DateTime DueAt, long Seq)> _timers = [];
    private long _timerSeq;

    /// <summary>Creates an environment with its own definitions and a clock starting at <paramref name="start"/> (default 2026-01-01 UTC).</summary>
    public WorkflowEnvironment(DateTime? start = null)
    {
        Now = start ?? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>Workflows, workbooks, ad-hoc actions and environments the executions can use.</summary>
    public InMemoryDefinitions Definitions { get; } = new();

    /// <summary>
    /// Handlers for actions by name, tried before the built-in standard actions: return a result, or null to leave
    /// the action running (async; complete it later with <see cref="CompleteAction"/>).
    /// </summary>
    public Dictionary<string, Func<RunAction, ActionResult?>> ActionHandlers { get; } = new(StringComparer.Ordinal);

    /// <summary>The environment's clock (UTC); only timers move it.</summary>
    public DateTime Now { get; private set; }

    /// <summary>Ids for everything created; deterministic.</summary>
    public IIdGenerator Ids { get; set; } = new SequentialIdGenerator();

    /// <summary>Whether cheap std actions complete inside the engine step (the default) or go through <see cref="RunAction"/>.</summary>
    public bool RunCheapActionsInline { get; set; } = true;

    /// <summary>Upper bound on steps in one <see cref="RunUntilIdle"/>, so a workflow that loops forever fails the test instead of hanging it.</summary>
    public int MaxSteps { get; set; } = 100_000;

    /// <summary>Every action run request seen, in order.</summary>
    public List<RunAction> ActionRequests { get; } = [];

    /// <summary>Every execution state by id (root and sub-workflows).</summary>
    public IReadOnlyDictionary<string, ExecutionState> Executions => _executions;

    /// <summary>Starts a workflow by name and runs until nothing is left to do; returns the root execution's state.</summary>
    public ExecutionState Run(string workflowName, OrderedDictionary<string, object?>? input = null, OrderedDictionary<string, object?>? parameters = null, string @namespace = "")
    {
        var id = Start(workflowName, input, parameters, @namespace);
        RunUntilIdle();
        return _executions[id];
    }

    /// <summary>Starts a workflow (throws <see cref="EngineException"/> when the engine refuses it) without running further work.</summary>
    public string Start(string workflowName, OrderedDictionary<string, object?>? input = null, OrderedDictionary<string, object?>? parameters = null, string @namespace = "")
    {
        var def = Definitions.FindWorkflow(workflowName, @namespace)
            ?? throw new EngineException("NotFoundException", $"Workflow not found [workflow_identifier={workflowName}, namespace={@namespace}]");
        var start = new StartWorkflow { Workflow = def, Input = input ?? [], Params = parameters ?? [] };
        var result = WorkflowEngine.Step(null, start, Context());
        var id = result.State.Workflow.Id;
        _executions[id] = result.State;
        _order.Add(id);
        Handle(result);
        return id;
    }

    /// <summary>Delivers an event to an execution (pause, resume, stop, rerun, ...) and runs until idle.</summary>
    public StepResult Send(string executionId, EngineEvent e)
    {
        var result = StepOne(executionId, e);
        RunUntilIdle();
        return result;
    }

    /// <summary>Completes a running (e.g. async) action and runs until idle.</summary>
    public void CompleteAction(string executionId, string actionExecutionId, ActionResult result) =>
        Send(executionId, new ActionCompleted(actionExecutionId, result));

    /// <summary>Processes queued events, skipping time to the next timer whenever nothing else is queued.</summary>
    public void RunUntilIdle()
    {
        var steps = 0;
        while (true)
        {
            if (_events.Count == 0)
            {
                if (_timers.Count == 0)
                {
                    return;
                }
                var next = _timers.OrderBy(t => t.DueAt).ThenBy(t => t.Seq).First();
                _timers.Remove(next);
                if (next.DueAt > Now)
                {
                    Now = next.DueAt;
                }
                _events.Enqueue((next.ExecutionId, next.Event));
            }
            var (id, e) = _events.Dequeue();
            if (++steps > MaxSteps)
            {
                throw new InvalidOperationException($"WorkflowEnvironment: more than {MaxSteps} steps; the workflow does not settle");
            }
            StepOne(id, e);
        }
    }

    /// <summary>Sub-workflow executions started by tasks of <paramref name="executionId"/>, in start order.</summary>
    public IEnumerable<ExecutionState> ChildrenOf(string executionId) =>
        _order.Select(id => _executions[id]).Where(s => s.Workflow.ParentExecutionId == executionId);

    private StepResult StepOne(string executionId, EngineEvent e)
    {
        var state = _executions.GetValueOrDefault(executionId)
            ?? throw new EngineException("NotFoundException", $"Execution not found [id={executionId}]");
        var result = WorkflowEngine.Step(state, e, Context());
        Handle(result);
        return result;
    }

    private StepContext Context() => new()
    {
        Now = Now,
        Ids = Ids,
        Definitions = Definitions,
        RunCheapActionsInline = RunCheapActionsInline,
    };

    private void Handle(StepResult result)
    {
        foreach (var effect in result.Effects)
        {
            switch (effect)
            {
                case RunAction run:
                    ActionRequests.Add(run);
                    if (RunActionInProcess(run) is { } actionResult)
                    {
                        var completed = new ActionCompleted(run.ActionExecutionId, actionResult);
                        var duration = ActionDuration(run);
                        if (duration > 0)
                        {
                            _timers.Add((run.WorkflowExecutionId!, completed, null, Now.AddSeconds(duration), _timerSeq++));
                        }
                        else
                        {
                            _events.Enqueue((run.WorkflowExecutionId!, completed));
                        }
                    }
                    break;
                case StartChildWorkflow child:
                    StartChild(child.Start);
                    break;
                case SignalChild signal:
                    if (_executions.ContainsKey(signal.ChildExecutionId))
                    {
                        _events.Enqueue((signal.ChildExecutionId, signal.Event));
                    }
                    break;
                case NotifyParent notify:
                    _events.Enqueue((notify.ParentExecutionId, notify.Event));
                    break;
                case ArmTimer arm:
                    _timers.Add((arm.WorkflowExecutionId, new TimerFired(arm.TimerId), arm.TimerId, arm.DueAt, _timerSeq++));
                    break;
                case CancelTimer cancel:
                    _timers.RemoveAll(t => t.TimerId == cancel.TimerId);
                    break;
            }
        }
    }

    private void StartChild(StartWorkflow start)
    {
        try
        {
            var result = WorkflowEngine.Step(null, start, Context());
            var id = result.State.Workflow.Id;
            _executions[id] = result.State;
            _order.Add(id);
            Handle(result);
        }
        catch (EngineException ex)
        {
            // The child could not start: its parent task fails with the reason, as a failed sub-workflow would.
            var output = new OrderedDictionary<string, object?> { ["result"] = ex.Message };
            _events.Enqueue((start.ParentExecutionId!, new ChildCompleted(start.ExecutionId!, States.Error, ex.Message, output)));
        }
    }

    /// <summary>How long an action takes in virtual time: <c>std.sleep</c>'s seconds, <c>std.echo</c>'s delay.</summary>
    private static double ActionDuration(RunAction run)
    {
        var value = run.ActionName switch
        {
            "std.sleep" => run.Input.GetValueOrDefault("seconds", 1L),
            "std.echo" => run.Input.GetValueOrDefault("delay"),
            _ => null,
        };
        return value switch
        {
            long l when l > 0 => l,
            double d when d > 0 => d,
            _ => 0,
        };
    }

    private ActionResult? RunActionInProcess(RunAction run)
    {
        if (ActionHandlers.TryGetValue(run.ActionName, out var handler))
        {
            return handler(run);
        }
        if (StandardActions.TryRunInline(run.ActionName, run.Input, run.ActionExecutionId) is { } inline)
        {
            return inline;
        }
        switch (run.ActionName)
        {
            case "std.echo":
                return ActionResult.Ok(run.Input.GetValueOrDefault("output"));
            case "std.sleep":
                return ActionResult.Ok(null);
            case "std.async_noop":
            case "std.mistral_http":
                return null;
            case "std.test_dict":
                var size = run.Input.GetValueOrDefault("size") is long n ? n : 0;
                var prefix = run.Input.GetValueOrDefault("key_prefix") as string ?? "";
                var dict = new OrderedDictionary<string, object?>();
                for (var i = 0; i < size; i++)
                {
                    dict[prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = run.Input.GetValueOrDefault("val") ?? "";
                }
                return ActionResult.Ok(dict);
            default:
                return ActionResult.Failed(StandardActions.RaisedException(run.ActionName, run.ActionExecutionId,
                    $"not supported: action {run.ActionName} in WorkflowEnvironment (register a handler in ActionHandlers)"));
        }
    }
}

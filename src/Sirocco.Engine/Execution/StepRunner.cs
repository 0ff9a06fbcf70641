using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Definitions;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Expressions;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Applies one event to one execution. Mistral's engine spreads this work over several transactions and
/// scheduler jobs (action completions, join refreshes, completion checks); here the follow-up work of one event
/// goes into an in-step queue that is drained before the step returns, in the order Mistral would run it.
/// This file holds the core: bookkeeping, the work queue and state setters. The Mistral rules live in the other
/// <c>StepRunner.*.cs</c> parts, one concern per file.
/// </summary>
internal sealed partial class StepRunner
{
    private readonly StepContext _ctx;
    private readonly List<EngineEffect> _effects = [];
    private readonly HashSet<string> _changedTasks = [];
    private readonly HashSet<string> _changedActions = [];
    private readonly Queue<Action> _work = new();
    private Dictionary<string, List<ActionExecution>>? _actionsByTask;
    private Dictionary<string, TaskExecution>? _tasksById;
    private Dictionary<string, OrderedDictionary<string, List<object?>>>? _withItemsValues;
    private Dictionary<string, ActionTally>? _tallies;
    private bool _workflowChanged;
    private ExecutionState _state = null!;
    private WorkflowSpec _spec = null!;

    public StepRunner(StepContext ctx)
    {
        _ctx = ctx;
    }

    private WorkflowExecution Wf => _state.Workflow;

    private DateTime Now => _ctx.Now;

    public StepResult Run(ExecutionState? state, EngineEvent e)
    {
        if (e is StartWorkflow start)
        {
            if (state is not null)
            {
                throw new EngineException("WorkflowException", $"Workflow execution already exists [id={state.Workflow.Id}]");
            }
            Start(start);
        }
        else
        {
            _state = state ?? throw new EngineException("WorkflowException", "no execution state to apply the event to");
            _spec = SpecCache.GetWorkflowSpec(Wf);
            Apply(e);
        }
        Drain();
        return new StepResult
        {
            State = _state,
            Effects = _effects,
            ChangedTasks = _changedTasks,
            ChangedActions = _changedActions,
            WorkflowChanged = _workflowChanged,
        };
    }

    private void Apply(EngineEvent e)
    {
        switch (e)
        {
            case ActionCompleted ac:
                OnActionCompleted(ac);
                break;
            case ActionStateChanged asc:
                OnActionStateChanged(asc);
                break;
            case TimerFired tf:
                OnTimerFired(tf);
                break;
            case ChildCompleted cc:
                OnChildCompleted(cc);
                break;
            case ChildStateChanged csc:
                OnChildStateChanged(csc);
                break;
            case PauseWorkflow:
                PauseWorkflowCascading(null);
                break;
            case ResumeWorkflow rw:
                ResumeWorkflowCascading(rw.Env);
                break;
            case StopWorkflow sw:
                StopWorkflowCascading(sw.State, sw.Message);
                break;
            case RerunTask rt:
                Rerun(rt);
                break;
            default:
                throw new EngineException("NotSupportedException", $"not supported: event {e.GetType().Name}");
        }
    }

    /// <summary>Runs queued follow-up work, then Mistral's completion check, until nothing is left.</summary>
    private void Drain()
    {
        while (true)
        {
            while (_work.TryDequeue(out var item))
            {
                item();
            }
            CheckAndComplete();
            if (_work.Count == 0)
            {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    private string NewId() => _ctx.Ids.NewId();

    private long NextSequence() => _state.NextSequence++;

    private void Touch(TaskExecution t)
    {
        t.UpdatedAt = Now;
        _changedTasks.Add(t.Id);
    }

    private void Touch(ActionExecution a)
    {
        a.UpdatedAt = Now;
        _changedActions.Add(a.Id);
        NoteTouched(a);
    }

    private void TouchWorkflow()
    {
        Wf.UpdatedAt = Now;
        _workflowChanged = true;
    }

    private void Emit(EngineEffect effect) => _effects.Add(effect);

    private TaskSpec TaskSpecOf(TaskExecution t) =>
        _spec.TaskNamed(t.Name) ?? throw new MistralError("WorkflowException", $"Task '{t.Name}' not found.");

    /// <summary>
    /// A task's action executions in creation order. Indexed by task on first use in the step (a scan of every action
    /// of the execution per call made with-items quadratic); <see cref="AddAction"/> keeps the index current.
    /// </summary>
    private List<ActionExecution> ActionsOf(TaskExecution t)
    {
        if (_actionsByTask is null)
        {
            _actionsByTask = new Dictionary<string, List<ActionExecution>>(StringComparer.Ordinal);
            foreach (var a in _state.Actions)
            {
                if (a.TaskExecutionId is { } id)
                {
                    ActionListOf(id).Add(a);
                }
            }
        }
        return _actionsByTask.TryGetValue(t.Id, out var list) ? list : [];
    }

    private List<ActionExecution> ActionListOf(string taskExecutionId)
    {
        if (!_actionsByTask!.TryGetValue(taskExecutionId, out var list))
        {
            _actionsByTask[taskExecutionId] = list = [];
        }
        return list;
    }

    /// <summary>
    /// The task execution with this id, or null: indexed on first use in the step (a scan of every task per completed
    /// action made a wide fan-out quadratic); <see cref="AddTask"/> keeps the index current.
    /// </summary>
    private TaskExecution? TaskById(string id)
    {
        if (_tasksById is null)
        {
            _tasksById = new Dictionary<string, TaskExecution>(_state.Tasks.Count, StringComparer.Ordinal);
            foreach (var t in _state.Tasks)
            {
                _tasksById.TryAdd(t.Id, t); // first of a repeated id, as ExecutionState.FindTask
            }
        }
        return _tasksById.GetValueOrDefault(id);
    }

    /// <summary>Adds a new task execution to the state (and to the by-id index once it exists).</summary>
    private void AddTask(TaskExecution t)
    {
        _state.Tasks.Add(t);
        _tasksById?.TryAdd(t.Id, t);
    }

    /// <summary>Adds a new action execution to the state (and to the by-task index once it exists).</summary>
    private void AddAction(ActionExecution a)
    {
        _state.Actions.Add(a);
        if (_actionsByTask is not null && a.TaskExecutionId is { } id)
        {
            ActionListOf(id).Add(a);
        }
    }

    private IEnumerable<ChildExecution> ChildrenOf(TaskExecution t)
    {
        foreach (var c in _state.Children)
        {
            if (c.TaskExecutionId == t.Id)
            {
                yield return c;
            }
        }
    }

    // ---------------------------------------------------------------- state setters

    /// <summary>Mistral's <c>Task.set_state</c>: sets state and state_info, stamps started/finished times.</summary>
    private bool SetTaskState(TaskExecution t, string state, object? stateInfo, bool? processed = null, bool rerun = false)
    {
        var info = StateInfoText(stateInfo);
        var cur = t.State;
        if (cur != state || t.StateInfo != info)
        {
            t.State = state;
            t.StateInfo = info;
            if (state == States.Running && (cur == States.Waiting || rerun))
            {
                t.StartedAt = Now;
            }
            if (States.IsCompleted(state))
            {
                t.FinishedAt = Now;
            }
            if (rerun)
            {
                t.FinishedAt = null;
            }
            if (processed is bool p)
            {
                t.Processed = p;
            }
            Touch(t);
        }
        return true;
    }

    /// <summary>Mistral's <c>Workflow.set_state</c>; an invalid transition raises WorkflowException.</summary>
    private void SetWorkflowState(string state, object? stateInfo)
    {
        var cur = Wf.State;
        if (!States.IsValidTransition(cur, state))
        {
            throw new MistralError("WorkflowException", $"Can't change workflow execution state from {cur} to {state}. [workflow={Wf.Name}, execution_id={Wf.Id}]");
        }
        Wf.State = state;
        Wf.StateInfo = StateInfoText(stateInfo);
        TouchWorkflow();
    }

    /// <summary>state_info is stored as text: a dict is JSON-dumped (as Mistral does), anything else str()-ed.</summary>
    private static string? StateInfoText(object? info) => info switch
    {
        null => null,
        string s => s,
        IDictionary<string, object?> d => PyJsonDumps(d),
        _ => PyText.Str(info),
    };

    private static string PyJsonDumps(object? value) => Expressions.Functions.PyJson.Dumps(value, null);

    // ---------------------------------------------------------------- expressions

    /// <summary>The <c>__task_execution</c> layer of a task's expression context.</summary>
    private static OrderedDictionary<string, object?> CurrentTaskDict(TaskExecution t) =>
        Dicts.Of("__task_execution", new OrderedDictionary<string, object?> { ["id"] = t.Id, ["name"] = t.Name });

    /// <summary>The <c>__env</c> layer (the root execution's environment).</summary>
    private OrderedDictionary<string, object?> EnvDict() => Dicts.Of("__env", Wf.Env);

    /// <summary>Mistral's <c>Task.get_expression_context</c>: task dict, env, extra, in_context, workflow context, input.</summary>
    private OrderedDictionary<string, object?> TaskExpressionContext(TaskExecution t, IReadOnlyDictionary<string, object?>? extra = null) =>
        Dicts.View(CurrentTaskDict(t), EnvDict(), extra, t.InContext, Wf.Context, Wf.Input);

    private object? Evaluate(object? data, OrderedDictionary<string, object?> view, TaskExecution? current) =>
        ExpressionEvaluator.EvaluateRecursively(data, view, new ExecutionFunctions(this, current), _ctx.Limits);

    /// <summary>Mistral's <c>expr.evaluate</c> of one value (a guard): strings are evaluated, anything else is itself.</summary>
    private object? EvaluateOne(object? data, OrderedDictionary<string, object?> view, TaskExecution? current) =>
        data is string s
            ? PyText.ToStorable(ExpressionEvaluator.Evaluate(s, view, new ExecutionFunctions(this, current), _ctx.Limits))
            : data;

    /// <summary>True for the exceptions Mistral turns into task/workflow errors (its MistralException family).</summary>
    private static bool IsWorkflowError(Exception e) => e is not EngineException and not OutOfMemoryException and not StackOverflowException;

    /// <summary>The text Mistral puts after "...]:\n": the last line of the traceback, exception class and message.</summary>
    private static string Trace(Exception e) => $"{ErrorKind(e)}: {e.Message}";

    private static string ErrorKind(Exception e) => e switch
    {
        MistralError m => m.Kind,
        ExpressionException x => x.Kind,
        _ => e.GetType().Name,
    };
}

/// <summary>What the expression functions read from the runner.</summary>
internal sealed partial class StepRunner
{
    public ExecutionState State => _state;

    public IExecutionQueries? Queries => _ctx.Queries;

    /// <summary>Mistral's <c>_convert_to_user_model</c>: the dict <c>task()</c> returns.</summary>
    public OrderedDictionary<string, object?> TaskDict(TaskExecution t)
    {
        var spec = _spec.TaskNamed(t.Name);
        return new OrderedDictionary<string, object?>
        {
            ["id"] = t.Id,
            ["name"] = t.Name,
            ["spec"] = spec is null ? null : TaskSpecDict(spec),
            ["state"] = t.State,
            ["state_info"] = t.StateInfo,
            ["result"] = TaskResultsCore.Result(_state, t, spec?.HasWithItems ?? false, ActionsOf(t)),
            ["published"] = t.Published,
            ["type"] = t.Type,
            ["workflow_execution_id"] = t.WorkflowExecutionId,
            ["created_at"] = Timestamps.Iso(t.CreatedAt),
            ["updated_at"] = Timestamps.Iso(t.UpdatedAt),
        };
    }

    /// <summary>A task spec as a dict, the keys Mistral's <c>spec.to_dict()</c> would show for what was written.</summary>
    private static OrderedDictionary<string, object?> TaskSpecDict(TaskSpec spec)
    {
        var d = new OrderedDictionary<string, object?> { ["name"] = spec.Name, ["type"] = spec.Type == WorkflowType.Reverse ? "reverse" : "direct", ["version"] = "2.0" };
        AddIf(d, "description", spec.Description);
        if (spec.Tags.Count > 0)
        {
            d["tags"] = spec.Tags.Select(t => (object?)t).ToList();
        }
        AddIf(d, "action", spec.Action);
        AddIf(d, "workflow", spec.Workflow);
        if (spec.Input is OrderedDictionary<string, object?> { Count: > 0 } or string)
        {
            d["input"] = spec.Input;
        }
        AddIf(d, "publish", spec.Publish);
        AddIf(d, "publish-on-error", spec.PublishOnError);
        AddIf(d, "join", spec.Join is null ? null : spec.Join.IsAll ? "all" : (object)(long)spec.Join.Count);
        AddIf(d, "target", spec.Target);
        if (spec.Requires.Count > 0)
        {
            d["requires"] = spec.Requires.Select(r => (object?)r).ToList();
        }
        return d;
    }

    /// <summary>The workflow spec as a dict (what <c>execution().spec</c> shows).</summary>
    public OrderedDictionary<string, object?> SpecDict()
    {
        var d = new OrderedDictionary<string, object?> { ["name"] = _spec.Name, ["version"] = "2.0", ["type"] = _spec.Type == WorkflowType.Reverse ? "reverse" : "direct" };
        AddIf(d, "description", _spec.Description);
        if (_spec.Tags.Count > 0)
        {
            d["tags"] = _spec.Tags.Select(t => (object?)t).ToList();
        }
        if (_spec.Input.Count > 0)
        {
            d["input"] = _spec.Input.Select(p => p.HasDefault ? (object?)new OrderedDictionary<string, object?> { [p.Name] = p.Default } : p.Name).ToList();
        }
        AddIf(d, "output", _spec.Output);
        AddIf(d, "output-on-error", _spec.OutputOnError);
        AddIf(d, "vars", _spec.Vars);
        d["tasks"] = _spec.Tasks.ToDictionary(t => t.Name, t => (object?)TaskSpecDict(t)).Aggregate(new OrderedDictionary<string, object?>(), (acc, kv) =>
        {
            acc[kv.Key] = kv.Value;
            return acc;
        });
        return d;
    }

    private static void AddIf(OrderedDictionary<string, object?> d, string key, object? value)
    {
        if (value is not null)
        {
            d[key] = value;
        }
    }
}

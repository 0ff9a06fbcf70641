using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Model;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// with-items (Mistral's <c>WithItemsTask</c>): one action (or sub-workflow) per item, all inputs computed first,
/// at most <c>concurrency</c> in flight, results in item order; the task ends when every item has an accepted result.
/// Bookkeeping lives in the task's runtime context as Mistral keeps it (<c>with_items: {count, capacity}</c>).
/// </summary>
internal sealed partial class StepRunner
{
    private const string WithItemsKey = "with_items";

    private void WithItemsScheduleActions(TaskRun task)
    {
        var ex = task.Ex!;
        var values = GetWithItemsValues(task);
        if (ex.RuntimeContext.GetValueOrDefault(WithItemsKey) is not OrderedDictionary<string, object?> { Count: > 0 })
        {
            var count = values.Count == 0 ? 0 : values.Values.First().Count;
            ex.RuntimeContext[WithItemsKey] = new OrderedDictionary<string, object?>
            {
                ["capacity"] = ex.RuntimeContext.GetValueOrDefault("concurrency"),
                ["count"] = (long)count,
            };
            Touch(ex);
        }
        var inputs = new List<(int Index, OrderedDictionary<string, object?> Input)>();
        foreach (var i in NextIndexes(ex))
        {
            var itemCtx = new OrderedDictionary<string, object?>();
            foreach (var (var, items) in values)
            {
                itemCtx[var] = items[i];
            }
            // The inbound context wins over item variables of the same name (§10.12).
            itemCtx = Dicts.Merge(itemCtx, task.Ctx);
            inputs.Add((i, GetActionInput(task, itemCtx)));
        }
        if (inputs.Count == 0)
        {
            Complete(task, States.Success, null);
            return;
        }
        foreach (var (i, input) in inputs)
        {
            var target = GetTarget(task, input);
            if (task.Spec.IsWorkflowTask)
            {
                ScheduleWorkflowAction(task, input, i);
            }
            else
            {
                ScheduleRegularAction(task, GetActionDescriptor(task), input, target, i);
            }
            DecreaseCapacity(ex);
        }
    }

    /// <summary>
    /// Evaluated <c>with-items</c> collections by variable; Python iteration rules (a dict yields keys, a string characters).
    /// Mistral evaluates them again each time a slot frees under <c>concurrency</c>; within one step the task's context
    /// does not change, so the step evaluates them once per task execution (re-evaluating per freed slot made a
    /// with-items task quadratic in its item count).
    /// </summary>
    private OrderedDictionary<string, List<object?>> GetWithItemsValues(TaskRun task)
    {
        var id = task.Ex!.Id;
        if (_withItemsValues is not null && _withItemsValues.TryGetValue(id, out var cached))
        {
            return cached;
        }
        var values = EvaluateWithItemsValues(task);
        (_withItemsValues ??= new Dictionary<string, OrderedDictionary<string, List<object?>>>(StringComparer.Ordinal))[id] = values;
        return values;
    }

    private OrderedDictionary<string, List<object?>> EvaluateWithItemsValues(TaskRun task)
    {
        var spec = new OrderedDictionary<string, object?>();
        foreach (var w in task.Spec.WithItems)
        {
            spec[w.Variable] = w.Collection;
        }
        var evaluated = Evaluate(spec, TaskExpressionContext(task.Ex!), task.Ex) as OrderedDictionary<string, object?> ?? [];
        var result = new OrderedDictionary<string, List<object?>>();
        var requiredLength = -1;
        foreach (var (var, items) in evaluated)
        {
            List<object?> list = items switch
            {
                IList<object?> l => [.. l],
                IDictionary<string, object?> d => d.Keys.Select(k => (object?)k).ToList(),
                string s => s.EnumerateRunes().Select(r => (object?)r.ToString()).ToList(),
                _ => throw new MistralError("InputException",
                    $"Wrong input format for: {PyText.Repr(result.ToDictionary(kv => kv.Key, kv => (object?)kv.Value))}. Iterable type is expected for each value."),
            };
            result[var] = list;
            if (requiredLength < 0)
            {
                requiredLength = list.Count;
            }
            else if (list.Count != requiredLength)
            {
                throw new MistralError("InputException", $"Wrong input format for: {PyText.Repr(evaluated)}. All arrays must have the same length.");
            }
        }
        return result;
    }

    private OrderedDictionary<string, object?> WithItemsContext(TaskExecution ex) =>
        ex.RuntimeContext.GetValueOrDefault(WithItemsKey) as OrderedDictionary<string, object?>
        ?? new OrderedDictionary<string, object?> { ["count"] = 0L, ["concurrency"] = 0L, ["capacity"] = 0L };

    private long WithItemsCount(TaskExecution ex) => Seconds(WithItemsContext(ex).GetValueOrDefault("count"));

    private long? Concurrency(TaskExecution ex) =>
        ex.RuntimeContext.GetValueOrDefault("concurrency") is { } c && Py.Truthy(c) ? Seconds(c) : null;

    /// <summary>Results of a task, action executions and sub-workflows alike: (index, accepted, state).</summary>
    private IEnumerable<(int Index, bool Accepted, string State)> Executions(TaskExecution ex) =>
        ActionsOf(ex).Select(a => (a.Index, a.Accepted, a.State))
            .Concat(ChildrenOf(ex).Select(c => (c.Index, c.Accepted, c.State)));

    /// <summary>
    /// The counts the with-items rules need. They are taken after every item's completion, so the action part is
    /// counted once per step and then kept current from the actions touched since (<see cref="NoteTouched"/>): a full
    /// pass per completion made a with-items task quadratic in its item count. Sub-workflow items are counted afresh.
    /// </summary>
    private WithItemsTally Tally(TaskExecution ex)
    {
        _tallies ??= new Dictionary<string, ActionTally>(StringComparer.Ordinal);
        if (!_tallies.TryGetValue(ex.Id, out var kept))
        {
            _tallies[ex.Id] = kept = new ActionTally();
            foreach (var a in ActionsOf(ex))
            {
                kept.Counts.Add(a.Accepted, a.State);
                a.Tallied = (a.Accepted, a.State);
            }
        }
        else
        {
            foreach (var a in kept.Touched)
            {
                if (a.Tallied is { } before)
                {
                    kept.Counts.Remove(before.Accepted, before.State);
                }
                kept.Counts.Add(a.Accepted, a.State);
                a.Tallied = (a.Accepted, a.State);
            }
        }
        kept.Touched.Clear();
        var tally = kept.Counts;
        foreach (var c in ChildrenOf(ex))
        {
            tally.Add(c.Accepted, c.State);
        }
        return tally;
    }

    /// <summary>An action changed (or was added): a kept tally of its task recounts it on its next use.</summary>
    private void NoteTouched(ActionExecution a)
    {
        if (_tallies is not null && a.TaskExecutionId is { } id && _tallies.TryGetValue(id, out var kept))
        {
            kept.Touched.Add(a);
        }
    }

    /// <summary>A task's action counts and the actions touched since they were counted.</summary>
    private sealed class ActionTally
    {
        public WithItemsTally Counts;

        public HashSet<ActionExecution> Touched { get; } = new(ReferenceEqualityComparer.Instance);
    }

    private struct WithItemsTally
    {
        public int Accepted;
        public int AcceptedOrRunning;
        public int AcceptedRunningOrIdle;
        public int AcceptedCancelled;
        public int AcceptedError;
        public int UnacceptedCompleted;

        public readonly bool AnyAcceptedCancelled => AcceptedCancelled > 0;

        public readonly bool AnyAcceptedError => AcceptedError > 0;

        public readonly bool AnyUnacceptedCompleted => UnacceptedCompleted > 0;

        public void Add(bool accepted, string state) => Count(accepted, state, 1);

        public void Remove(bool accepted, string state) => Count(accepted, state, -1);

        private void Count(bool accepted, string state, int n)
        {
            if (accepted)
            {
                Accepted += n;
                AcceptedCancelled += state == States.Cancelled ? n : 0;
                AcceptedError += state == States.Error ? n : 0;
            }
            else if (States.IsCompleted(state))
            {
                UnacceptedCompleted += n;
            }
            if (accepted || state == States.Running)
            {
                AcceptedOrRunning += n;
            }
            if (accepted || state is States.Running or States.Idle)
            {
                AcceptedRunningOrIdle += n;
            }
        }
    }

    private List<int> NextIndexes(TaskExecution ex)
    {
        var ctx = WithItemsContext(ex);
        var capacity = ctx.GetValueOrDefault("capacity");
        var count = (int)WithItemsCount(ex);
        var tally = Tally(ex);
        if (!tally.AnyUnacceptedCompleted)
        {
            // No result to redo (the usual case): the next items follow the accepted and in-flight ones.
            var first = tally.AcceptedRunningOrIdle;
            var n = first < count ? count - first : 0;
            if (capacity is long c)
            {
                n = (int)Math.Min(n, Math.Max(0, c));
            }
            var next = new List<int>(n);
            for (var i = 0; i < n; i++)
            {
                next.Add(first + i);
            }
            return next;
        }
        var execs = Executions(ex).ToList();
        var accepted = execs.Where(e => e.Accepted && States.IsCompleted(e.State)).Select(e => e.Index).ToHashSet();
        var unaccepted = execs.Where(e => !e.Accepted && States.IsCompleted(e.State)).Select(e => e.Index).ToHashSet();
        var candidates = unaccepted.Except(accepted).OrderBy(i => i).ToList();
        List<int> indices;
        if (candidates.Count > 0)
        {
            indices = [.. candidates];
            var max = candidates[^1];
            if (max < count - 1)
            {
                indices.AddRange(Enumerable.Range(max + 1, count - max - 1));
            }
        }
        else
        {
            var start = execs.Count(e => e.Accepted || e.State is States.Running or States.Idle);
            indices = start < count ? [.. Enumerable.Range(start, count - start)] : [];
        }
        if (capacity is long cap)
        {
            indices = indices.Take((int)Math.Max(0, cap)).ToList();
        }
        return indices;
    }

    private void DecreaseCapacity(TaskExecution ex)
    {
        var ctx = WithItemsContext(ex);
        if (ctx.GetValueOrDefault("capacity") is long capacity)
        {
            if (capacity < 1)
            {
                throw new MistralError("RuntimeError", $"Can't decrease with-items capacity [capacity={capacity}, count=1]");
            }
            ctx["capacity"] = capacity - 1;
            Touch(ex);
        }
    }

    private void IncreaseCapacity(TaskExecution ex)
    {
        var ctx = WithItemsContext(ex);
        if (Concurrency(ex) is long concurrency && ctx.GetValueOrDefault("capacity") is long capacity && capacity < concurrency)
        {
            ctx["capacity"] = capacity + 1;
            Touch(ex);
        }
    }

    /// <summary>Mistral's <c>WithItemsTask.on_action_complete</c>.</summary>
    private void WithItemsOnActionComplete(TaskRun task)
    {
        var ex = task.Ex!;
        if (States.IsCompleted(ex.State))
        {
            return;
        }
        IncreaseCapacity(ex);
        var tally = Tally(ex);
        if (IsWithItemsCompleted(ex, tally))
        {
            if (tally.AnyAcceptedCancelled)
            {
                Complete(task, States.Cancelled, "One or more actions was cancelled.");
            }
            else if (tally.AnyAcceptedError)
            {
                Complete(task, States.Error, "One or more actions had failed.");
            }
            else
            {
                Complete(task, States.Success, null);
            }
            return;
        }
        if (WithItemsCount(ex) > tally.AcceptedOrRunning && Concurrency(ex) is not null)
        {
            WithItemsScheduleActions(task);
        }
    }

    private bool IsWithItemsCompleted(TaskExecution ex, WithItemsTally tally)
    {
        if (tally.AnyAcceptedCancelled)
        {
            return true;
        }
        var acceptedCount = tally.Accepted;
        var count = WithItemsCount(ex);
        if (count == 0)
        {
            count = 1;
        }
        var concurrency = Concurrency(ex);
        var fullCapacity = concurrency is null || (WithItemsContext(ex).GetValueOrDefault("capacity") is long cap && cap == concurrency);
        return count == acceptedCount && fullCapacity;
    }
}

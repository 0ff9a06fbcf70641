using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Task policies (Mistral's <c>engine/policies.py</c>), in Mistral's order: pause-before, wait-before, wait-after,
/// fail-on, retry, timeout, concurrency. Values are evaluated against the task context just before use and
/// checked (integers ≥ 0, booleans). Every delay is a durable timer (<see cref="ArmTimer"/>).
/// </summary>
internal sealed partial class StepRunner
{
    /// <summary>One policy value, evaluated and checked.</summary>
    private object? PolicyValue(TaskExecution ex, object? value, string policyClass, bool integer)
    {
        if (value is string)
        {
            value = Evaluate(value, TaskExpressionContext(ex), ex);
        }
        if (integer)
        {
            var ok = value switch
            {
                long l => l >= 0,
                double d => d >= 0 && Math.Floor(d) == d,
                System.Numerics.BigInteger b => b.Sign >= 0,
                _ => false,
            };
            if (!ok)
            {
                var why = value is long or double or System.Numerics.BigInteger
                    ? $"{PyText.Repr(value)} is less than the minimum of 0"
                    : $"{PyText.Repr(value)} is not of type 'integer'";
                throw new MistralError("InvalidModelException",
                    $"Invalid data type in {policyClass}: {why}. Value(s) can be shown after YAQL evaluating. If you use YAQL here, please correct it.");
            }
        }
        return value;
    }

    private static long Seconds(object? value) => value switch
    {
        long l => l,
        double d => (long)d,
        System.Numerics.BigInteger b => (long)b,
        _ => 0,
    };

    private void CheckBooleanPolicy(object? value, string policyClass)
    {
        if (value is not bool)
        {
            throw new MistralError("InvalidModelException",
                $"Invalid data type in {policyClass}: {PyText.Repr(value)} is not of type 'boolean'. Value(s) can be shown after YAQL evaluating. If you use YAQL here, please correct it.");
        }
    }

    /// <summary>Mistral's <c>_before_task_start</c>.</summary>
    private void BeforeTaskStart(TaskRun task)
    {
        var ex = task.Ex!;
        var p = task.Spec.Policies;
        if (p.PauseBefore is not null)
        {
            var value = PolicyValue(ex, p.PauseBefore, "PauseBeforePolicy", integer: false);
            CheckBooleanPolicy(value, "PauseBeforePolicy");
            if (Py.Truthy(value))
            {
                SetTaskState(ex, States.Idle, "Set by 'pause-before' policy");
                PauseWorkflowCascading(null);
            }
        }
        if (p.WaitBefore is not null)
        {
            var delay = PolicyValue(ex, p.WaitBefore, "WaitBeforePolicy", integer: true);
            if (Seconds(delay) != 0)
            {
                var policyCtx = PolicyContext(ex, "wait_before_policy");
                if (Py.Truthy(policyCtx.GetValueOrDefault("skip")))
                {
                    SetTaskState(ex, States.Running, null);
                }
                else if (ex.State != States.Idle)
                {
                    policyCtx["skip"] = true;
                    SetTaskState(ex, States.Delayed, $"Delayed by 'wait-before' policy [delay={PyText.Str(delay)}]");
                    ArmTaskTimer(ex, TimerKinds.WaitBefore, delay);
                }
            }
        }
        if (p.WaitAfter is not null)
        {
            PolicyValue(ex, p.WaitAfter, "WaitAfterPolicy", integer: true);
        }
        if (p.Retry is { } retry)
        {
            PolicyValue(ex, retry.Count, "RetryPolicy", integer: true);
            PolicyValue(ex, retry.Delay, "RetryPolicy", integer: true);
        }
        if (p.Timeout is not null)
        {
            var timeout = PolicyValue(ex, p.Timeout, "TimeoutPolicy", integer: true);
            if (Seconds(timeout) != 0)
            {
                ArmTaskTimer(ex, TimerKinds.Timeout, timeout);
            }
        }
        if (p.Concurrency is not null)
        {
            var concurrency = PolicyValue(ex, p.Concurrency, "ConcurrencyPolicy", integer: true);
            if (Seconds(concurrency) != 0)
            {
                ex.RuntimeContext["concurrency"] = concurrency;
                Touch(ex);
            }
        }
    }

    /// <summary>Mistral's <c>_after_task_complete</c>.</summary>
    private void AfterTaskComplete(TaskRun task)
    {
        var ex = task.Ex!;
        var p = task.Spec.Policies;
        if (p.PauseBefore is not null)
        {
            CheckBooleanPolicy(PolicyValue(ex, p.PauseBefore, "PauseBeforePolicy", integer: false), "PauseBeforePolicy");
        }
        if (p.WaitBefore is not null)
        {
            PolicyValue(ex, p.WaitBefore, "WaitBeforePolicy", integer: true);
        }
        if (p.WaitAfter is not null)
        {
            var delay = PolicyValue(ex, p.WaitAfter, "WaitAfterPolicy", integer: true);
            var policyCtx = PolicyContext(ex, "wait_after_policy");
            if (Seconds(delay) != 0 && !Py.Truthy(policyCtx.GetValueOrDefault("skip")))
            {
                policyCtx["skip"] = true;
                var endState = ex.State;
                var endInfo = ex.StateInfo;
                SetTaskState(ex, States.Delayed, $"Delayed by 'wait-after' policy [delay={PyText.Str(delay)}]");
                var timer = ArmTaskTimer(ex, TimerKinds.WaitAfter, delay);
                timer.EndState = endState;
                timer.EndStateInfo = endInfo;
            }
        }
        if (p.FailOn is not null)
        {
            var failOn = PolicyValue(ex, p.FailOn, "FailOnPolicy", integer: false);
            if (ex.State == States.Success && Py.Truthy(failOn))
            {
                SetTaskState(ex, States.Error, "Failed by 'fail-on' policy");
            }
        }
        if (p.Retry is { } retry)
        {
            AfterCompleteRetry(task, retry);
        }
        if (p.Timeout is not null)
        {
            PolicyValue(ex, p.Timeout, "TimeoutPolicy", integer: true);
        }
        if (p.Concurrency is not null)
        {
            PolicyValue(ex, p.Concurrency, "ConcurrencyPolicy", integer: true);
        }
    }

    /// <summary>Mistral's <c>RetryPolicy.after_task_complete</c>.</summary>
    private void AfterCompleteRetry(TaskRun task, RetrySpec retry)
    {
        var ex = task.Ex!;
        var count = Seconds(PolicyValue(ex, retry.Count, "RetryPolicy", integer: true));
        var delay = PolicyValue(ex, retry.Delay, "RetryPolicy", integer: true);
        if (count == 0)
        {
            return;
        }
        var view = TaskExpressionContext(ex, OutboundContext(ex));
        var continueOn = retry.ContinueOn is null ? null : EvaluateOne(retry.ContinueOn, view, ex);
        var breakOn = retry.BreakOn is null ? null : EvaluateOne(retry.BreakOn, view, ex);
        var state = ex.State;
        if (!States.IsCompleted(state) || state == States.Cancelled)
        {
            return;
        }
        var policyCtx = PolicyContext(ex, "retry_task_policy");
        long retryNo = 0;
        if (policyCtx.TryGetValue("retry_no", out var n))
        {
            retryNo = Seconds(n);
            policyCtx.Remove("retry_no");
        }
        var retriesRemain = retryNo < count;
        var stopContinue = (state == States.Success && string.IsNullOrEmpty(retry.ContinueOn))
            || (!string.IsNullOrEmpty(retry.ContinueOn) && !Py.Truthy(continueOn));
        var breakTriggered = state == States.Error && Py.Truthy(breakOn);
        if (!retriesRemain || breakTriggered || stopContinue)
        {
            return;
        }
        // Earlier attempts stop counting: task().result is the last attempt only.
        foreach (var a in ActionsOf(ex))
        {
            a.Accepted = false;
            Touch(a);
        }
        foreach (var c in ChildrenOf(ex))
        {
            c.Accepted = false;
        }
        policyCtx["retry_no"] = retryNo + 1;
        var info = $"Delayed by 'retry' policy [delay={PyText.Str(delay)}]";
        if (task.Spec.Join is not null)
        {
            SetTaskState(ex, States.Waiting, info);
            ArmTaskTimer(ex, TimerKinds.RetryJoin, delay);
            return;
        }
        SetTaskState(ex, States.Delayed, info);
        ArmTaskTimer(ex, TimerKinds.Retry, delay);
    }

    private static OrderedDictionary<string, object?> PolicyContext(TaskExecution ex, string key)
    {
        if (ex.RuntimeContext.GetValueOrDefault(key) is not OrderedDictionary<string, object?> ctx)
        {
            ctx = [];
            ex.RuntimeContext[key] = ctx;
        }
        return ctx;
    }

    private ArmedTimer ArmTaskTimer(TaskExecution ex, string kind, object? seconds)
    {
        var timer = new ArmedTimer
        {
            Id = NewId(),
            Kind = kind,
            TaskExecutionId = ex.Id,
            DueAt = Now.AddSeconds(Seconds(seconds)),
            Seconds = seconds,
        };
        _state.Timers.Add(timer);
        TouchWorkflow();
        Emit(new ArmTimer(Wf.Id, timer.Id, timer.DueAt, kind));
        return timer;
    }

    private void OnTimerFired(TimerFired e)
    {
        var timer = _state.Timers.FirstOrDefault(t => t.Id == e.TimerId);
        if (timer is null)
        {
            return;
        }
        _state.Timers.Remove(timer);
        TouchWorkflow();
        if (timer.TaskExecutionId is null || TaskById(timer.TaskExecutionId) is not { } ex || States.IsCompleted(Wf.State))
        {
            return;
        }
        switch (timer.Kind)
        {
            case TimerKinds.WaitBefore:
            case TimerKinds.Retry:
                if (ex.State == States.Delayed)
                {
                    ContinueTask(ex);
                }
                break;
            case TimerKinds.RetryJoin:
                ScheduleRefreshTaskState(ex);
                break;
            case TimerKinds.WaitAfter:
                if (ex.State == States.Delayed)
                {
                    CompleteTaskFromHandler(ex, timer.EndState ?? States.Success, timer.EndStateInfo);
                }
                break;
            case TimerKinds.Timeout:
                if (!States.IsCompleted(ex.State))
                {
                    CompleteTaskFromHandler(ex, States.Error, $"Task timed out [timeout(s)={PyText.Str(timer.Seconds)}].");
                }
                break;
        }
    }
}

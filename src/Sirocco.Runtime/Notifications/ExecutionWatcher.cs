using Sirocco.Engine.Model;

namespace Sirocco.Runtime.Notifications;

/// <summary>
/// Lets callers wait for an execution to reach a condition (typically completion) without polling: the host
/// publishes every committed change here, and each waiter checks its condition on the changes of its execution.
/// </summary>
internal sealed class ExecutionWatcher
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Waiter>> _waiters = new(StringComparer.Ordinal);

    public event Action<ExecutionChange>? Changed;

    private sealed record Waiter(Func<WorkflowExecution, bool> Condition, TaskCompletionSource<WorkflowExecution> Done);

    /// <summary>Registers a waiter; the caller must then check the current state itself (changes before this are not replayed).</summary>
    public Task<WorkflowExecution> Register(string executionId, Func<WorkflowExecution, bool> condition, CancellationToken ct, out Action unregister)
    {
        var waiter = new Waiter(condition, new TaskCompletionSource<WorkflowExecution>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (!_waiters.TryGetValue(executionId, out var list))
            {
                _waiters[executionId] = list = [];
            }

            list.Add(waiter);
        }

        var registration = ct.Register(() => waiter.Done.TrySetCanceled(ct));
        unregister = () =>
        {
            registration.Dispose();
            lock (_lock)
            {
                if (_waiters.TryGetValue(executionId, out var list))
                {
                    list.Remove(waiter);
                    if (list.Count == 0)
                    {
                        _waiters.Remove(executionId);
                    }
                }
            }
        };
        return waiter.Done.Task;
    }

    public void Publish(ExecutionChange change)
    {
        List<Waiter>? hit = null;
        lock (_lock)
        {
            if (_waiters.TryGetValue(change.Workflow.Id, out var list))
            {
                foreach (var w in list)
                {
                    if (change.Deleted || w.Condition(change.Workflow))
                    {
                        (hit ??= []).Add(w);
                    }
                }
            }
        }

        if (hit is not null)
        {
            foreach (var w in hit)
            {
                if (change.Deleted)
                {
                    w.Done.TrySetException(new Store.EntityNotFoundException($"WorkflowExecution not found [id={change.Workflow.Id}]"));
                }
                else
                {
                    w.Done.TrySetResult(change.Workflow);
                }
            }
        }

        Changed?.Invoke(change);
    }
}

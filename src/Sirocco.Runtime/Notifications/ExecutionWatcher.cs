using Sirocco.Engine.Model;

namespace Sirocco.Runtime.Notifications;

/// <summary>
/// Lets callers wait for an execution to reach a condition (typically completion) without polling: the host
/// publishes every committed change here, and each waiter checks its condition on the changes of its execution.
/// Changes committed by other nodes arrive as NOTIFY ids (<see cref="Offer"/> with the execution read back).
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

    /// <summary>The executions someone waits for now.</summary>
    public IReadOnlyList<string> WaitedFor()
    {
        lock (_lock)
        {
            return [.. _waiters.Keys];
        }
    }

    /// <summary>Whether someone waits for the execution.</summary>
    public bool IsWaitedFor(string executionId)
    {
        lock (_lock)
        {
            return _waiters.ContainsKey(executionId);
        }
    }

    /// <summary>
    /// The execution as another node committed it (read back from the store), or null when it is gone: wakes the
    /// waiters it satisfies, without raising <see cref="Changed"/> (that reports this node's own commits).
    /// </summary>
    public void Offer(string executionId, WorkflowExecution? workflow)
    {
        List<Waiter>? hit = null;
        lock (_lock)
        {
            if (_waiters.TryGetValue(executionId, out var list))
            {
                hit = workflow is null ? [.. list] : list.Where(w => w.Condition(workflow)).ToList();
            }
        }

        foreach (var w in hit ?? [])
        {
            if (workflow is null)
            {
                w.Done.TrySetException(new Store.EntityNotFoundException($"WorkflowExecution not found [id={executionId}]"));
            }
            else
            {
                w.Done.TrySetResult(workflow);
            }
        }
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

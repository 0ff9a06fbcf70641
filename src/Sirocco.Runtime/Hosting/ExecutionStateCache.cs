using Sirocco.Engine.Model;

namespace Sirocco.Runtime.Hosting;

/// <summary>
/// The states of open executions this node stepped last, so the next step of one does not reload and deserialise
/// every task and action row. An entry is only trusted when the stored <c>version</c> (bumped by every save, read
/// inside the step's transaction after the execution's lock) still equals the version it was saved with: a step on
/// another node, an API update or a delete makes it stale and the state is loaded from the store again. A step
/// takes its entry out (the engine changes the state in place) and the host puts it back only after the commit, so
/// a failed commit leaves nothing half-applied behind. Used by the host loop only (one thread at a time).
/// </summary>
internal sealed class ExecutionStateCache
{
    private readonly int _capacity;
    private readonly Dictionary<string, (ExecutionState State, long Version)> _entries = new(StringComparer.Ordinal);

    public ExecutionStateCache(int capacity)
    {
        _capacity = capacity;
    }

    public int Count => _entries.Count;

    /// <summary>Removes and returns the entry of an execution, if any.</summary>
    public (ExecutionState State, long Version)? Take(string executionId) =>
        _entries.Remove(executionId, out var entry) ? entry : null;

    /// <summary>Keeps the committed state of an open execution; completed ones are not kept (they rarely step again).</summary>
    public void Put(string executionId, ExecutionState state, long version)
    {
        if (_capacity <= 0 || States.IsCompleted(state.Workflow.State))
        {
            _entries.Remove(executionId);
            return;
        }

        if (_entries.Count >= _capacity && !_entries.ContainsKey(executionId))
        {
            // Bounded: drop some entry (a miss only costs a load).
            foreach (var key in _entries.Keys)
            {
                _entries.Remove(key);
                break;
            }
        }

        _entries[executionId] = (state, version);
    }

    public void Remove(string executionId) => _entries.Remove(executionId);
}

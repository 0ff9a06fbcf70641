using System.Collections.Concurrent;
using Sirocco.Actions;
using Sirocco.Runtime.Notifications;
using Sirocco.Store;
using Sirocco.Values;

namespace Sirocco.Runtime.Providers;

/// <summary>
/// Pins each workflow execution to the versions of the versioned providers (plugins) that were current when it
/// started: recorded at start (migration 0008), read back for any of its actions (sub-workflows use their root's),
/// held in the providers while the execution runs and released when it ends, so that a replaced plugin version stays
/// loaded exactly as long as an execution that started on it runs.
/// </summary>
public sealed class ActionVersionPins
{
    private readonly SiroccoStore _store;
    private readonly IReadOnlyList<IVersionedActionProvider> _providers;
    // workflow execution id (root or sub-workflow) -> its root's recorded versions
    private readonly ConcurrentDictionary<string, Task<Pin>> _pins = new(StringComparer.Ordinal);
    // root executions holding versions on this node -> when the hold began
    private readonly ConcurrentDictionary<string, DateTimeOffset> _held = new(StringComparer.Ordinal);

    /// <summary>Creates the pins over the versioned providers among <paramref name="providers"/>.</summary>
    /// <param name="store">The store (records, reads).</param>
    /// <param name="providers">The configured providers.</param>
    public ActionVersionPins(SiroccoStore store, IEnumerable<IActionProvider> providers)
    {
        _store = store;
        _providers = providers.OfType<IVersionedActionProvider>().ToList();
    }

    /// <summary>Whether any provider is versioned (otherwise nothing is recorded or read).</summary>
    public bool Enabled => _providers.Count > 0;

    /// <summary>The versions current now, as recorded for a starting execution (JSON object by provider name).</summary>
    public string CurrentJson() => Json.Serialize(Current());

    /// <summary>Records the current versions for an execution about to start, and holds them.</summary>
    /// <param name="executionId">The new (root) execution's id.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task RecordAsync(string executionId, CancellationToken ct)
    {
        if (!Enabled)
        {
            return;
        }

        var current = Current();
        await _store.SaveActionVersionsAsync(executionId, Json.Serialize(current), ct).ConfigureAwait(false);
        var pin = new Pin(executionId, ToVersions(current));
        Hold(pin);
        _pins[executionId] = Task.FromResult(pin);
    }

    /// <summary>The versions the execution (through its root) resolves against; null when none were recorded.</summary>
    /// <param name="executionId">A workflow execution id.</param>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> ForExecutionAsync(string executionId)
    {
        var pending = _pins.GetOrAdd(executionId, LoadAsync);
        try
        {
            return (await pending.ConfigureAwait(false)).Versions;
        }
        catch
        {
            _pins.TryRemove(new KeyValuePair<string, Task<Pin>>(executionId, pending)); // a failed read is retried next time
            throw;
        }
    }

    /// <summary>Drops what <see cref="RecordAsync"/> held for an execution that did not start after all.</summary>
    /// <param name="executionId">The execution id.</param>
    public void Forget(string executionId) => Release(executionId);

    /// <summary>Root executions whose versions this node holds now.</summary>
    public IReadOnlyCollection<string> Holders => [.. _held.Keys];

    /// <summary>
    /// Releases the holds of executions that ended or disappeared without this node seeing it (another node stepped
    /// them, or deleted them). An execution not found is released only once its hold is older than
    /// <paramref name="grace"/> (a start records its versions just before its first commit).
    /// </summary>
    /// <param name="grace">How long a hold on an execution not yet in the database is kept.</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>How many holds were released.</returns>
    public async Task<int> SweepAsync(TimeSpan grace, CancellationToken ct)
    {
        var held = _held.ToArray();
        if (held.Length == 0)
        {
            return 0;
        }

        var states = await _store.ExecutionStatesAsync(held.Select(h => h.Key).ToList(), ct).ConfigureAwait(false);
        var now = _store.Clock.GetUtcNow();
        var released = 0;
        foreach (var (id, since) in held)
        {
            var ended = states.TryGetValue(id, out var state) ? state is "SUCCESS" or "ERROR" or "CANCELLED" : now - since > grace;
            if (ended)
            {
                Release(id);
                released++;
            }
        }

        return released;
    }

    /// <summary>Sweeps every <paramref name="period"/> until stopped (DB errors are retried at the next period).</summary>
    /// <param name="period">The period.</param>
    /// <param name="ct">Stops the loop.</param>
    public async Task RunSweepsAsync(TimeSpan period, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(period, _store.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await SweepAsync(TimeSpan.FromMinutes(1), ct).ConfigureAwait(false);
                }
                catch (System.Data.Common.DbException)
                {
                    // the database is away for a moment: the next period tries again
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // stopping
        }
    }

    private void Release(string rootExecutionId)
    {
        foreach (var provider in _providers)
        {
            provider.Release(rootExecutionId);
        }

        _held.TryRemove(rootExecutionId, out _);
        foreach (var (id, pending) in _pins)
        {
            if (id == rootExecutionId || pending.IsCompletedSuccessfully && pending.Result.RootExecutionId == rootExecutionId)
            {
                _pins.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Releases an execution's hold once it has ended (or was deleted).</summary>
    /// <param name="change">A committed change.</param>
    public void OnChanged(ExecutionChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var wf = change.Workflow;
        if (!Enabled || wf.RootExecutionId is not null || !(change.Deleted || wf.State is "SUCCESS" or "ERROR" or "CANCELLED"))
        {
            return;
        }

        Release(wf.Id);
    }

    private async Task<Pin> LoadAsync(string executionId)
    {
        var (root, json) = await _store.LoadActionVersionsAsync(executionId).ConfigureAwait(false);
        if (json is null)
        {
            return new Pin(root, null);
        }

        var pin = new Pin(root, ToVersions(Json.Parse(json) as IDictionary<string, object?> ?? new OrderedDictionary<string, object?>()));
        Hold(pin); // another node started it, or this node restarted: hold what is still here
        return pin;
    }

    private void Hold(Pin pin)
    {
        _held.TryAdd(pin.RootExecutionId, _store.Clock.GetUtcNow());
        foreach (var provider in _providers)
        {
            if (pin.Versions?.TryGetValue(provider.Name, out var versions) == true)
            {
                provider.Hold(pin.RootExecutionId, versions);
            }
        }
    }

    private OrderedDictionary<string, object?> Current()
    {
        var all = new OrderedDictionary<string, object?>();
        foreach (var provider in _providers)
        {
            var versions = new OrderedDictionary<string, object?>();
            foreach (var (unit, version) in provider.CurrentVersions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                versions[unit] = version;
            }

            all[provider.Name] = versions;
        }

        return all;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> ToVersions(IDictionary<string, object?> json) =>
        json.ToDictionary(kv => kv.Key,
            kv => (IReadOnlyDictionary<string, string>)(kv.Value as IDictionary<string, object?> ?? new Dictionary<string, object?>())
                .ToDictionary(v => v.Key, v => v.Value as string ?? "", StringComparer.Ordinal),
            StringComparer.Ordinal);

    private sealed record Pin(string RootExecutionId, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Versions);
}

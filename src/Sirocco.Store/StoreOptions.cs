namespace Sirocco.Store;

/// <summary>How a store is opened.</summary>
public sealed record StoreOptions
{
    /// <summary>Project id stamped on every object while multi-tenancy is off (Mistral's auth-disabled value).</summary>
    public const string DefaultProjectId = "<default-project>";

    /// <summary>Clock for timestamps, lease expiries and timer due times (tests may move it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How long a writer waits for a lock held by another connection or process before failing.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// fsync at every commit (SQLite <c>synchronous=FULL</c>): a committed step survives power loss, not only a process
    /// crash. Group commit keeps the cost per step low. Off means <c>synchronous=NORMAL</c> (survives process crashes).
    /// </summary>
    public bool SyncEveryCommit { get; init; } = true;
}

namespace Sirocco.Runtime;

/// <summary>Tuning of the host loop, the executor and the durability chores.</summary>
public sealed record RuntimeOptions
{
    /// <summary>Most events applied in one commit (group commit); more pending means another commit right after.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Most actions one executor runs at the same time.</summary>
    public int MaxConcurrentActions { get; init; } = 64;

    /// <summary>How long a claimed action request stays leased without a heartbeat.</summary>
    public TimeSpan ActionLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Period of the slow sweep for expired leases and missed timers (wake-ups normally come through channels).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At start, treat every lease held by another owner as orphaned (a previous process that died). True for SQLite,
    /// where one process owns the file; a shared database relies on lease expiry instead.
    /// </summary>
    public bool ReclaimForeignLeasesOnStart { get; init; } = true;

    /// <summary>Let the engine complete <c>std.noop</c>, <c>std.echo</c> and <c>std.fail</c> inside the step.</summary>
    public bool RunCheapActionsInline { get; init; } = true;

    /// <summary>
    /// On start, an engine node runs a small built-in workflow in memory in the background (<see cref="Engine.EngineWarmup"/>)
    /// and passes its state through the store's write path in transactions it rolls back
    /// (<see cref="Store.SiroccoStore.WarmUpWritePathAsync"/>), so that the first real executions do not pay for
    /// compiling the engine's and the store's common paths. Nothing is kept. (<c>sirocco server</c> also sends itself
    /// requests that change nothing.)
    /// </summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>
    /// How many open executions' states the host keeps in memory between steps (checked against the stored version
    /// before each use, so another node's steps are never missed); 0 loads every state from the store.
    /// </summary>
    public int CachedExecutions { get; init; } = 512;

    /// <summary>
    /// The executor pool this node serves: null takes actions of tasks without <c>target:</c>; a name takes only the
    /// actions of tasks that say <c>target: NAME</c> (<c>sirocco executor --pool NAME</c>).
    /// </summary>
    public string? ExecutorPool { get; init; }

    /// <summary>What this node runs (default: everything). Without the engine role no host loop runs here.</summary>
    public NodeRoles Roles { get; init; } = NodeRoles.All;

    /// <summary>
    /// On a node with the api role but without the engine role: how long a command (start, pause, rerun, run an action,
    /// ...) may wait for an engine node to take it before it is withdrawn and the API answers 503.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often this node writes its heartbeat into the node registry.</summary>
    public TimeSpan NodeHeartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The cron scheduler: on or off, the policy for due times missed while no node ran (<c>docs/cron.md</c>).</summary>
    public Scheduling.CronOptions Cron { get; init; } = new();

    /// <summary>
    /// Where the runtime reports what went wrong with nobody to tell (a cron trigger's start the engine refused):
    /// standard error by default, as <c>warn: ...</c> lines.
    /// </summary>
    public Action<string> Warn { get; init; } = message => Console.Error.WriteLine($"warn: Sirocco.Runtime: {message}");

    /// <summary>Identity of this process in lease columns; unique per runtime instance.</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}

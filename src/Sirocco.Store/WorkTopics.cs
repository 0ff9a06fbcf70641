namespace Sirocco.Store;

/// <summary>The kinds of work a node is told about (NOTIFY payloads on PostgreSQL).</summary>
public static class WorkTopics
{
    /// <summary>Pending events were added: engines should look.</summary>
    public const string Events = "events";

    /// <summary>Action requests were added or released: executors should look.</summary>
    public const string Actions = "actions";

    /// <summary>Timers were armed: the timer chore should recompute its next due time.</summary>
    public const string Timers = "timers";

    /// <summary>
    /// Prefix of a topic naming executions whose state changed or that were deleted (<c>executions:ID,ID</c>), so that
    /// waiters on other nodes re-read them.
    /// </summary>
    public const string ExecutionsPrefix = "executions:";

    /// <summary>Commands were queued by an API-only node: engine nodes should look.</summary>
    public const string Commands = "commands";

    /// <summary>Prefix of a topic naming answered commands (<c>commands-done:ID,ID</c>): the asking node reads them.</summary>
    public const string CommandsDonePrefix = "commands-done:";

    /// <summary>Sent after (re)connecting a listener: look at everything once.</summary>
    public const string All = "*";
}

namespace Sirocco.Engine.Model;

/// <summary>Mistral's execution states (workflow, task and action executions share one set; <c>workflow/states.py</c>).</summary>
public static class States
{
    /// <summary>Created, not started.</summary>
    public const string Idle = "IDLE";

    /// <summary>A join task waiting for its inbound tasks.</summary>
    public const string Waiting = "WAITING";

    /// <summary>Running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Mistral's RUNNING_DELAYED: waiting on a policy timer (wait-before, wait-after, retry delay).</summary>
    public const string Delayed = "DELAYED";

    /// <summary>Paused.</summary>
    public const string Paused = "PAUSED";

    /// <summary>Completed successfully.</summary>
    public const string Success = "SUCCESS";

    /// <summary>Completed by cancellation.</summary>
    public const string Cancelled = "CANCELLED";

    /// <summary>Completed with an error.</summary>
    public const string Error = "ERROR";

    /// <summary>Skipped ([master] only; kept for the API's state list).</summary>
    public const string Skipped = "SKIPPED";

    /// <summary>SUCCESS, ERROR or CANCELLED (or SKIPPED).</summary>
    public static bool IsCompleted(string? state) => state is Success or Error or Cancelled or Skipped;

    /// <summary>IDLE, WAITING, RUNNING, DELAYED or PAUSED: the workflow cannot complete while a task is in one of these.</summary>
    public static bool IsActive(string? state) => state is Idle or Waiting or Running or Delayed or Paused;

    /// <summary>Mistral's <c>is_valid_transition</c>; the same state is always allowed.</summary>
    public static bool IsValidTransition(string from, string to)
    {
        if (from == to)
        {
            return true;
        }
        return from switch
        {
            Idle => to is Running or Error or Cancelled,
            Waiting => to is Running,
            Running => to is Paused or Delayed or Success or Error or Cancelled,
            Delayed => to is Running or Error or Cancelled,
            Paused => to is Running or Error or Cancelled,
            Cancelled => to is Running,
            Error => to is Running or Skipped,
            _ => false,
        };
    }
}

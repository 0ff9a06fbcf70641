namespace Sirocco.Engine.Model;

/// <summary>A durable timer the engine asked for and has not seen fire yet.</summary>
public sealed class ArmedTimer
{
    /// <summary>Timer id; the <see cref="Events.TimerFired"/> event carries it back.</summary>
    public required string Id { get; set; }

    /// <summary>What the timer is for (<see cref="TimerKinds"/>).</summary>
    public required string Kind { get; set; }

    /// <summary>The task execution it belongs to.</summary>
    public string? TaskExecutionId { get; set; }

    /// <summary>When it is due (UTC).</summary>
    public DateTime DueAt { get; set; }

    /// <summary>The policy value the timer was armed with (seconds), for the texts Mistral writes.</summary>
    public object? Seconds { get; set; }

    /// <summary>wait-after: the state the task completed with, replayed when the timer fires.</summary>
    public string? EndState { get; set; }

    /// <summary>wait-after: the state_info the task completed with.</summary>
    public string? EndStateInfo { get; set; }
}

/// <summary>Kinds of durable timers.</summary>
public static class TimerKinds
{
    /// <summary>wait-before delay over: run the task's actions.</summary>
    public const string WaitBefore = "wait-before";

    /// <summary>wait-after delay over: replay the task's completion.</summary>
    public const string WaitAfter = "wait-after";

    /// <summary>retry delay over: run the next attempt.</summary>
    public const string Retry = "retry";

    /// <summary>timeout: fail the task if it is not complete yet.</summary>
    public const string Timeout = "timeout";

    /// <summary>retry of a join task: re-check the join condition.</summary>
    public const string RetryJoin = "retry-join";
}

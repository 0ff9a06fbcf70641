namespace Sirocco.Runtime.Scheduling;

/// <summary>
/// What a scheduler does with the due times of a cron trigger that passed while no scheduler was running (every
/// node down, or the database unreachable). See <c>docs/cron.md</c>.
/// </summary>
public enum MissedFirePolicy
{
    /// <summary>One execution for all the missed due times, then on with the schedule (Mistral's behaviour; default).</summary>
    FireOnce,

    /// <summary>
    /// No execution for due times older than <see cref="CronOptions.MissedGrace"/>; a due time within the grace still
    /// fires (a late wake-up is not a miss).
    /// </summary>
    Skip,

    /// <summary>One execution per missed due time, at most <see cref="CronOptions.CatchUpLimit"/> (the latest ones).</summary>
    FireAll,
}

/// <summary>How the cron scheduler runs.</summary>
public sealed record CronOptions
{
    /// <summary>Whether this node fires cron triggers at all (Mistral's <c>[cron_trigger] enabled</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>What happens to due times missed while no scheduler ran.</summary>
    public MissedFirePolicy MissedPolicy { get; init; } = MissedFirePolicy.FireOnce;

    /// <summary>How late a due time may be fired and still count as on time (for <see cref="MissedFirePolicy.Skip"/>).</summary>
    public TimeSpan MissedGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Most executions one trigger starts for missed due times at once under <see cref="MissedFirePolicy.FireAll"/>.</summary>
    public int CatchUpLimit { get; init; } = 100;

    /// <summary>
    /// Longest sleep between looks at the table, so that triggers created through another node are seen without a
    /// wake-up from that node. Wake-ups otherwise come from the timer to the next due time and from creations here.
    /// </summary>
    public TimeSpan IdleRecheck { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Parses a policy name as written in configuration: <c>fire-once</c>, <c>skip</c>, <c>fire-all</c>.</summary>
    public static MissedFirePolicy ParsePolicy(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "fire-once" or "fireonce" => MissedFirePolicy.FireOnce,
        "skip" => MissedFirePolicy.Skip,
        "fire-all" or "fireall" => MissedFirePolicy.FireAll,
        _ => throw new ArgumentException($"unknown missed-fire policy '{text}': use fire-once, skip or fire-all", nameof(text)),
    };
}

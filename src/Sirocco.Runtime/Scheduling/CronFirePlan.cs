namespace Sirocco.Runtime.Scheduling;

/// <summary>
/// What one scheduler pass does with one due trigger: which due times get an execution, the trigger's next due time
/// and count, or whether it is deleted (count reached 0, or no due time left). Pure, so the due-time math is tested
/// without a clock or a database.
/// </summary>
/// <param name="Fire">The due times to start an execution for, oldest first.</param>
/// <param name="NextExecutionTime">The next due time; null when the trigger is to be deleted.</param>
/// <param name="RemainingExecutions">The count after this pass (null: unlimited).</param>
/// <param name="Missed">Due times that passed without an execution under the policy.</param>
public sealed record CronFirePlan(IReadOnlyList<DateTime> Fire, DateTime? NextExecutionTime, int? RemainingExecutions, long Missed)
{
    /// <summary>Whether the trigger is deleted by this pass.</summary>
    public bool Delete => NextExecutionTime is null;

    /// <summary>
    /// Plans a pass at <paramref name="now"/> for a trigger due at <paramref name="next"/> (≤ now). The due times are
    /// <paramref name="next"/> itself (a first execution time need not match the pattern) and every pattern occurrence
    /// after it up to now; the policy decides which of them fire. The next due time is the first occurrence after
    /// now, as Mistral computes it from max(now, next).
    /// </summary>
    public static CronFirePlan Make(CronPattern? pattern, DateTime next, int? remaining, DateTime now, CronOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (next > now)
        {
            throw new ArgumentException("the trigger is not due yet", nameof(next));
        }

        var want = options.MissedPolicy == MissedFirePolicy.FireAll ? Math.Max(1, options.CatchUpLimit) : 1;
        var (latest, total) = LatestDueTimes(pattern, next, now, want);
        List<DateTime> fire = options.MissedPolicy switch
        {
            MissedFirePolicy.Skip => now - latest[^1] <= options.MissedGrace ? [latest[^1]] : [],
            _ => latest,
        };

        if (remaining is { } r && fire.Count > r)
        {
            fire = fire.Take(r).ToList();
        }

        var left = remaining is { } count ? count - fire.Count : (int?)null;
        var following = pattern?.Next(now);
        var deleted = left == 0 || following is null;
        return new CronFirePlan(fire, deleted ? null : following, deleted ? 0 : left, total - fire.Count);
    }

    /// <summary>
    /// The latest <paramref name="want"/> due times in [next, now] and how many there are in all. Looks back in
    /// growing windows so that a long outage of a per-second trigger does not walk every missed second.
    /// </summary>
    private static (List<DateTime> Latest, long Total) LatestDueTimes(CronPattern? pattern, DateTime next, DateTime now, int want)
    {
        if (pattern is null)
        {
            return ([next], 1);
        }

        TimeSpan[] windows = [TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(367)];
        foreach (var window in windows)
        {
            var start = now - window;
            if (start <= next)
            {
                break;
            }

            var ring = new Queue<DateTime>(want);
            foreach (var t in pattern.Between(start, now))
            {
                if (ring.Count == want)
                {
                    ring.Dequeue();
                }

                ring.Enqueue(t);
            }

            if (ring.Count == want)
            {
                // the total is only needed for reporting: count the rest cheaply up to a bound
                return (ring.ToList(), EstimateTotal(pattern, next, start) + CountBetween(pattern, start, now));
            }
        }

        var all = new Queue<DateTime>(want);
        long total = 0;
        foreach (var t in pattern.Between(next.AddTicks(1), now).Prepend(next))
        {
            total++;
            if (all.Count == want)
            {
                all.Dequeue();
            }

            all.Enqueue(t);
        }

        return (all.ToList(), total);
    }

    private static long CountBetween(CronPattern pattern, DateTime from, DateTime to) => pattern.Between(from, to).LongCount();

    // due times in [next, start): walked up to a bound, beyond which the count is only a lower bound
    private static long EstimateTotal(CronPattern pattern, DateTime next, DateTime start)
    {
        long n = 1;
        foreach (var _ in pattern.Between(next.AddTicks(1), start.AddTicks(-1)))
        {
            if (++n >= 100_000)
            {
                break;
            }
        }

        return n;
    }
}

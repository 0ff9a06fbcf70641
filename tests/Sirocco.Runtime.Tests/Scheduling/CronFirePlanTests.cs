using Sirocco.Runtime.Scheduling;

namespace Sirocco.Runtime.Tests.Scheduling;

/// <summary>The due-time math of one scheduler pass: next due time, count, deletion and the missed-fire policies.</summary>
public sealed class CronFirePlanTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    private static CronPattern P(string text) => CronPattern.TryParse(text, out var e) ?? throw new InvalidOperationException(e);

    private static CronOptions Policy(MissedFirePolicy policy, int cap = 100) => new() { MissedPolicy = policy, CatchUpLimit = cap };

    [Fact]
    public void An_on_time_pass_fires_the_due_time_and_moves_to_the_next_occurrence()
    {
        var plan = CronFirePlan.Make(P("*/5 * * * *"), T0, null, T0.AddMilliseconds(30), new CronOptions());
        Assert.Equal([T0], plan.Fire);
        Assert.Equal(T0.AddMinutes(5), plan.NextExecutionTime);
        Assert.Null(plan.RemainingExecutions);
        Assert.Equal(0, plan.Missed);
    }

    [Fact]
    public void The_count_goes_down_and_the_last_execution_deletes_the_trigger()
    {
        var plan = CronFirePlan.Make(P("* * * * *"), T0, 2, T0, new CronOptions());
        Assert.Equal(1, plan.RemainingExecutions);
        Assert.False(plan.Delete);

        plan = CronFirePlan.Make(P("* * * * *"), T0, 1, T0, new CronOptions());
        Assert.Equal([T0], plan.Fire);
        Assert.True(plan.Delete);
    }

    [Fact]
    public void A_first_time_without_pattern_runs_once_even_off_the_pattern()
    {
        var plan = CronFirePlan.Make(null, T0.AddMinutes(3), 1, T0.AddMinutes(3), new CronOptions());
        Assert.Equal([T0.AddMinutes(3)], plan.Fire);
        Assert.True(plan.Delete);

        // a first time that is not an occurrence of the pattern is still a due time
        plan = CronFirePlan.Make(P("0 * * * *"), T0.AddMinutes(7), null, T0.AddMinutes(7), new CronOptions());
        Assert.Equal([T0.AddMinutes(7)], plan.Fire);
        Assert.Equal(T0.AddHours(1), plan.NextExecutionTime);
    }

    [Fact]
    public void Fire_once_collapses_missed_due_times_into_one_execution()
    {
        var now = T0.AddMinutes(10).AddSeconds(20);
        var plan = CronFirePlan.Make(P("* * * * *"), T0, 50, now, Policy(MissedFirePolicy.FireOnce));
        Assert.Equal([T0.AddMinutes(10)], plan.Fire);
        Assert.Equal(10, plan.Missed);
        Assert.Equal(49, plan.RemainingExecutions);
        Assert.Equal(T0.AddMinutes(11), plan.NextExecutionTime);
    }

    [Fact]
    public void Fire_all_starts_one_execution_per_missed_due_time_up_to_the_cap()
    {
        var now = T0.AddMinutes(10).AddSeconds(20);
        var plan = CronFirePlan.Make(P("* * * * *"), T0, null, now, Policy(MissedFirePolicy.FireAll));
        Assert.Equal(Enumerable.Range(0, 11).Select(i => T0.AddMinutes(i)), plan.Fire);
        Assert.Equal(0, plan.Missed);

        plan = CronFirePlan.Make(P("* * * * *"), T0, null, now, Policy(MissedFirePolicy.FireAll, cap: 3));
        Assert.Equal([T0.AddMinutes(8), T0.AddMinutes(9), T0.AddMinutes(10)], plan.Fire);
        Assert.Equal(8, plan.Missed);

        // the count limits catch-up too, and the trigger is gone once it is used up
        plan = CronFirePlan.Make(P("* * * * *"), T0, 4, now, Policy(MissedFirePolicy.FireAll));
        Assert.Equal(4, plan.Fire.Count);
        Assert.True(plan.Delete);
    }

    [Fact]
    public void Fire_all_after_a_long_outage_of_a_per_second_trigger_looks_back_only_as_far_as_needed()
    {
        var now = T0.AddDays(30);
        var plan = CronFirePlan.Make(P("* * * * * *"), T0, null, now, Policy(MissedFirePolicy.FireAll, cap: 5));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => now.AddSeconds(i - 4)), plan.Fire);
        Assert.Equal(now.AddSeconds(1), plan.NextExecutionTime);
    }

    [Fact]
    public void Skip_drops_due_times_older_than_the_grace_but_fires_a_late_wake_up()
    {
        var options = new CronOptions { MissedPolicy = MissedFirePolicy.Skip, MissedGrace = TimeSpan.FromSeconds(30) };
        var plan = CronFirePlan.Make(P("*/10 * * * *"), T0, 3, T0.AddMinutes(25), options);
        Assert.Empty(plan.Fire);
        Assert.Equal(3, plan.Missed);
        Assert.Equal(3, plan.RemainingExecutions);
        Assert.Equal(T0.AddMinutes(30), plan.NextExecutionTime);

        plan = CronFirePlan.Make(P("*/10 * * * *"), T0, 3, T0.AddMinutes(20).AddSeconds(5), options);
        Assert.Equal([T0.AddMinutes(20)], plan.Fire);
        Assert.Equal(2, plan.RemainingExecutions);
    }

    [Fact]
    public void Next_time_is_computed_from_now_when_the_scheduler_lags()
    {
        var plan = CronFirePlan.Make(P("* * * * * *"), T0, null, T0.AddSeconds(2).AddMilliseconds(500), new CronOptions());
        Assert.Equal(T0.AddSeconds(3), plan.NextExecutionTime);
    }
}

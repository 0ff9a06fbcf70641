using System.CommandLine;
using Sirocco.Cli.Commands;
using Sirocco.Runtime;
using Sirocco.Runtime.Scheduling;
using Xunit;

namespace Sirocco.Cli.Tests;

/// <summary>The node settings of <c>sirocco server</c> / <c>sirocco executor</c>: option, else environment variable, else default.</summary>
public sealed class NodeSettingsTests
{
    private static RuntimeOptions Apply(string[] args, Dictionary<string, string>? environment = null)
    {
        var settings = new NodeSettings();
        var command = new Command("server");
        settings.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return settings.Apply(parse, new RuntimeOptions(), name => environment?.GetValueOrDefault(name));
    }

    [Fact]
    public void Defaults_stay_when_nothing_is_given()
    {
        var options = Apply([]);
        Assert.Equal(MissedFirePolicy.FireOnce, options.Cron.MissedPolicy);
        Assert.Equal(new RuntimeOptions().ActionLease, options.ActionLease);
        Assert.Equal(new RuntimeOptions().SweepInterval, options.SweepInterval);
    }

    [Fact]
    public void The_cron_missed_fire_policy_comes_from_the_option_else_the_environment()
    {
        Assert.Equal(MissedFirePolicy.Skip, Apply(["--cron-missed-policy", "skip"]).Cron.MissedPolicy);
        Assert.Equal(MissedFirePolicy.FireAll, Apply([], new() { [NodeSettings.CronMissedPolicyVariable] = "fire-all" }).Cron.MissedPolicy);
        // the option wins over the variable
        Assert.Equal(MissedFirePolicy.FireOnce,
            Apply(["--cron-missed-policy", "fire-once"], new() { [NodeSettings.CronMissedPolicyVariable] = "skip" }).Cron.MissedPolicy);
    }

    [Fact]
    public void Leases_and_the_sweep_come_from_options_or_the_environment()
    {
        var options = Apply(["--action-lease", "3", "--sweep-interval", "0.5"]);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ActionLease);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.SweepInterval);
        Assert.Equal(TimeSpan.FromSeconds(12), Apply([], new() { [NodeSettings.ActionLeaseVariable] = "12" }).ActionLease);
    }

    [Fact]
    public void Bad_values_are_refused_with_the_option_or_variable_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Apply(["--cron-missed-policy", "sometimes"]));
        Assert.Equal("--cron-missed-policy: unknown missed-fire policy 'sometimes': use fire-once, skip or fire-all", e.Message);
        e = Assert.Throws<ArgumentException>(() => Apply([], new() { [NodeSettings.CronMissedPolicyVariable] = "never" }));
        Assert.StartsWith("SIROCCO_CRON_MISSED_POLICY: unknown missed-fire policy 'never'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Apply(["--action-lease", "0"]));
        Assert.StartsWith("--action-lease: must be a number of seconds above 0", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => Apply([], new() { [NodeSettings.SweepIntervalVariable] = "soon" }));
        Assert.Equal("SIROCCO_SWEEP_INTERVAL: 'soon' is not a number of seconds", e.Message);
    }
}

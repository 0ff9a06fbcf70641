using System.CommandLine;
using System.Globalization;
using Sirocco.Runtime;
using Sirocco.Runtime.Scheduling;

namespace Sirocco.Cli.Commands;

/// <summary>
/// The node settings <c>sirocco server</c> and <c>sirocco executor</c> share: each from its option, else its
/// environment variable, else the default (as <c>--database</c> / <c>SIROCCO_DATABASE</c>).
/// </summary>
public sealed class NodeSettings
{
    /// <summary>Environment variable for <c>--cron-missed-policy</c>.</summary>
    public const string CronMissedPolicyVariable = "SIROCCO_CRON_MISSED_POLICY";

    /// <summary>Environment variable for <c>--action-lease</c>.</summary>
    public const string ActionLeaseVariable = "SIROCCO_ACTION_LEASE";

    /// <summary>Environment variable for <c>--sweep-interval</c>.</summary>
    public const string SweepIntervalVariable = "SIROCCO_SWEEP_INTERVAL";

    /// <summary>Environment variable for <c>--command-timeout</c>.</summary>
    public const string CommandTimeoutVariable = "SIROCCO_COMMAND_TIMEOUT";

    private readonly Option<double?> _commandTimeout = new("--command-timeout")
    {
        Description = "on an api node without the engine role: seconds a command waits for an engine node to take it before it is withdrawn " +
                      $"and answered with 503 (default 30); default: ${CommandTimeoutVariable}",
    };

    private readonly Option<string?> _missedPolicy = new("--cron-missed-policy")
    {
        Description = $"what cron due times missed while no node ran do: fire-once (default), skip or fire-all; default: ${CronMissedPolicyVariable}",
    };

    private readonly Option<double?> _lease = new("--action-lease")
    {
        Description = $"seconds a running action's lease lasts without a heartbeat before another node takes it over (default 30); default: ${ActionLeaseVariable}",
    };

    private readonly Option<double?> _sweep = new("--sweep-interval")
    {
        Description = $"seconds between sweeps for expired leases and missed timers (default 5); default: ${SweepIntervalVariable}",
    };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_missedPolicy);
        command.Options.Add(_lease);
        command.Options.Add(_sweep);
        command.Options.Add(_commandTimeout);
    }

    /// <summary>
    /// The runtime options these settings give on top of <paramref name="baseOptions"/>; a bad value throws
    /// <see cref="ArgumentException"/> whose message names the option or variable.
    /// </summary>
    public RuntimeOptions Apply(ParseResult parse, RuntimeOptions baseOptions, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(baseOptions);
        environment ??= Environment.GetEnvironmentVariable;
        var options = baseOptions;

        if (Text(parse.GetValue(_missedPolicy), CronMissedPolicyVariable, environment) is { } policy)
        {
            try
            {
                options = options with { Cron = options.Cron with { MissedPolicy = CronOptions.ParsePolicy(policy.Value) } };
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{policy.Source}: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }
        }

        if (Seconds(parse.GetValue(_lease), _lease.Name, ActionLeaseVariable, environment) is { } lease)
        {
            options = options with { ActionLease = lease };
        }

        if (Seconds(parse.GetValue(_sweep), _sweep.Name, SweepIntervalVariable, environment) is { } sweep)
        {
            options = options with { SweepInterval = sweep };
        }

        if (Seconds(parse.GetValue(_commandTimeout), _commandTimeout.Name, CommandTimeoutVariable, environment) is { } commandTimeout)
        {
            options = options with { CommandTimeout = commandTimeout };
        }

        return options;
    }

    private static (string Value, string Source)? Text(string? given, string variable, Func<string, string?> environment) =>
        given is { Length: > 0 } ? (given, "--cron-missed-policy")
        : environment(variable) is { Length: > 0 } fromEnv ? (fromEnv, variable)
        : null;

    private static TimeSpan? Seconds(double? given, string option, string variable, Func<string, string?> environment)
    {
        double value;
        string source;
        if (given is { } g)
        {
            (value, source) = (g, option);
        }
        else if (environment(variable) is { Length: > 0 } text)
        {
            source = variable;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw new ArgumentException($"{variable}: '{text}' is not a number of seconds");
            }
        }
        else
        {
            return null;
        }

        return value is > 0 and <= 86400 && double.IsFinite(value)
            ? TimeSpan.FromSeconds(value)
            : throw new ArgumentException($"{source}: must be a number of seconds above 0 and at most 86400, not {value.ToString(CultureInfo.InvariantCulture)}");
    }
}

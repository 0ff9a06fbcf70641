using System.Globalization;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;

namespace Sirocco.Runtime.Executors;

/// <summary>
/// The standard actions an executor runs: <c>std.sleep</c> (on the runtime's clock, honouring cancellation),
/// <c>std.echo</c> (with its <c>delay</c>), <c>std.noop</c>, <c>std.fail</c> and <c>std.async_noop</c>.
/// The engine normally completes the cheap ones inline; they are handled here when they arrive anyway.
/// </summary>
public sealed class StandardActionRunner : IActionRunner
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal) { "std.sleep", "std.echo", "std.noop", "std.fail", "std.async_noop" };

    private readonly TimeProvider _clock;

    /// <summary>Creates the runner on a clock (tests may move it).</summary>
    public StandardActionRunner(TimeProvider clock) => _clock = clock;

    /// <inheritdoc />
    public bool CanRun(string actionName) => Names.Contains(actionName);

    /// <inheritdoc />
    public bool IsSafeToRerun(string actionName) => Names.Contains(actionName);

    /// <inheritdoc />
    public async Task<ActionResult> RunAsync(RunAction request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.ActionName)
        {
            case "std.sleep":
                await Task.Delay(Seconds(request.Input.GetValueOrDefault("seconds", 1L)), _clock, ct).ConfigureAwait(false);
                return ActionResult.Ok(null);
            case "std.echo":
                var delay = Seconds(request.Input.GetValueOrDefault("delay", 0L));
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _clock, ct).ConfigureAwait(false);
                }

                return ActionResult.Ok(request.Input.GetValueOrDefault("output"));
            case "std.async_noop":
            case "std.noop":
                return ActionResult.Ok(null);
            case "std.fail":
                var errorData = request.Input.GetValueOrDefault("error_data");
                return errorData is null or "" or false
                    ? ActionResult.Failed(ActionErrors.Raised("Fail action", request.ActionExecutionId, "Fail action expected exception."))
                    : ActionResult.Failed(errorData);
            default:
                return ActionResult.Failed($"not supported: action {request.ActionName}");
        }
    }

    /// <summary>Mistral's SleepAction takes <c>int(seconds)</c> and treats anything unusable or negative as 0.</summary>
    private static TimeSpan Seconds(object? value)
    {
        double seconds = value switch
        {
            long l => l,
            int i => i,
            double d => Math.Truncate(d),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => Math.Truncate(p),
            bool b => b ? 1 : 0,
            _ => 0,
        };
        return seconds <= 0 || double.IsNaN(seconds) ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue));
    }
}

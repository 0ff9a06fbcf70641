using System.ComponentModel;
using System.Reflection;
using Sirocco.Actions;

namespace Sirocco.Samples.Plugin;

/// <summary>Which build of the plugin runs: its assembly version (the end-to-end tests build it as 1.0.0 and 2.0.0).</summary>
internal static class PluginVersion
{
    public static string Current => typeof(PluginVersion).Assembly.GetName().Version?.ToString(3) ?? "?";
}

/// <summary>Greets someone, as the user who runs the workflow.</summary>
[ActionName("sample.greet")]
[Description("Greets someone and says which plugin version answered.")]
public sealed class GreetAction(string name, string greeting = "Hello") : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Dictionary<string, object?>
        {
            ["text"] = $"{greeting}, {name}!",
            ["version"] = PluginVersion.Current,
            ["user"] = context.Security.UserName,
        };
    }
}

/// <summary>
/// Waits until a file exists (a test's way to hold an action running while it swaps the plugin), then answers with
/// the plugin version that ran it. Cancellable: a task timeout stops it.
/// </summary>
[ActionName("sample.wait_for_file")]
[Description("Waits until a file exists, then returns the plugin version.")]
public sealed class WaitForFileAction(string path, string? startedPath = null, double pollSeconds = 0.05) : ActionBase
{
    /// <inheritdoc />
    public override async Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken)
    {
        if (startedPath is not null)
        {
            await File.WriteAllTextAsync(startedPath, PluginVersion.Current, cancellationToken).ConfigureAwait(false);
        }

        while (!File.Exists(path))
        {
            await Task.Delay(TimeSpan.FromSeconds(pollSeconds), cancellationToken).ConfigureAwait(false);
        }

        return PluginVersion.Current;
    }
}

/// <summary>Adds two integers; a method-free action shows the signature coming from the constructor.</summary>
[ActionName("sample.add")]
[Description("Adds two integers.")]
public sealed class AddAction(long a, long b = 0) : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context) => checked(a + b);
}

/// <summary>Fails with a message (an expected failure, as mistral-lib's ActionException).</summary>
[ActionName("sample.refuse")]
[Description("Always fails with ActionException.")]
public sealed class RefuseAction(string reason = "no") : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context) => throw new ActionException($"refused: {reason}");
}

/// <summary>Throws an unexpected exception (isolation demo: the task fails, nothing else does).</summary>
[ActionName("sample.crash")]
[Description("Throws InvalidOperationException.")]
public sealed class CrashAction : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context) => throw new InvalidOperationException("the sample plugin crashed on purpose");
}

/// <summary>
/// Ends its process (isolation demo). Run it only with the plugins isolated (<c>--isolate plugins</c>): in process it
/// would end the server.
/// </summary>
[ActionName("sample.exit")]
[Description("Calls Environment.Exit(3); run only isolated.")]
public sealed class ExitAction(long code = 3) : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context)
    {
        Environment.Exit((int)code);
        return null;
    }
}

/// <summary>Never returns and ignores cancellation (isolation demo: the task's timeout stops it by ending its process).</summary>
[ActionName("sample.hang")]
[Description("Blocks forever, ignoring cancellation; run only isolated, with a task timeout.")]
public sealed class HangAction : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context)
    {
        Thread.Sleep(Timeout.Infinite);
        return null;
    }
}

/// <summary>Not an action: classes without <see cref="ActionNameAttribute"/> are not published.</summary>
public sealed class Helper
{
    /// <summary>The assembly's informational version.</summary>
    public static string? Informational => typeof(Helper).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
}

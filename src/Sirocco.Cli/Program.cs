using System.CommandLine;
using System.Reflection;

namespace Sirocco.Cli;

/// <summary>The <c>sirocco</c> command.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        ProcessTuning.ApplyBeforeStart(args);
        var root = new RootCommand("Sirocco: a workflow service that speaks OpenStack Mistral's workflow language v2 and REST API v2");
        foreach (var command in DiscoverCommands())
        {
            root.Subcommands.Add(command);
        }

        return root.Parse(args).InvokeAsync();
    }

    // One file per command in Commands/: each is a static class named *Command with `public static Command Create()`,
    // so a new command is added by adding its file.
    private static IEnumerable<Command> DiscoverCommands() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => t.Namespace == "Sirocco.Cli.Commands" && t.Name.EndsWith("Command", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed)
            .Select(t => t.GetMethod("Create", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, Type.EmptyTypes))
            .Where(m => m is not null && m.ReturnType == typeof(Command))
            .Select(m => (Command)m!.Invoke(null, null)!)
            .OrderBy(c => c.Name, StringComparer.Ordinal);
}

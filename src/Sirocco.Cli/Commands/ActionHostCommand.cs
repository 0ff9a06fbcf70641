using System.CommandLine;
using Sirocco.Actions.Providers.Isolation;
using Sirocco.Server;

namespace Sirocco.Cli.Commands;

/// <summary>
/// <c>sirocco action-host --provider NAME [--plugins DIR] [--action-providers FILE]</c>: an executor process for an
/// isolated provider, started by the server (not by hand). Reads one action request per line on stdin and answers on
/// stdout; anything an action writes to the console goes to stderr.
/// </summary>
internal static class ActionHostCommand
{
    public static Command Create()
    {
        var provider = new Option<string>("--provider") { Description = "the provider whose actions this process runs", Required = true };
        var plugins = new Option<string?>("--plugins") { Description = "folder of .NET action plugins" };
        var providersFile = new Option<string?>("--action-providers") { Description = "JSON file of OS-command actions and remote catalogs" };
        var command = new Command("action-host", "Executor process for isolated action providers (started by the server)");
        command.Options.Add(provider);
        command.Options.Add(plugins);
        command.Options.Add(providersFile);
        command.SetAction(async (parse, ct) =>
        {
            var options = new ServerOptions { PluginsDirectory = parse.GetValue(plugins), ActionProvidersFile = parse.GetValue(providersFile) };
            var name = parse.GetValue(provider)!;
            var all = ActionProviderSetup.CreateInProcess(options);
            try
            {
                var chosen = all.FirstOrDefault(p => p.Name == name);
                if (chosen is null)
                {
                    await Console.Error.WriteLineAsync($"error: no action provider named '{name}' in this configuration").ConfigureAwait(false);
                    return 2;
                }

                // the protocol owns stdout; an action's console output must not corrupt it
                var protocol = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
                await using (protocol.ConfigureAwait(false))
                {
                    Console.SetOut(Console.Error);
                    using var input = new StreamReader(Console.OpenStandardInput());
                    await ActionHost.RunAsync(chosen, input, protocol, ct).ConfigureAwait(false);
                }

                return 0;
            }
            finally
            {
                foreach (var p in all.OfType<IDisposable>())
                {
                    p.Dispose();
                }
            }
        });
        return command;
    }
}

using System.CommandLine;
using Sirocco.Server;

namespace Sirocco.Cli.Commands;

/// <summary><c>sirocco server [--port N] [--db FILE]</c>: API + engine + executor in one process on a SQLite file.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1", DefaultValueFactory = _ => ServerOptions.DefaultPort };
        var db = new Option<string>("--db") { Description = "SQLite database file (created when missing)", DefaultValueFactory = _ => "sirocco.db" };
        var verbose = new Option<bool>("--verbose") { Description = "log every request" };
        var plugins = new Option<string?>("--plugins") { Description = "folder of .NET action plugins, watched while the server runs" };
        var command = new Command("server", "Run the Sirocco service: Mistral's REST API v2, the engine and the executor in one process");
        command.Options.Add(port);
        command.Options.Add(db);
        command.Options.Add(verbose);
        command.Options.Add(plugins);
        command.SetAction(async (parse, ct) =>
        {
            var p = parse.GetValue(port);
            if (p is < 0 or > 65535)
            {
                await Console.Error.WriteLineAsync($"error: --port must be between 0 and 65535, not {p}").ConfigureAwait(false);
                return 2;
            }

            var options = new ServerOptions
            {
                Port = p,
                DatabasePath = Path.GetFullPath(parse.GetValue(db) ?? "sirocco.db"),
                LogRequests = parse.GetValue(verbose),
                PluginsDirectory = parse.GetValue(plugins) is { } dir ? Path.GetFullPath(dir) : null,
            };
            SiroccoServer server;
            try
            {
                server = await SiroccoServer.StartAsync(options, ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"error: cannot listen on {options.Host}:{options.Port}: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            await using (server.ConfigureAwait(false))
            {
                // the end-to-end tests wait for this line to learn the URL (the port may be 0 = any free port)
                Console.WriteLine($"Sirocco listening on {server.BaseUri}v2 (database {options.DatabasePath})");
                await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using Sirocco.Server;
using Sirocco.Store;

namespace Sirocco.Cli.Commands;

/// <summary>
/// <c>sirocco server [--port N] [--database FILE|CONNECTION-STRING]</c>: API + engine + executor in one process, on a
/// SQLite file (default) or on PostgreSQL, where several such processes form a cluster.
/// </summary>
internal static class ServerCommand
{
    /// <summary>The environment variable that names the database when <c>--database</c> is not given.</summary>
    public const string DatabaseVariable = "SIROCCO_DATABASE";

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1", DefaultValueFactory = _ => ServerOptions.DefaultPort };
        var db = DatabaseOption();
        var verbose = new Option<bool>("--verbose") { Description = "log every request" };
        var roles = new Option<string>("--roles")
        {
            Description = "what this node runs: a comma list of api, engine, executor, scheduler (default: all)",
            DefaultValueFactory = _ => "all",
        };
        var plugins = new Option<string?>("--plugins") { Description = "folder of .NET action plugins, watched while the server runs" };
        var providersFile = new Option<string?>("--action-providers") { Description = "JSON file of OS-command actions and remote action catalogs" };
        var isolate = new Option<string?>("--isolate") { Description = "comma list of providers (plugins, commands, a remote catalog) whose actions run in executor processes" };
        var node = new NodeSettings();
        var command = new Command("server", "Run the Sirocco service: Mistral's REST API v2, the engine and the executor in one process");
        command.Options.Add(port);
        command.Options.Add(db);
        command.Options.Add(verbose);
        command.Options.Add(roles);
        command.Options.Add(plugins);
        command.Options.Add(providersFile);
        command.Options.Add(isolate);
        node.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var p = parse.GetValue(port);
            if (p is < 0 or > 65535)
            {
                await Console.Error.WriteLineAsync($"error: --port must be between 0 and 65535, not {p}").ConfigureAwait(false);
                return 2;
            }

            var database = ResolveDatabase(parse.GetValue(db));
            Runtime.NodeRoles nodeRoles;
            try
            {
                nodeRoles = Runtime.NodeRoleNames.Parse(parse.GetValue(roles) ?? "all");
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"error: --roles: {e.Message.Split(" (Parameter", 2)[0]}").ConfigureAwait(false);
                return 2;
            }

            Runtime.RuntimeOptions runtimeOptions;
            try
            {
                runtimeOptions = node.Apply(parse, new Runtime.RuntimeOptions { Roles = nodeRoles });
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            if (!nodeRoles.HasFlag(Runtime.NodeRoles.Api))
            {
                // no REST API on this node: the runtime alone (engine and/or executor)
                return await ExecutorCommand.RunHeadlessAsync(database, runtimeOptions, ct).ConfigureAwait(false);
            }

            var options = new ServerOptions
            {
                Runtime = runtimeOptions,
                Port = p,
                Database = database,
                LogRequests = parse.GetValue(verbose),
                PluginsDirectory = parse.GetValue(plugins) is { } dir ? Path.GetFullPath(dir) : null,
                ActionProvidersFile = parse.GetValue(providersFile) is { } file ? Path.GetFullPath(file) : null,
                IsolatedProviders = (parse.GetValue(isolate) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            SiroccoServer server;
            try
            {
                server = await SiroccoServer.StartAsync(options, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                // a bad configuration, or roles this database cannot serve (--roles api alone on SQLite)
                await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"error: cannot listen on {options.Host}:{options.Port}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (Exception e) when (e is StoreException or System.Data.Common.DbException or System.Net.Sockets.SocketException)
            {
                await Console.Error.WriteLineAsync($"error: cannot open the database {DatabaseNames.Describe(database)}: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            await using (server.ConfigureAwait(false))
            {
                // the end-to-end tests wait for this line to learn the URL (the port may be 0 = any free port)
                Console.WriteLine($"Sirocco listening on {server.BaseUri}v2 (database {DatabaseNames.Describe(database)})");
                await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The <c>--database</c> option (alias <c>--db</c>), shared by the commands that open the store.</summary>
    public static Option<string?> DatabaseOption() => new("--database", "--db")
    {
        Description = $"SQLite database file (created when missing) or PostgreSQL connection string; default: ${DatabaseVariable}, else sirocco.db",
    };

    /// <summary>The option's value, else the environment variable, else <c>sirocco.db</c>; a file name becomes a full path.</summary>
    public static string ResolveDatabase(string? given)
    {
        var database = given is { Length: > 0 } ? given
            : Environment.GetEnvironmentVariable(DatabaseVariable) is { Length: > 0 } fromEnv ? fromEnv
            : "sirocco.db";
        return DatabaseNames.PostgresConnectionString(database) is null ? Path.GetFullPath(database) : database;
    }
}

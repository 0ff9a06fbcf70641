using System.CommandLine;
using Sirocco.Runtime;
using Sirocco.Store;

namespace Sirocco.Cli.Commands;

/// <summary>
/// <c>sirocco executor [--pool NAME] --database CONNECTION-STRING</c>: a node that only runs actions. Without a pool
/// it takes actions of tasks without <c>target:</c>; with <c>--pool NAME</c> only those of tasks saying
/// <c>target: NAME</c>. Executors scale independently of engines; they need a database the engines share (PostgreSQL).
/// </summary>
internal static class ExecutorCommand
{
    public static Command Create()
    {
        var db = ServerCommand.DatabaseOption();
        var pool = new Option<string?>("--pool") { Description = "the executor pool (tasks route to it with target: NAME)" };
        var node = new NodeSettings();
        var command = new Command("executor", "Run an executor node: claims actions from the shared database and runs them");
        command.Options.Add(db);
        command.Options.Add(pool);
        node.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var database = ServerCommand.ResolveDatabase(parse.GetValue(db));
            var name = parse.GetValue(pool);
            RuntimeOptions options;
            try
            {
                options = node.Apply(parse, new RuntimeOptions { Roles = NodeRoles.Executor, ExecutorPool = string.IsNullOrWhiteSpace(name) ? null : name });
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 2;
            }

            return await RunHeadlessAsync(database, options, ct).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Runs a node without the REST API until Ctrl+C / SIGTERM.</summary>
    public static async Task<int> RunHeadlessAsync(string database, RuntimeOptions options, CancellationToken ct)
    {
        SiroccoStore store;
        try
        {
            store = await SiroccoStore.OpenDatabaseAsync(database, new StoreOptions(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreException or System.Data.Common.DbException or System.Net.Sockets.SocketException)
        {
            await Console.Error.WriteLineAsync($"error: cannot open the database {DatabaseNames.Describe(database)}: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (store.ConfigureAwait(false))
        {
            var runtime = new SiroccoRuntime(store, options);
            await using (runtime.ConfigureAwait(false))
            {
                await runtime.StartAsync(ct).ConfigureAwait(false);
                Console.WriteLine($"Sirocco node {options.NodeId} running {string.Join(",", NodeRoleNames.Names(options.Roles))}" +
                                  (options.ExecutorPool is { } p ? $" (pool {p})" : "") + $" on {DatabaseNames.Describe(database)}");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C / SIGTERM: stop cleanly (leave the node registry)
                }
            }
        }

        return 0;
    }
}

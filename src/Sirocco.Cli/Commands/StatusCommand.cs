using System.CommandLine;
using System.Globalization;
using Sirocco.Store;

namespace Sirocco.Cli.Commands;

/// <summary><c>sirocco status --database ...</c>: the nodes registered on a database and the work waiting in it.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var db = ServerCommand.DatabaseOption();
        var command = new Command("status", "Show the nodes sharing a database (roles, pool, last heartbeat) and the queued work");
        command.Options.Add(db);
        command.SetAction(async (parse, ct) =>
        {
            var database = ServerCommand.ResolveDatabase(parse.GetValue(db));
            try
            {
                await using var store = await SiroccoStore.OpenDatabaseAsync(database, new StoreOptions(), ct).ConfigureAwait(false);
                var now = store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
                var nodes = await store.ListNodesAsync(ct).ConfigureAwait(false);
                Console.WriteLine($"database: {DatabaseNames.Describe(database)}");
                Console.WriteLine($"{"NODE",-48} {"ROLES",-32} {"POOL",-10} {"STARTED",-20} {"HEARTBEAT",-12} STATE");
                foreach (var n in nodes)
                {
                    var age = TimeSpan.FromMilliseconds(Math.Max(0, now - n.HeartbeatAtMs));
                    // a node beats every 5 s by default; three missed beats mean it is gone
                    var state = age < TimeSpan.FromSeconds(15) ? "alive" : "silent";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{n.Id,-48} {n.Roles,-32} {n.Pool ?? "-",-10} {n.StartedAt:yyyy-MM-dd HH:mm:ss} {age.TotalSeconds,8:0.0}s ago {state}"));
                }

                var events = await store.CountPendingEventsAsync(ct).ConfigureAwait(false);
                var actions = await store.CountActionRequestsAsync(ct).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pending events: {events}, action requests: {actions}"));
                return 0;
            }
            catch (Exception e) when (e is StoreException or System.Data.Common.DbException or System.Net.Sockets.SocketException)
            {
                await Console.Error.WriteLineAsync($"error: cannot open the database {DatabaseNames.Describe(database)}: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}

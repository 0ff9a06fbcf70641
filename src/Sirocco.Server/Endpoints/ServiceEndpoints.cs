using Sirocco.Runtime;
using Sirocco.Server.Http;
using Sirocco.Store;

namespace Sirocco.Server.Endpoints;

/// <summary>
/// <c>GET /v2/services</c>: the live nodes on this database, in Mistral's shape (one entry per node and role, with
/// <c>name</c> and <c>type</c> = <c>&lt;role&gt;_group</c>, as Mistral's coordination groups), plus Sirocco's own
/// fields (host, pid, pool, started_at, last_heartbeat) that python-mistralclient ignores.
/// </summary>
public static class ServiceEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/services", async (SiroccoStore store, SiroccoRuntime runtime, CancellationToken ct) =>
        {
            var services = new List<object?>();
            foreach (var node in await LiveNodesAsync(store, runtime, ct).ConfigureAwait(false))
            {
                foreach (var role in node.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    services.Add(new OrderedDictionary<string, object?>
                    {
                        ["name"] = node.Id,
                        ["type"] = role + "_group",
                        ["host"] = node.Host,
                        ["pid"] = (long)node.Pid,
                        ["pool"] = node.Pool,
                        ["started_at"] = node.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                        ["last_heartbeat"] = DateTimeOffset.FromUnixTimeMilliseconds(node.HeartbeatAtMs).UtcDateTime
                            .ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    });
                }
            }

            return Wire.Json(new OrderedDictionary<string, object?> { ["services"] = services });
        }).WithSummary("The live nodes and their roles");
    }

    /// <summary>Nodes whose heartbeat is younger than three heartbeat periods.</summary>
    public static async Task<IReadOnlyList<SiroccoStore.NodeRecord>> LiveNodesAsync(SiroccoStore store, SiroccoRuntime runtime, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runtime);
        var cutoff = store.Clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)(runtime.Options.NodeHeartbeat * 3).TotalMilliseconds;
        return (await store.ListNodesAsync(ct).ConfigureAwait(false)).Where(n => n.HeartbeatAtMs >= cutoff).ToList();
    }
}

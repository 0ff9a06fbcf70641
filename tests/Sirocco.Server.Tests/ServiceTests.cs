namespace Sirocco.Server.Tests;

public sealed class ServiceTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Services_list_this_node_once_per_role_in_mistrals_shape()
    {
        var (status, body, _) = await fx.GetAsync("/v2/services");

        Assert.Equal(200, status);
        var services = Assert.IsType<List<object?>>(Assert.IsType<OrderedDictionary<string, object?>>(body)["services"]);
        var entries = services.Cast<OrderedDictionary<string, object?>>().ToList();
        Assert.Equal(["api_group", "engine_group", "executor_group", "scheduler_group"], entries.Select(e => (string)e["type"]!));
        Assert.All(entries, e => Assert.Equal(fx.Server.Runtime.Options.NodeId, e["name"]));
        Assert.All(entries, e => Assert.Equal((long)Environment.ProcessId, e["pid"]));
    }
}

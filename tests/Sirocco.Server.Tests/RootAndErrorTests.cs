namespace Sirocco.Server.Tests;

public sealed class RootAndErrorTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Root_lists_v2_as_the_current_version()
    {
        var (status, body, _) = await fx.GetAsync("/");
        Assert.Equal(200, status);
        var version = J.Map(J.List(J.At(body, "versions")).Single());
        Assert.Equal("v2.0", version["id"]);
        Assert.Equal("CURRENT", version["status"]);
        var link = J.Map(J.List(version["links"]).Single());
        Assert.Equal(new Uri(fx.Server.BaseUri, "v2").ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal),
            ((string)link["href"]!).Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        Assert.Equal("self", link["rel"]);
    }

    [Fact]
    public async Task V2_root_gives_its_uri()
    {
        var (status, body, _) = await fx.GetAsync("/v2");
        Assert.Equal(200, status);
        Assert.EndsWith("/v2", (string)J.At(body, "uri")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_v2_routes()
    {
        var (status, body, _) = await fx.GetAsync("/openapi.json");
        Assert.Equal(200, status);
        var paths = J.Map(J.At(body, "paths"));
        Assert.Contains("/v2/workflows", paths.Keys);
        Assert.Contains("/v2/workbooks/{name}", paths.Keys);
    }

    [Fact]
    public async Task Unknown_route_gets_404_with_an_error_body()
    {
        var (status, body, _) = await fx.GetAsync("/v2/no_such_collection");
        Assert.Equal(404, status);
        Assert.Contains("/v2/no_such_collection", J.Fault(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_method_gets_405_with_an_error_body()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Patch, "/v2/workflows", "{}");
        Assert.Equal(405, status);
        Assert.Contains("PATCH", J.Fault(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Xml_definition_gets_415_with_the_text_route_error_body()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", "<workflow/>", "application/xml");
        Assert.Equal(415, status);
        var m = J.Map(body);
        Assert.Equal(["faultstring"], m.Keys);
        Assert.Contains("text/plain", (string)m["faultstring"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_definition_is_a_400_that_says_so()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", "  ", "text/plain");
        Assert.Equal(400, status);
        Assert.Contains("empty", (string)J.At(body, "faultstring")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_query_argument_on_a_single_get_is_400()
    {
        var (status, body, _) = await fx.GetAsync("/v2/workflows/some_name?colour=blue");
        Assert.Equal(400, status);
        Assert.Equal("Unknown argument: \"colour\"", J.Fault(body));
    }

    [Fact]
    public async Task Missing_workflow_is_404_with_mistrals_message()
    {
        var (status, body, _) = await fx.GetAsync("/v2/workflows/no_such_wf");
        Assert.Equal(404, status);
        Assert.Equal("Workflow not found [workflow_identifier=no_such_wf, namespace=]", J.Fault(body));
    }

    [Fact]
    public async Task Missing_workbook_delete_is_404()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/workbooks/nope");
        Assert.Equal(404, status);
        Assert.Contains("Workbook not found", J.Fault(body), StringComparison.Ordinal);
    }
}

using Sirocco.Store.Definitions;

namespace Sirocco.Server.Tests;

/// <summary>Mistral's list semantics over /v2/workflows, with definitions written straight into the store.</summary>
public sealed class ListQueryTests : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private static readonly string[] Names = ["alpha", "bravo", "charlie", "delta", "echo"];
    private readonly ServerFixture _fx;

    public ListQueryTests(ServerFixture fx) => _fx = fx;

    public async ValueTask InitializeAsync()
    {
        if ((await _fx.Server.Store.WorkflowDefinitions.ListAsync(ct: TestContext.Current.CancellationToken)).Count > 0)
        {
            return;
        }

        foreach (var (name, i) in Names.Select((n, i) => (n, i)))
        {
            await _fx.Server.Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition
            {
                Name = name,
                Definition = $"version: '2.0'\n{name}:\n  tasks:\n    t: {{action: std.noop}}\n",
                Tags = i % 2 == 0 ? ["even", "tagged"] : ["odd"],
                Input = i == 0 ? "a, b=\"1\"" : "",
                Interface = "{\"input\":[\"a\",{\"b\":1}],\"output\":[]}",
            }, TestContext.Current.CancellationToken);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<List<object?>> ListAsync(string query)
    {
        var (status, body, _) = await _fx.GetAsync("/v2/workflows" + query);
        Assert.Equal(200, status);
        return J.List(J.At(body, "workflows"));
    }

    private static List<string> NamesOf(List<object?> items) => items.Select(w => (string)J.At(w, "name")!).ToList();

    [Fact]
    public async Task Default_list_returns_every_field_the_cli_renders()
    {
        var items = await ListAsync("");
        Assert.Equal(Names.Length, items.Count);
        var first = J.Map(items[0]);
        foreach (var field in new[] { "id", "name", "namespace", "project_id", "tags", "input", "scope", "created_at", "updated_at", "definition" })
        {
            Assert.True(first.ContainsKey(field), field);
        }

        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", (string)first["created_at"]!);
        Assert.Null(first["updated_at"]);
        Assert.Equal("<default-project>", first["project_id"]);
        // interface is a JSON-encoded string in GET responses, written as Python's json.dumps writes it
        Assert.Equal("{\"input\": [\"a\", {\"b\": 1}], \"output\": []}", first["interface"]);
    }

    [Fact]
    public async Task Pages_follow_the_marker_and_the_next_link_until_the_end()
    {
        var seen = new List<string>();
        string? path = "/v2/workflows?limit=2&sort_keys=name";
        var pages = 0;
        while (path is not null)
        {
            var (status, body, _) = await _fx.GetAsync(path);
            Assert.Equal(200, status);
            var items = J.List(J.At(body, "workflows"));
            seen.AddRange(NamesOf(items));
            pages++;
            var map = J.Map(body);
            if (items.Count == 2)
            {
                var next = new Uri((string)map["next"]!);
                Assert.Contains("marker=" + (string)J.At(items[^1], "id")!, next.Query, StringComparison.Ordinal);
                Assert.Contains("limit=2", next.Query, StringComparison.Ordinal);
                path = next.PathAndQuery;
            }
            else
            {
                Assert.False(map.ContainsKey("next"));
                path = null;
            }
        }

        Assert.Equal(Names, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Sort_by_name_descending()
    {
        Assert.Equal(Names.Reverse(), NamesOf(await ListAsync("?sort_keys=name&sort_dirs=desc")));
    }

    [Fact]
    public async Task Sort_keys_and_dirs_are_lowercased_and_trimmed()
    {
        Assert.Equal(Names.Reverse(), NamesOf(await ListAsync("?sort_keys=%20NAME&sort_dirs=DESC%20")));
    }

    [Fact]
    public async Task Descending_pages_continue_after_the_marker()
    {
        var first = await ListAsync("?sort_keys=name&sort_dirs=desc&limit=2");
        var second = await ListAsync($"?sort_keys=name&sort_dirs=desc&limit=2&marker={J.At(first[^1], "id")}");
        Assert.Equal(["echo", "delta"], NamesOf(first));
        Assert.Equal(["charlie", "bravo"], NamesOf(second));
    }

    [Fact]
    public async Task Filters_with_operators()
    {
        Assert.Equal(["bravo"], NamesOf(await ListAsync("?name=bravo")));
        Assert.Equal(["bravo"], NamesOf(await ListAsync("?name=eq:bravo")));
        Assert.Equal(["alpha", "charlie", "delta", "echo"], NamesOf(await ListAsync("?name=neq:bravo&sort_keys=name")));
        Assert.Equal(["alpha", "echo"], NamesOf(await ListAsync("?name=in:alpha,echo&sort_keys=name")));
        Assert.Equal(["bravo", "charlie", "delta"], NamesOf(await ListAsync("?name=nin:alpha,echo&sort_keys=name")));
        Assert.Equal(["delta", "echo"], NamesOf(await ListAsync("?name=gt:charlie&sort_keys=name")));
        Assert.Equal(["charlie", "delta", "echo"], NamesOf(await ListAsync("?name=gte:charlie&sort_keys=name")));
        Assert.Equal(["alpha"], NamesOf(await ListAsync("?name=lt:bravo")));
        Assert.Equal(["alpha", "bravo"], NamesOf(await ListAsync("?name=lte:bravo&sort_keys=name")));
        Assert.Equal(["charlie", "delta", "echo"], NamesOf(await ListAsync("?name=has:e&sort_keys=name")));
        Assert.Equal(["alpha", "charlie", "echo"], NamesOf(await ListAsync("?tags=even,tagged&sort_keys=name")));
        Assert.Empty(await ListAsync("?tags=even,odd"));
        Assert.Equal(Names, NamesOf(await ListAsync("?created_at=gte:2000-01-01%2000:00:00&sort_keys=name")));
        Assert.Empty(await ListAsync("?created_at=lt:2000-01-01%2000:00:00"));
    }

    [Fact]
    public async Task Fields_returns_only_the_asked_fields_and_id()
    {
        var items = await ListAsync("?fields=name,scope");
        var first = J.Map(items[0]);
        Assert.Equal(["id", "name", "scope"], first.Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("?limit=0", "Limit must be positive.")]
    [InlineData("?limit=-3", "Limit must be positive.")]
    [InlineData("?limit=ten", "Invalid input for field/attribute limit. Value: 'ten'. unable to convert to int")]
    [InlineData("?sort_dirs=sideways", "Unknown sort direction, must be 'desc' or 'asc'.")]
    [InlineData("?sort_keys=name&sort_dirs=asc,desc", "Length of sort_keys must be equal or greater than sort_dirs.")]
    [InlineData("?marker=abc", "Invalid input for field/attribute marker. Value: 'abc'. Wrong type. Expected a UUID")]
    [InlineData("?colour=blue", "Unknown argument: \"colour\"")]
    public async Task Bad_list_parameters_get_400_with_mistrals_message(string query, string message)
    {
        var (status, body, _) = await _fx.GetAsync("/v2/workflows" + query);
        Assert.Equal(400, status);
        Assert.Equal(message, J.Fault(body));
    }

    [Fact]
    public async Task Unknown_sort_key_and_field_name_the_valid_ones()
    {
        var (status, body, _) = await _fx.GetAsync("/v2/workflows?sort_keys=colour");
        Assert.Equal(400, status);
        Assert.Contains("'colour'", J.Fault(body), StringComparison.Ordinal);
        Assert.Contains("created_at", J.Fault(body), StringComparison.Ordinal);

        (status, body, _) = await _fx.GetAsync("/v2/workflows?fields=name,colour");
        Assert.Equal(400, status);
        Assert.StartsWith("Some fields do not exist  [colour], please choose from [id, name", J.Fault(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marker_of_a_missing_object_is_404()
    {
        var (status, body, _) = await _fx.GetAsync($"/v2/workflows?marker={Guid.NewGuid()}");
        Assert.Equal(404, status);
        Assert.StartsWith("Workflow not found", J.Fault(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_by_name_and_by_id_with_fields()
    {
        var (status, byName, _) = await _fx.GetAsync("/v2/workflows/charlie");
        Assert.Equal(200, status);
        var id = (string)J.At(byName, "id")!;
        var (status2, byId, _) = await _fx.GetAsync($"/v2/workflows/{id}?fields=name");
        Assert.Equal(200, status2);
        Assert.Equal(new Dictionary<string, object?> { ["id"] = id, ["name"] = "charlie" }, J.Map(byId));
    }
}

using Sirocco.Values;

namespace Sirocco.Server.Tests;

/// <summary>
/// <c>/v2/actions</c>: ad-hoc actions stored through the API (create, get, list, update, delete, validate), the catalog of
/// every provider with its input and provider, workbooks with <c>actions:</c>, and workflows running ad-hoc actions.
/// </summary>
public sealed class ActionCatalogTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Greet = """
        version: '2.0'
        greet_{0}:
          description: Greets someone
          tags: [demo]
          base: std.echo
          base-input:
            output: "<% $.greeting %>, <% $.name %>!"
          input:
            - name
            - greeting: Hello
          output:
            text: <% $ %>
        """;

    private async Task<OrderedDictionary<string, object?>> WaitForExecutionAsync(string id)
    {
        var done = await fx.Server.Runtime.WaitForCompletionAsync(id, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.NotNull(done);
        var (_, body, _) = await fx.GetAsync($"/v2/executions/{id}");
        return J.Map(body);
    }

    private async Task<OrderedDictionary<string, object?>> RunWorkflowAsync(string name, string input = "{}")
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions",
            Json.Serialize(new OrderedDictionary<string, object?> { ["workflow_name"] = name, ["input"] = input }));
        Assert.True(status == 201, Json.Serialize(body));
        return await WaitForExecutionAsync((string)J.At(body, "id")!);
    }

    private static OrderedDictionary<string, object?>? Find(object? listBody, string name) =>
        J.List(J.At(listBody, "actions")).Select(J.Map).FirstOrDefault(a => (string?)a["name"] == name);

    [Fact]
    public async Task Ad_hoc_action_lifecycle_create_get_list_update_delete()
    {
        var (status, body, response) = await fx.SendAsync(HttpMethod.Post, "/v2/actions", string.Format(Greet, "a"), "text/plain");
        Assert.Equal(201, status);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var created = J.Map(Assert.Single(J.List(J.At(body, "actions"))));
        Assert.Equal("greet_a", created["name"]);
        Assert.Equal("name, greeting=\"Hello\"", created["input"]);
        Assert.Equal("Greets someone", created["description"]);
        Assert.Equal(new List<object?> { "demo" }, created["tags"]);
        Assert.Equal(false, created["is_system"]);
        Assert.Equal("adhoc", created["provider"]);
        var id = (string)created["id"]!;
        Assert.True(Guid.TryParse(id, out _));

        (status, body, _) = await fx.GetAsync("/v2/actions/greet_a");
        Assert.Equal(200, status);
        Assert.Equal(id, J.At(body, "id"));
        Assert.Contains("base: std.echo", (string)J.At(body, "definition")!, StringComparison.Ordinal);

        // the CLI's form: /actions/<name>/<namespace>, with an empty namespace
        (status, body, _) = await fx.GetAsync("/v2/actions/greet_a/");
        Assert.Equal(200, status);
        Assert.Equal(id, J.At(body, "id"));

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/actions", string.Format(Greet, "a"), "text/plain");
        Assert.Equal(409, status);
        Assert.Contains("greet_a", (string)J.At(body, "faultstring")!, StringComparison.Ordinal);

        var changed = string.Format(Greet, "a").Replace("- greeting: Hello", "- greeting: Hi", StringComparison.Ordinal);
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, "/v2/actions", changed, "text/plain");
        Assert.Equal(200, status);
        var updated = J.Map(Assert.Single(J.List(J.At(body, "actions"))));
        Assert.Equal(id, updated["id"]);
        Assert.Equal("name, greeting=\"Hi\"", updated["input"]);
        Assert.NotNull(updated["updated_at"]);

        (status, _, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/actions/greet_a");
        Assert.Equal(204, status);
        (status, body, _) = await fx.GetAsync("/v2/actions/greet_a");
        Assert.Equal(404, status);
        Assert.Contains("Action not found [name=greet_a", J.Fault(body), StringComparison.Ordinal);

        (status, body, _) = await fx.SendAsync(HttpMethod.Put, "/v2/actions", changed, "text/plain");
        Assert.Equal(404, status);
        Assert.Contains("Action definition not found", (string)J.At(body, "faultstring")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_lists_std_and_ad_hoc_actions_with_input_and_provider()
    {
        await fx.SendAsync(HttpMethod.Post, "/v2/actions", string.Format(Greet, "b"), "text/plain");
        var (status, body, _) = await fx.GetAsync("/v2/actions");
        Assert.Equal(200, status);
        var http = Find(body, "std.http")!;
        Assert.Equal("std", http["provider"]);
        Assert.Equal("std.http", http["id"]);
        Assert.StartsWith("url, method=\"GET\"", (string)http["input"]!, StringComparison.Ordinal);
        Assert.Equal("adhoc", Find(body, "greet_b")!["provider"]);
        var names = J.List(J.At(body, "actions")).Select(a => (string)J.At(a, "name")!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal).ToList(), names);

        (_, body, _) = await fx.GetAsync("/v2/actions?provider=adhoc");
        Assert.All(J.List(J.At(body, "actions")), a => Assert.Equal("adhoc", J.At(a, "provider")));

        (_, body, _) = await fx.GetAsync("/v2/actions?name=has:std.e&sort_keys=name&sort_dirs=desc");
        Assert.Equal(["std.email", "std.echo"], J.List(J.At(body, "actions")).Select(a => (string)J.At(a, "name")!).ToList());

        (_, body, _) = await fx.GetAsync("/v2/actions?limit=2&name=has:std.");
        var page = J.List(J.At(body, "actions"));
        Assert.Equal(2, page.Count);
        var next = new Uri((string)J.At(body, "next")!);
        (_, body, _) = await fx.GetAsync(next.PathAndQuery);
        Assert.DoesNotContain(J.At(page[1], "name"), J.List(J.At(body, "actions")).Select(a => J.At(a, "name")));

        (status, body, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/actions/std.echo");
        Assert.Equal(404, status);
        Assert.Contains("'std' provider", J.Fault(body), StringComparison.Ordinal);

        (status, _, _) = await fx.GetAsync("/v2/actions?colour=blue");
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Namespaced_ad_hoc_action_is_listed_only_in_its_namespace()
    {
        var (status, _, _) = await fx.SendAsync(HttpMethod.Post, "/v2/actions?namespace=ns1", string.Format(Greet, "c"), "text/plain");
        Assert.Equal(201, status);
        var (_, body, _) = await fx.GetAsync("/v2/actions");
        Assert.Null(Find(body, "greet_c"));
        (_, body, _) = await fx.GetAsync("/v2/actions?namespace=ns1");
        Assert.NotNull(Find(body, "greet_c"));
        Assert.Null(Find(body, "std.echo"));
        (status, _, _) = await fx.GetAsync("/v2/actions/greet_c/ns1");
        Assert.Equal(200, status);
        (status, _, _) = await fx.GetAsync("/v2/actions/greet_c");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Bad_action_yaml_is_400_with_position_and_stores_nothing()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/actions", "version: '2.0'\nbroken_x:\n  base-input: {a: 1}\n", "text/plain");
        Assert.Equal(400, status);
        Assert.Contains("base", (string)J.At(body, "faultstring")!, StringComparison.Ordinal);
        Assert.Matches(@"\d+:\d+", (string)J.At(body, "faultstring")!);
        (status, _, _) = await fx.GetAsync("/v2/actions/broken_x");
        Assert.Equal(404, status);

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/actions/validate", "version: '2.0'\nok_x:\n  base: std.noop\n", "text/plain");
        Assert.Equal(200, status);
        Assert.Equal(true, J.At(body, "valid"));
    }

    [Fact]
    public async Task Workflow_runs_a_stored_ad_hoc_action_and_sees_updates_without_restart()
    {
        await fx.SendAsync(HttpMethod.Post, "/v2/actions", string.Format(Greet, "d"), "text/plain");
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", """
            version: '2.0'
            uses_greet_d:
              input: [who]
              output:
                said: <% $.said %>
              tasks:
                t1:
                  action: greet_d name=<% $.who %>
                  publish:
                    said: <% task().result.text %>
            """, "text/plain");
        Assert.True(status == 201, Json.Serialize(body));

        var ex = await RunWorkflowAsync("uses_greet_d", """{"who": "Ada"}""");
        Assert.Equal("SUCCESS", ex["state"]);
        Assert.Equal("Hello, Ada!", J.At(Json.Parse((string)ex["output"]!), "said"));

        var changed = string.Format(Greet, "d").Replace("- greeting: Hello", "- greeting: Bonjour", StringComparison.Ordinal);
        (status, _, _) = await fx.SendAsync(HttpMethod.Put, "/v2/actions", changed, "text/plain");
        Assert.Equal(200, status);
        ex = await RunWorkflowAsync("uses_greet_d", """{"who": "Ada"}""");
        Assert.Equal("Bonjour, Ada!", J.At(Json.Parse((string)ex["output"]!), "said"));

        // an unknown input name fails the task with Mistral's message
        (status, _, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", """
            version: '2.0'
            uses_greet_d_badly:
              tasks:
                t1:
                  action: greet_d nom=Ada
            """, "text/plain");
        Assert.Equal(201, status);
        ex = await RunWorkflowAsync("uses_greet_d_badly");
        Assert.Equal("ERROR", ex["state"]);
        Assert.Contains("Invalid input [name=greet_d", (string)ex["state_info"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workbook_with_actions_is_accepted_and_its_workflow_runs_them()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workbooks", """
            version: '2.0'
            name: wbx
            actions:
              shout:
                input: [text]
                base: std.echo output=<% $.text %>
                output: <% $.toUpper() %>
            workflows:
              main:
                output:
                  loud: <% $.loud %>
                tasks:
                  t1:
                    action: shout text="hey"
                    publish:
                      loud: <% task().result %>
            """, "text/plain");
        Assert.True(status == 201, Json.Serialize(body));

        (status, body, _) = await fx.GetAsync("/v2/actions/wbx.shout");
        Assert.Equal(200, status);
        Assert.Equal("text", J.At(body, "input"));
        Assert.Equal("adhoc", J.At(body, "provider"));
        // only the action's own lines of the workbook, as Mistral's get_action_definition cuts them (the row keeps the workbook)
        Assert.Equal("shout:\n  input: [text]\n  base: std.echo output=<% $.text %>\n  output: <% $.toUpper() %>\n", J.At(body, "definition"));

        var ex = await RunWorkflowAsync("wbx.main");
        Assert.True("SUCCESS".Equals(ex["state"]), Json.Serialize(ex));
        Assert.Equal("HEY", J.At(Json.Parse((string)ex["output"]!), "loud"));
    }
}

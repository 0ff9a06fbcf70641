namespace Sirocco.Server.Tests;

/// <summary><c>/v2/environments</c> as python-mistralclient uses it, and executions reading a stored environment.</summary>
public sealed class EnvironmentTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string EnvWorkflow = """
        version: '2.0'
        env_reader:
          output:
            greeting: <% env().greeting %>
            port: <% env().db.port %>
            jinja: "{{ env().greeting }}"
          tasks:
            t:
              action: std.noop
        """;

    [Fact]
    public async Task Environment_lifecycle_in_mistrals_shape()
    {
        // the client sends variables as a JSON string
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/environments",
            """{"name": "life", "description": "first", "variables": "{\"a\": 1, \"b\": [true, null]}", "scope": "private"}""");
        Assert.Equal(201, status);
        var created = J.Map(body);
        Assert.Equal("life", created["name"]);
        Assert.Equal("first", created["description"]);
        Assert.Equal("""{"a": 1, "b": [true, null]}""", created["variables"]);
        Assert.Equal("private", created["scope"]);
        Assert.Equal("<default-project>", created["project_id"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", (string)created["created_at"]!);
        Assert.Null(created["updated_at"]);
        Assert.True(Guid.TryParse((string)created["id"]!, out _));

        (status, body, _) = await fx.GetAsync("/v2/environments/life");
        Assert.Equal(200, status);
        Assert.Equal(created["id"], J.At(body, "id"));
        Assert.Equal("""{"a": 1, "b": [true, null]}""", J.At(body, "variables"));

        // a duplicate name is 409
        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/environments", """{"name": "life", "variables": {}}""");
        Assert.Equal(409, status);
        Assert.Equal("Duplicate entry for Environment ['name', 'project_id']: life, <default-project>", J.Fault(body));

        // update replaces what is given and keeps the rest
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, "/v2/environments", """{"name": "life", "variables": {"a": 2}}""");
        Assert.Equal(200, status);
        Assert.Equal("""{"a": 2}""", J.At(body, "variables"));
        Assert.Equal("first", J.At(body, "description"));
        Assert.NotNull(J.At(body, "updated_at"));

        (status, body, _) = await fx.GetAsync("/v2/environments?fields=name,scope");
        Assert.Equal(200, status);
        var listed = Assert.Single(J.List(J.At(body, "environments")), e => (string?)J.At(e, "name") == "life");
        Assert.Equal("private", J.At(listed, "scope"));
        Assert.False(J.Map(listed).ContainsKey("variables"));

        (status, _, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/environments/life");
        Assert.Equal(204, status);
        (status, body, _) = await fx.GetAsync("/v2/environments/life");
        Assert.Equal(404, status);
        Assert.Equal("Environment not found [name=life]", J.Fault(body));
        (status, body, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/environments/life");
        Assert.Equal(404, status);
        Assert.Equal("Environment not found [name=life]", J.Fault(body));
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, "/v2/environments", """{"name": "life", "description": "x"}""");
        Assert.Equal(404, status);
        Assert.Equal("Environment not found [name=life]", J.Fault(body));
    }

    [Fact]
    public async Task Bad_environment_bodies_are_400_and_store_nothing()
    {
        var cases = new (string Method, string Body, string Fault)[]
        {
            ("POST", "{not json", "The request body is not valid JSON"),
            ("POST", """{"name": "bad", "variables": {}, "colour": "blue"}""", "Unknown attribute for argument env: colour"),
            ("POST", """{"name": "bad", "variables": {}, "id": "x"}""",
                "Please, check your environment definition. Only: ['name', 'description', 'variables', 'scope'] are allowed as definition keys."),
            ("POST", """{"name": "bad", "variables": "[1, 2]"}""", "variables"),
            ("POST", """{"name": "bad", "variables": "{oops"}""", "variables"),
            ("POST", """{"name": "bad", "variables": {}, "scope": "galaxy"}""", "Value should be one of: private, public"),
            ("POST", """{"name": "bad", "variables": {}, "project_id": "p"}""", "Cannot set read only field."),
            ("POST", """{"variables": {}}""", "Name of the environment is not provided."),
            ("PUT", """{"variables": {}}""", "Name of the environment is not provided."),
            ("PUT", """{"name": "bad", "created_at": "2020-01-01 00:00:00"}""",
                "Please, check your environment definition. Only: ['description', 'variables', 'scope'] are allowed as definition keys."),
        };
        foreach (var (method, text, fault) in cases)
        {
            var (status, body, _) = await fx.SendAsync(new HttpMethod(method), "/v2/environments", text);
            Assert.True(status == 400, $"{method} {text}: {status}");
            Assert.Contains(fault, J.Fault(body), StringComparison.Ordinal);
        }

        var (_, list, _) = await fx.GetAsync("/v2/environments?name=bad");
        Assert.Empty(J.List(J.At(list, "environments")));
    }

    [Fact]
    public async Task Execution_reads_a_stored_environment_by_name_or_an_inline_one()
    {
        var (status, created, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", EnvWorkflow, "text/plain");
        Assert.True(status == 201, Values.Json.Serialize(created));
        (status, _, _) = await fx.SendAsync(HttpMethod.Post, "/v2/environments",
            """{"name": "prod", "variables": "{\"greeting\": \"hi from prod\", \"db\": {\"port\": 5432}}"}""");
        Assert.Equal(201, status);

        var output = await RunAsync("""{"workflow_name": "env_reader", "params": "{\"env\": \"prod\"}"}""");
        Assert.Equal("hi from prod", output["greeting"]);
        Assert.Equal(5432L, output["port"]);
        Assert.Equal("hi from prod", output["jinja"]);

        output = await RunAsync("""{"workflow_name": "env_reader", "params": {"env": {"greeting": "inline", "db": {"port": 1}}}}""");
        Assert.Equal("inline", output["greeting"]);
        Assert.Equal(1L, output["port"]);

        // the execution keeps the environment it started with: a later update does not reach it
        var (_, execution, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", """{"workflow_name": "env_reader", "params": {"env": "prod"}}""");
        var paramsJson = Values.Json.Parse((string)J.At(execution, "params")!);
        Assert.Equal("hi from prod", J.At(J.At(paramsJson, "env"), "greeting"));

        (status, var body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", """{"workflow_name": "env_reader", "params": {"env": "nope"}}""");
        Assert.Equal(400, status);
        Assert.Equal("Environment is not found: nope", J.Fault(body));
    }

    private async Task<OrderedDictionary<string, object?>> RunAsync(string request)
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", request);
        Assert.True(status == 201, Values.Json.Serialize(body));
        var id = (string)J.At(body, "id")!;
        var done = await fx.Server.Runtime.WaitForCompletionAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal("SUCCESS", done.State);
        var (_, got, _) = await fx.GetAsync($"/v2/executions/{id}");
        return J.Map(Values.Json.Parse((string)J.At(got, "output")!));
    }
}

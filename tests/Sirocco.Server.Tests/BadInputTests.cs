namespace Sirocco.Server.Tests;

/// <summary>Bad input gets Mistral's status and error body with an actionable message, and stores nothing.</summary>
public sealed class BadInputTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private async Task AssertNothingStoredAsync()
    {
        var (_, body, _) = await fx.GetAsync("/v2/workflows");
        Assert.Empty(J.List(J.At(body, "workflows")));
    }

    [Fact]
    public async Task Malformed_yaml_is_400_with_line_and_column()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", "version: '2.0'\nwf:\n  tasks: [unclosed\n", "text/plain");
        Assert.Equal(400, status);
        Assert.Matches(@"\d+:\d+", (string)J.At(body, "faultstring")!);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Unknown_key_is_400_naming_it()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows",
            "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.noop\n      colour: blue\n", "text/plain");
        Assert.Equal(400, status);
        Assert.Contains("colour", (string)J.At(body, "faultstring")!, StringComparison.Ordinal);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Wrong_type_is_400()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows",
            "version: '2.0'\nwf:\n  tasks: 42\n", "text/plain");
        Assert.Equal(400, status);
        Assert.Matches(@"\d+:\d+", (string)J.At(body, "faultstring")!);
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("<% $.x + %>")]
    [InlineData("{{ _.x | }}")]
    public async Task Expression_syntax_error_is_400_naming_the_expression_and_validate_says_invalid(string expression)
    {
        var text = $"version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.echo output=\"{expression}\"\n";
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", text, "text/plain");
        Assert.Equal(400, status);
        var message = (string)J.At(body, "faultstring")!;
        Assert.Matches(@"^5:\d+: ", message);
        Assert.Contains(expression, message, StringComparison.Ordinal);
        await AssertNothingStoredAsync();

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows/validate", text, "text/plain");
        Assert.Equal(200, status);
        Assert.Equal(false, J.At(body, "valid"));
        Assert.False(string.IsNullOrEmpty((string?)J.At(body, "error")));
    }

    [Fact]
    public async Task Execution_of_an_unknown_workflow_is_404()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", """{"workflow_name": "nope", "input": "{}"}""");
        Assert.Equal(404, status);
        Assert.Contains("Workflow not found", J.Fault(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execution_body_problems_are_400_or_415()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", "{not json");
        Assert.Equal(400, status);
        Assert.Contains("not valid JSON", J.Fault(body), StringComparison.Ordinal);

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", """{"input": "{}"}""");
        Assert.Equal(400, status);
        Assert.Equal("Workflow ID or workflow name must be provided. Workflow ID is recommended.", J.Fault(body));

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", """{"workflow_name": "x", "input": "[1]"}""");
        Assert.Equal(400, status);
        Assert.Contains("input", J.Fault(body), StringComparison.Ordinal);

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", "workflow_name: x", "text/plain");
        Assert.Equal(415, status);
        Assert.Contains("application/json", J.Fault(body), StringComparison.Ordinal);

        (status, _, _) = await fx.GetAsync("/v2/executions?limit=0");
        Assert.Equal(400, status);
    }
}

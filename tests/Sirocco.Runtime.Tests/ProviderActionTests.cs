using System.Net;
using System.Net.Sockets;
using System.Text;
using Sirocco.Engine.Model;

namespace Sirocco.Runtime.Tests;

/// <summary>Actions beyond the inline built-ins are resolved through the action provider (the <c>std</c> provider by default).</summary>
[Trait("Category", "Integration")]
public sealed class ProviderActionTests
{
    [Fact]
    public async Task Std_actions_from_the_provider_run_on_the_executor()
    {
        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("calc", """
            version: '2.0'
            calc:
              tasks:
                dict:
                  action: std.test_dict size=2 key_prefix="k" val=7
                  publish:
                    d: <% task().result %>
                  on-success: js
                js:
                  action: std.js
                  input:
                    script: "return $.k0 + $.k1;"
                    context: <% $.d %>
                  publish:
                    sum: <% task().result %>
              output:
                d: <% $.d %>
                sum: <% $.sum %>
            """);

        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "calc" }, RuntimeFixture.Deadline());
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());

        Assert.Equal(States.Success, done.State);
        Assert.Equal(new OrderedDictionary<string, object?> { ["k0"] = 7L, ["k1"] = 7L }, done.Output["d"]);
        Assert.Equal(14L, done.Output["sum"]);
    }

    [Fact]
    public async Task Std_http_error_status_puts_the_task_in_error_with_the_response()
    {
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            var ctx = await listener.GetContextAsync();
            var body = Encoding.UTF8.GetBytes("{\"why\": \"missing\"}");
            ctx.Response.StatusCode = 404;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(body, RuntimeFixture.Ct);
            ctx.Response.Close();
        }, RuntimeFixture.Ct);

        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("fetch", $$"""
            version: '2.0'
            fetch:
              tasks:
                get:
                  action: std.http url="http://127.0.0.1:{{port}}/thing"
                  on-error: report
                report:
                  action: std.echo output=<% task(get).result.content.why %>
                  publish:
                    why: <% task().result %>
                    status: <% task(get).result.status %>
              output:
                why: <% $.why %>
                status: <% $.status %>
            """);

        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "fetch" }, RuntimeFixture.Deadline());
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());
        await serving;

        Assert.Equal(States.Success, done.State);
        Assert.Equal("missing", done.Output["why"]);
        Assert.Equal(404L, done.Output["status"]);
        var state = await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct);
        Assert.Equal(States.Error, state.Tasks.Single(t => t.Name == "get").State);
    }

    [Fact]
    public async Task Std_mistral_http_whose_request_fails_completes_its_task_in_error_at_once()
    {
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            var ctx = await listener.GetContextAsync();
            var callback = ctx.Request.Headers["Mistral-Callback-URL"] ?? "";
            var body = Encoding.UTF8.GetBytes("{\"callback\": \"" + callback + "\"}");
            ctx.Response.StatusCode = 503;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(body, RuntimeFixture.Ct);
            ctx.Response.Close();
        }, RuntimeFixture.Ct);

        await using var f = await RuntimeFixture.StartAsync();
        await f.CreateWorkflowAsync("notify", $$"""
            version: '2.0'
            notify:
              tasks:
                call:
                  action: std.mistral_http url="http://127.0.0.1:{{port}}/hook"
                  publish-on-error:
                    status: <% task().result.status %>
                    callback: <% task().result.content.callback %>
              output-on-error:
                status: <% $.status %>
                callback: <% $.callback %>
            """);

        var started = await f.Runtime.StartExecutionAsync(new() { WorkflowIdentifier = "notify" }, RuntimeFixture.Deadline());
        var done = await f.Runtime.WaitForCompletionAsync(started.Id, RuntimeFixture.Deadline());
        await serving;

        Assert.Equal(States.Error, done.State);
        Assert.Equal(503L, done.Output["status"]);
        var state = await f.Store.GetExecutionAsync(started.Id, RuntimeFixture.Ct);
        var action = Assert.Single(state.Actions);
        Assert.Equal($"/v2/action_executions/{action.Id}", done.Output["callback"]);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

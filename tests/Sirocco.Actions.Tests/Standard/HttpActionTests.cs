using System.Net;
using System.Text;
using Sirocco.Actions;
using Sirocco.Actions.Standard;
using Sirocco.Actions.Testing;
using Sirocco.Actions.Tests.Peers;
using Sirocco.Values;

namespace Sirocco.Actions.Tests.Standard;

[Trait("Category", "Integration")]
public sealed class HttpActionTests : IAsyncLifetime
{
    private static readonly StandardActionProvider Std = new();
    private readonly LocalHttpServer _server;
    private readonly TaskCompletionSource _releaseSlow = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HttpActionTests()
    {
        _server = new LocalHttpServer(HandleAsync);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _releaseSlow.TrySetResult();
        await _server.DisposeAsync();
    }

    private async Task HandleAsync(HttpListenerContext ctx)
    {
        var path = ctx.Request.Url!.AbsolutePath;
        switch (path)
        {
            case "/json":
                ctx.Response.Headers["X-Custom"] = "yes";
                await LocalHttpServer.WriteAsync(ctx, 200, "{\"a\": 1, \"b\": [1.5, \"x\"], \"c\": null}");
                break;
            case "/text":
                await LocalHttpServer.WriteAsync(ctx, 200, "plain words", "text/plain; charset=utf-8");
                break;
            case "/echo":
                var echo = new OrderedDictionary<string, object?>
                {
                    ["method"] = ctx.Request.HttpMethod,
                    ["query"] = ctx.Request.Url.Query,
                    ["content_type"] = ctx.Request.ContentType,
                    ["authorization"] = ctx.Request.Headers["Authorization"],
                    ["cookie"] = ctx.Request.Headers["Cookie"],
                    ["x_num"] = ctx.Request.Headers["X-Num"],
                    ["body"] = _server.Requests.LastOrDefault(r => r.RawUrl == ctx.Request.RawUrl)?.Body,
                };
                foreach (var h in ctx.Request.Headers.AllKeys.Where(k => k!.StartsWith("Mistral-", StringComparison.Ordinal)))
                {
                    echo[h!] = ctx.Request.Headers[h];
                }

                await LocalHttpServer.WriteAsync(ctx, 200, Json.Serialize(echo));
                break;
            case "/cookie":
                ctx.Response.AppendHeader("Set-Cookie", "session=abc123; Path=/");
                await LocalHttpServer.WriteAsync(ctx, 200, "", null);
                break;
            case "/redirect":
                ctx.Response.Redirect(_server.Url("/json"));
                ctx.Response.Close();
                break;
            case "/slow":
                await _releaseSlow.Task;
                await LocalHttpServer.WriteAsync(ctx, 200, "{}");
                break;
            default:
                if (path.StartsWith("/status/", StringComparison.Ordinal))
                {
                    await LocalHttpServer.WriteAsync(ctx, int.Parse(path["/status/".Length..], System.Globalization.CultureInfo.InvariantCulture), "{\"error\": \"as asked\"}");
                }
                else
                {
                    await LocalHttpServer.WriteAsync(ctx, 404, "not found", "text/plain");
                }

                break;
        }
    }

    private static Dictionary<string, object?> In(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static OrderedDictionary<string, object?> Map(object? v) => Assert.IsType<OrderedDictionary<string, object?>>(v);

    [Fact]
    public async Task Get_Returns_Mistrals_Result_Shape_With_Parsed_Json()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.http", In(("url", _server.Url("/json"))));
        Assert.True(r.IsSuccess, r.ToString());
        var result = Map(r.Data);
        Assert.Equal(["content", "status", "headers", "url", "history", "encoding", "reason", "cookies", "elapsed"], result.Keys);
        var content = Map(result["content"]);
        Assert.Equal(1L, content["a"]);
        Assert.Equal(new List<object?> { 1.5, "x" }, content["b"]);
        Assert.Equal(200L, result["status"]);
        Assert.Equal("yes", Map(result["headers"])["X-Custom"]);
        Assert.Equal(_server.Url("/json"), result["url"]);
        Assert.Equal("utf-8", result["encoding"]);
        Assert.Equal("OK", result["reason"]);
        Assert.Empty(Assert.IsType<List<object?>>(result["history"]));
        Assert.IsType<double>(result["elapsed"]);
    }

    [Fact]
    public async Task Non_Json_Content_Is_The_Text()
    {
        using var env = new ActionEnvironment();
        var result = Map((await env.RunAsync(Std, "std.http", In(("url", _server.Url("/text"))))).Data);
        Assert.Equal("plain words", result["content"]);
        Assert.Equal("utf-8", result["encoding"]);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Methods_Body_Params_Headers_Cookies_And_Auth_Reach_The_Server(string method)
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.http", In(
            ("url", _server.Url("/echo")),
            ("method", method.ToLowerInvariant()),
            ("params", new OrderedDictionary<string, object?> { ["q"] = "a b", ["n"] = new List<object?> { 1L, 2L } }),
            ("body", new OrderedDictionary<string, object?> { ["k"] = "v", ["n"] = 1L }),
            ("headers", new OrderedDictionary<string, object?> { ["X-Num"] = 5L }),
            ("cookies", new OrderedDictionary<string, object?> { ["c1"] = "v1", ["c2"] = "v2" }),
            ("auth", "user:secret")));
        var echo = Map(Map(r.Data)["content"]);
        Assert.Equal(method, echo["method"]);
        Assert.Equal("?q=a+b&n=1&n=2", echo["query"]);
        Assert.Equal("{\"k\": \"v\", \"n\": 1}", echo["body"]); // json.dumps of a dict body, sent without a Content-Type
        Assert.Null(echo["content_type"]);
        Assert.Equal("5", echo["x_num"]);
        Assert.Equal("c1=v1; c2=v2", echo["cookie"]);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:secret")), echo["authorization"]);
    }

    [Fact]
    public async Task Json_Parameter_Sends_Application_Json()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.http", In(("url", _server.Url("/echo")), ("method", "POST"), ("json", new List<object?> { 1L, "two" })));
        var echo = Map(Map(r.Data)["content"]);
        Assert.Equal("application/json", echo["content_type"]);
        Assert.Equal("[1, \"two\"]", echo["body"]);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(307)]
    public async Task Statuses_Outside_200_To_306_Are_Errors_Carrying_The_Same_Shape(int status)
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.http", In(("url", _server.Url($"/status/{status}"))));
        Assert.True(r.IsError);
        var error = Map(r.Error);
        Assert.Equal((long)status, error["status"]);
        Assert.Equal("as asked", Map(error["content"])["error"]);
    }

    [Fact]
    public async Task Status_In_The_Range_Such_As_201_And_304_Is_Success()
    {
        using var env = new ActionEnvironment();
        Assert.True((await env.RunAsync(Std, "std.http", In(("url", _server.Url("/status/201"))))).IsSuccess);
        Assert.True((await env.RunAsync(Std, "std.http", In(("url", _server.Url("/status/306"))))).IsSuccess);
    }

    [Fact]
    public async Task Redirects_Are_Not_Followed_By_Default_And_Followed_With_Allow_Redirects()
    {
        using var env = new ActionEnvironment();
        var plain = Map((await env.RunAsync(Std, "std.http", In(("url", _server.Url("/redirect"))))).Data);
        Assert.Equal(302L, plain["status"]);
        var followed = Map((await env.RunAsync(Std, "std.http", In(("url", _server.Url("/redirect")), ("allow_redirects", true)))).Data);
        Assert.Equal(200L, followed["status"]);
        Assert.Equal(_server.Url("/json"), followed["url"]);
        Assert.Equal(new List<object?> { "<Response [302]>" }, followed["history"]);
    }

    [Fact]
    public async Task Response_Cookies_Are_Returned()
    {
        using var env = new ActionEnvironment();
        var result = Map((await env.RunAsync(Std, "std.http", In(("url", _server.Url("/cookie"))))).Data);
        Assert.Equal("abc123", Map(result["cookies"])["session"]);
        Assert.Equal("", result["content"]);
    }

    [Fact]
    public async Task Timeout_Fails_With_Mistrals_Read_Timed_Out()
    {
        using var env = new ActionEnvironment { Execution = new ExecutionContext { ActionExecutionId = "ae-t" } };
        var r = await env.RunAsync(Std, "std.http", In(("url", _server.Url("/slow")), ("timeout", 0.2)));
        Assert.True(r.IsError);
        Assert.Equal($"The action raised an exception [action=HTTP action, action_ex_id=ae-t, msg='Failed to send HTTP request: HTTPConnectionPool(host='127.0.0.1', port={_server.Port}): Read timed out. (read timeout=0.2)']", r.Error);
    }

    [Fact]
    public async Task Connection_Refused_Fails_With_Failed_To_Send()
    {
        using var env = new ActionEnvironment();
        var closedPort = _server.Port; // a server that is gone
        await _server.DisposeAsync();
        var r = await env.RunAsync(Std, "std.http", In(("url", $"http://127.0.0.1:{closedPort}/json")));
        Assert.Contains("msg='Failed to send HTTP request: Connection refused", (string)r.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_Stops_A_Pending_Request()
    {
        using var env = new ActionEnvironment();
        var run = env.RunAsync(Std, "std.http", In(("url", _server.Url("/slow"))));
        await WaitForAsync(() => _server.Requests.Any(q => q.RawUrl == "/slow"));
        env.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Mistral_Http_Sends_The_Callback_Headers_And_Completes_Later()
    {
        using var env = new ActionEnvironment
        {
            Execution = new ExecutionContext { WorkflowName = "wf", WorkflowExecutionId = "we", TaskExecutionId = "te", ActionExecutionId = "ae", CallbackUrl = "/v2/action_executions/ae" },
        };
        var d = (await Std.FindAsync("std.mistral_http", null, TestContext.Current.CancellationToken))!;
        Assert.False(d.IsSync);
        var r = await env.RunAsync(d, In(("url", _server.Url("/echo"))));
        var echo = Map(Map(r.Data)["content"]);
        Assert.Equal("wf", echo["Mistral-Workflow-Name"]);
        Assert.Equal("we", echo["Mistral-Workflow-Execution-Id"]);
        Assert.Equal("te", echo["Mistral-Task-Id"]);
        Assert.Equal("ae", echo["Mistral-Action-Execution-Id"]);
        Assert.Equal("/v2/action_executions/ae", echo["Mistral-Callback-URL"]);
        var failed = await env.RunAsync(d, In(("url", _server.Url("/status/503"))));
        Assert.True(failed.IsError);
    }

    [Fact]
    public async Task Invalid_Url_Fails_Clearly()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.http", In(("url", "not a url")));
        Assert.Contains("Failed to send HTTP request: Invalid URL 'not a url'", (string)r.Error!, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}

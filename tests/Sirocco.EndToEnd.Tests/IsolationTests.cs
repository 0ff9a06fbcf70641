using System.Net;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>The real server with the sample plugin isolated in executor processes (<c>--isolate plugins</c>).</summary>
public sealed class IsolatedPluginServerProcess : SiroccoProcess
{
    protected override IEnumerable<string> ExtraArguments(string dir)
    {
        var plugins = Path.Combine(dir, "plugins");
        Directory.CreateDirectory(plugins);
        File.Copy(PluginServerProcess.SamplePlugin("1.0.0"), Path.Combine(plugins, "Sirocco.Samples.Plugin.dll"));
        return ["--plugins", plugins, "--isolate", "plugins"];
    }
}

/// <summary>
/// A plugin action that throws, one that calls Environment.Exit and one that never returns each end their task in
/// ERROR with a message saying what happened, while the server keeps serving other executions.
/// </summary>
[Trait("Category", "Integration")]
public sealed class IsolationTests(IsolatedPluginServerProcess server) : IClassFixture<IsolatedPluginServerProcess>
{
    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string type = "application/json")
        => ServerApi.SendAsync(server.Url, method, path, body, type);

    private async Task<JsonElement> RunAsync(string workflow)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/executions", JsonSerializer.Serialize(new { workflow_name = workflow }));
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            (_, body) = await SendAsync(HttpMethod.Get, "/executions/" + id);
            if (body.GetProperty("state").GetString() is "SUCCESS" or "ERROR")
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"execution {id} did not finish");
        }
    }

    [Fact]
    public async Task Throwing_exiting_and_hanging_plugin_actions_fail_their_tasks_and_the_server_keeps_serving()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/workflows", """
            version: '2.0'
            misbehave:
              tasks:
                boom:
                  action: sample.crash
                bye:
                  action: sample.exit
                stuck:
                  action: sample.hang
                  timeout: 3
                fine:
                  action: sample.greet name="Ada"
            greet_only:
              output:
                text: <% $.text %>
              tasks:
                hello:
                  action: sample.greet name="Bob"
                  publish:
                    text: <% task().result.text %>
            """, "text/plain");
        Assert.True(status == HttpStatusCode.Created, body.ToString());

        var (_, action) = await SendAsync(HttpMethod.Get, "/actions/sample.exit");
        Assert.Equal("plugins", action.GetProperty("provider").GetString());
        Assert.Contains("isolated", action.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var ex = await RunAsync("misbehave");
        Assert.Equal("ERROR", ex.GetProperty("state").GetString());
        var (_, tasks) = await SendAsync(HttpMethod.Get, $"/executions/{ex.GetProperty("id").GetString()}/tasks");
        var byName = tasks.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        string Info(string task) => byName[task].GetProperty("state_info").GetString() ?? "";

        Assert.Equal("ERROR", byName["boom"].GetProperty("state").GetString());
        Assert.Contains("The action raised an exception", Info("boom"), StringComparison.Ordinal);
        Assert.Contains("the sample plugin crashed on purpose", Info("boom"), StringComparison.Ordinal);

        Assert.Equal("ERROR", byName["bye"].GetProperty("state").GetString());
        Assert.Contains("ended its executor process (exit code 3)", Info("bye"), StringComparison.Ordinal);

        Assert.Equal("ERROR", byName["stuck"].GetProperty("state").GetString());
        Assert.Contains("imeout", Info("stuck"), StringComparison.Ordinal);

        Assert.Equal("SUCCESS", byName["fine"].GetProperty("state").GetString());

        // the server is still there and runs the next execution (in a fresh executor process where needed)
        var next = await RunAsync("greet_only");
        Assert.Equal("SUCCESS", next.GetProperty("state").GetString());
        Assert.Equal("Hello, Bob!", JsonDocument.Parse(next.GetProperty("output").GetString()!).RootElement.GetProperty("text").GetString());
    }
}

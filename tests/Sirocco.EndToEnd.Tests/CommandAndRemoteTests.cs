using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// The real server with an action providers file: OS commands as actions (<c>shell.*</c>), the sample remote
/// catalog and the sample image service's OpenAPI document (both samples/Sirocco.Samples.RemoteCatalog, running as its
/// own process).
/// </summary>
public sealed class ProvidersServerProcess : SiroccoProcess
{
    private Process? _remote;

    public string Canary { get; private set; } = "";

    protected override IEnumerable<string> ExtraArguments(string dir)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "remote-catalog", "Sirocco.Samples.RemoteCatalog.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        _remote = Process.Start(psi)!;
        _remote.ErrorDataReceived += (_, _) => { };
        _remote.BeginErrorReadLine();
        string url;
        while (true)
        {
            var line = _remote.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the remote catalog exited before listening");
            const string prefix = "Remote catalog listening on ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                url = line[prefix.Length..].Trim();
                break;
            }
        }

        Canary = Path.Combine(dir, "canary");
        var config = new
        {
            commands = new object[]
            {
                new
                {
                    name = "shell.df",
                    description = "Disk usage of a path, in KiB",
                    command = new[] { "df", "-k", "{path}" },
                    parameters = new object[] { new { name = "path", type = "string", @default = "/" } },
                },
                new
                {
                    name = "shell.printf",
                    description = "Prints each argument in brackets",
                    command = new[] { "printf", "[%s]\\n", "{words}" },
                    parameters = new object[] { new { name = "words", type = "list" } },
                },
                new
                {
                    name = "shell.head",
                    description = "First lines of a file",
                    command = new[] { "head", "-n", "{lines}", "{file}" },
                    parameters = new object[] { new { name = "file", type = "string" }, new { name = "lines", type = "integer", @default = 1 } },
                },
            },
            remote = new object[] { new { name = "remote", url, refresh_seconds = 1 } },
            openapi = new object[] { new { name = "images", document = url + "openapi.yaml" } },
        };
        var path = Path.Combine(dir, "providers.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return ["--action-providers", path];
    }

    public override async ValueTask DisposeAsync()
    {
        if (_remote is { HasExited: false })
        {
            _remote.Kill(entireProcessTree: true);
            await _remote.WaitForExitAsync();
        }

        _remote?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>
/// A workflow runs <c>shell.*</c> actions, remote-catalog actions and OpenAPI-generated actions end to end against real
/// local processes.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CommandAndRemoteTests(ProvidersServerProcess server) : IClassFixture<ProvidersServerProcess>
{
    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string type = "application/json")
        => ServerApi.SendAsync(server.Url, method, path, body, type);

    private async Task<JsonElement> RunAsync(string workflow, object input)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/executions",
            JsonSerializer.Serialize(new { workflow_name = workflow, input = JsonSerializer.Serialize(input) }));
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var id = body.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
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

    private static JsonElement Output(JsonElement execution) => JsonDocument.Parse(execution.GetProperty("output").GetString()!).RootElement;

    [Fact]
    public async Task Shell_and_remote_actions_run_in_a_workflow_and_metacharacters_stay_literal()
    {
        // the remote catalog is fetched in the background: wait until it is there
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await SendAsync(HttpMethod.Get, "/actions/remote.upper")).Status != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the remote catalog never appeared");
        }

        var list = (await server.MistralJsonAsync("action-list")).EnumerateArray().ToList();
        string Input(string name) => list.Single(a => a.GetProperty("Name").GetString() == name).GetProperty("Input").GetString()!;
        Assert.Equal("path=\"/\"", Input("shell.df"));
        Assert.Equal("file, lines=1", Input("shell.head"));
        Assert.Equal("text", Input("remote.upper"));
        Assert.Equal("values, start=0", Input("remote.sum"));
        var (_, upper) = await SendAsync(HttpMethod.Get, "/actions/remote.upper");
        Assert.Equal("remote", upper.GetProperty("provider").GetString());
        var (_, df) = await SendAsync(HttpMethod.Get, "/actions/shell.df");
        Assert.Equal("commands", df.GetProperty("provider").GetString());
        Assert.Equal("df -k {path}", df.GetProperty("definition").GetString());

        var (status, body) = await SendAsync(HttpMethod.Post, "/workflows", """
            version: '2.0'
            providers_wf:
              input: [words, text]
              output:
                df: <% $.df %>
                printed: <% $.printed %>
                upper: <% $.upper %>
                sum: <% $.sum %>
                who: <% $.who %>
              tasks:
                disk:
                  action: shell.df
                  publish:
                    df: <% task().result %>
                  on-success: [print]
                print:
                  action: shell.printf words=<% $.words %>
                  publish:
                    printed: <% task().result.stdout %>
                  on-success: [shout]
                shout:
                  action: remote.upper text=<% $.text %>
                  publish:
                    upper: <% task().result %>
                  on-success: [add]
                add:
                  action: remote.sum values=<% [1, 2, 3] %> start=10
                  publish:
                    sum: <% task().result %>
                  on-success: [who]
                who:
                  action: remote.whoami
                  publish:
                    who: <% task().result %>
            failing_wf:
              tasks:
                missing:
                  action: shell.head file="/nonexistent/file"
                refused:
                  action: remote.fail message="no thanks"
            """, "text/plain");
        Assert.True(status == HttpStatusCode.Created, body.ToString());

        var dangerous = $"a; touch {server.Canary} | cat $(touch {server.Canary}) `touch {server.Canary}` && echo \"quoted\" 'single' > {server.Canary}";
        var ex = await RunAsync("providers_wf", new { words = new[] { dangerous, "*", "two words" }, text = "héllo; rm -rf /" });
        Assert.True(ex.GetProperty("state").GetString() == "SUCCESS", ex.ToString());
        var output = Output(ex);

        var dfResult = output.GetProperty("df");
        Assert.Equal(0, dfResult.GetProperty("exit_code").GetInt64());
        Assert.StartsWith("Filesystem", dfResult.GetProperty("stdout").GetString(), StringComparison.Ordinal);
        Assert.Equal("", dfResult.GetProperty("stderr").GetString());

        // each list item is one argv entry, passed literally: no shell ran, nothing was created, no glob expanded
        Assert.Equal($"[{dangerous}]\n[*]\n[two words]\n", output.GetProperty("printed").GetString());
        Assert.False(File.Exists(server.Canary));

        Assert.Equal("HÉLLO; RM -RF /", output.GetProperty("upper").GetString());
        Assert.Equal(16, output.GetProperty("sum").GetInt64());
        Assert.Equal(ex.GetProperty("id").GetString(), output.GetProperty("who").GetProperty("workflow_execution_id").GetString());

        var failed = await RunAsync("failing_wf", new { });
        Assert.Equal("ERROR", failed.GetProperty("state").GetString());
        var (_, tasks) = await SendAsync(HttpMethod.Get, $"/executions/{failed.GetProperty("id").GetString()}/tasks");
        var byName = tasks.GetProperty("tasks").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal("ERROR", byName["missing"].GetProperty("state").GetString());
        Assert.Contains("No such file", byName["missing"].GetProperty("state_info").GetString(), StringComparison.Ordinal);
        Assert.Contains("exit_code", byName["missing"].GetProperty("state_info").GetString(), StringComparison.Ordinal);
        Assert.Equal("ERROR", byName["refused"].GetProperty("state").GetString());
        Assert.Contains("no thanks", byName["refused"].GetProperty("state_info").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_operations_are_actions_that_call_the_service()
    {
        var (status, listed) = await SendAsync(HttpMethod.Get, "/actions?provider=images");
        Assert.Equal(HttpStatusCode.OK, status);
        var names = listed.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("name").GetString()).ToList();
        Assert.Equal(["images.get_health", "images.images_create", "images.images_delete", "images.images_get", "images.images_list"], names);
        var (_, list) = await SendAsync(HttpMethod.Get, "/actions/images.images_list");
        Assert.Equal("limit=20, status=null, x_request_id=null", list.GetProperty("input").GetString());
        Assert.Equal("images", list.GetProperty("provider").GetString());
        Assert.Equal("Lists images, newest last", list.GetProperty("description").GetString());
        var cli = await server.MistralJsonAsync("action-get", "images.images_create");
        Assert.Equal("name, tags=null, visibility=\"private\", min_disk=0", cli.GetProperty("Input").GetString());

        (status, var body) = await SendAsync(HttpMethod.Post, "/workflows", """
            version: '2.0'
            images_wf:
              input: [name]
              output:
                active: <% $.active %>
                request_id: <% $.request_id %>
                created: <% $.created %>
                fetched: <% $.fetched %>
              tasks:
                list:
                  action: images.images_list status="active" x_request_id="wf-1"
                  publish:
                    active: <% task().result.images.select($.name) %>
                    request_id: <% task().result.request_id %>
                  on-success: [create]
                create:
                  action: images.images_create name=<% $.name %> tags=<% ["a", "b"] %>
                  publish:
                    created: <% task().result %>
                  on-success: [fetch]
                fetch:
                  action: images.images_get image_id=<% $.created.id %>
                  publish:
                    fetched: <% task().result.name %>
            missing_image_wf:
              tasks:
                fetch:
                  action: images.images_get image_id=999
            """, "text/plain");
        Assert.True(status == HttpStatusCode.Created, body.ToString());

        var ex = await RunAsync("images_wf", new { name = "alpine; rm -rf /" });
        Assert.True(ex.GetProperty("state").GetString() == "SUCCESS", ex.ToString());
        var output = Output(ex);
        Assert.Equal(["cirros", "ubuntu"], output.GetProperty("active").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("wf-1", output.GetProperty("request_id").GetString());
        var created = output.GetProperty("created");
        Assert.Equal("alpine; rm -rf /", created.GetProperty("name").GetString());
        Assert.Equal("private", created.GetProperty("visibility").GetString());
        Assert.Equal(["a", "b"], created.GetProperty("tags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("alpine; rm -rf /", output.GetProperty("fetched").GetString());

        var failed = await RunAsync("missing_image_wf", new { });
        Assert.Equal("ERROR", failed.GetProperty("state").GetString());
        var (_, tasks) = await SendAsync(HttpMethod.Get, $"/executions/{failed.GetProperty("id").GetString()}/tasks");
        var fetch = Assert.Single(tasks.GetProperty("tasks").EnumerateArray());
        Assert.Equal("ERROR", fetch.GetProperty("state").GetString());
        var info = fetch.GetProperty("state_info").GetString()!;
        Assert.Contains("images.images_get: GET ", info, StringComparison.Ordinal);
        Assert.Contains("/images/999 answered 404 Not Found", info, StringComparison.Ordinal);
        Assert.Contains("Image 999 not found", info, StringComparison.Ordinal);
    }
}

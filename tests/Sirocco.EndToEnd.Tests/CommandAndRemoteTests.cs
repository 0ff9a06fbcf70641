using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// The real server with an action providers file: OS commands as actions (<c>shell.*</c>) and the sample remote
/// catalog (samples/Sirocco.Samples.RemoteCatalog) running as its own process.
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

/// <summary>A workflow runs <c>shell.*</c> actions and a remote-catalog action end to end against real local processes.</summary>
[Trait("Category", "Integration")]
public sealed class CommandAndRemoteTests(ProvidersServerProcess server) : IClassFixture<ProvidersServerProcess>
{
    private static readonly HttpClient Http = new();

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string type = "application/json")
    {
        using var request = new HttpRequestMessage(method, server.Url + path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, type);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

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
}

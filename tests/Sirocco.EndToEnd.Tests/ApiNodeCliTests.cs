using System.Globalization;
using System.Net;
using System.Text.Json;
using Sirocco.Testing;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// The real <c>mistral</c> CLI against a <c>sirocco server --roles api</c> process that shares one PostgreSQL database
/// with an engine node: the API node hands its commands to the engine node and answers as a single node would.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ApiNodeCliTests(PostgresServer postgres)
{
    private const string Workflow = """
        version: '2.0'
        greet:
          input: [name]
          tasks:
            hello:
              action: std.sleep seconds=0.2
              on-success: [echo]
            echo:
              action: std.echo output="Hello, <% $.name %>!"
              publish: {greeting: <% task().result %>}
          output: {greeting: <% $.greeting %>}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_mistral_cli_works_through_an_api_only_node_and_service_list_shows_both_nodes()
    {
        var cs = await postgres.CreateDatabaseAsync(Ct);
        await using var engine = ClusterNode.WithoutApi("engine", cs, "engine,executor,scheduler");
        await using var api = new ClusterNode("api", cs, "--roles", "api", "--command-timeout", "3");
        await engine.StartAsync(Ct);
        await api.StartAsync(Ct);

        var services = await MistralCli.JsonAsync(api.Url, "service-list");
        var byPid = services.EnumerateArray()
            .GroupBy(s => int.Parse(s.GetProperty("Name").GetString()!.Split(':')[^2], CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Select(s => s.GetProperty("Type").GetString()!).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["api_group"], byPid[api.Pid]);
        Assert.Equal(["engine_group", "executor_group", "scheduler_group"], byPid[engine.Pid]);
        Assert.Equal(2, byPid.Count);

        var file = Path.Combine(Path.GetTempPath(), $"sirocco-greet-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, Workflow, Ct);
        try
        {
            await MistralCli.OkAsync(api.Url, "workflow-create", file);
        }
        finally
        {
            File.Delete(file);
        }

        // an execution started through the API node runs on the engine node to SUCCESS
        var created = await MistralCli.JsonAsync(api.Url, "execution-create", "greet", """{"name": "Sirocco"}""");
        var id = created.GetProperty("ID").GetString()!;
        // the answer is read after the engine node's commit: on a loaded host the execution may already be done
        Assert.Contains(created.GetProperty("State").GetString(), new[] { "RUNNING", "SUCCESS" });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement shown;
        while ((shown = await MistralCli.JsonAsync(api.Url, "execution-get", id)).GetProperty("State").GetString() != "SUCCESS")
        {
            Assert.NotEqual("ERROR", shown.GetProperty("State").GetString());
            Assert.True(DateTime.UtcNow < deadline, "the execution did not finish");
        }

        var output = JsonDocument.Parse(await MistralCli.OkAsync(api.Url, "execution-get-output", id)).RootElement;
        Assert.Equal("Hello, Sirocco!", output.GetProperty("greeting").GetString());

        // bad input: the engine node's refusal comes back as a 400 with Mistral's error body, as from a single node
        var (code, stdout, stderr) = await MistralCli.RunAsync(api.Url, "execution-create", "greet", """{"nom": "x"}""");
        Assert.NotEqual(0, code);
        Assert.Contains("Invalid input", stderr + stdout, StringComparison.Ordinal);
        var (status, body) = await ServerApi.SendAsync(api.Url, HttpMethod.Post, "/executions", """{"workflow_name": "greet", "input": {"nom": "x"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Client", body.GetProperty("faultcode").GetString());
        Assert.Contains("Invalid input", body.GetProperty("faultstring").GetString(), StringComparison.Ordinal);
        (status, body) = await ServerApi.SendAsync(api.Url, HttpMethod.Post, "/executions", """{"workflow_name": "nope"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);

        // the engine node is gone (its registry row still looks alive): the command is withdrawn after --command-timeout, 503
        engine.Kill();
        (status, body) = await ServerApi.SendAsync(api.Url, HttpMethod.Post, "/executions", """{"workflow_name": "greet", "input": {"name": "late"}}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Server", body.GetProperty("faultcode").GetString());
        Assert.Contains("withdrawn and will not be carried out", body.GetProperty("faultstring").GetString(), StringComparison.Ordinal);

        // once an engine node is back, the withdrawn start has not happened; new ones run again
        await engine.StartAsync(Ct);
        var again = await MistralCli.JsonAsync(api.Url, "execution-create", "greet", """{"name": "again"}""");
        Assert.Contains(again.GetProperty("State").GetString(), new[] { "RUNNING", "SUCCESS" });
        var executions = (await MistralCli.JsonAsync(api.Url, "execution-list")).EnumerateArray().ToList();
        Assert.Equal(2, executions.Count);
    }

    [Fact]
    public async Task An_api_only_node_on_sqlite_is_refused_with_a_clear_error()
    {
        var dir = Directory.CreateTempSubdirectory("sirocco-api-sqlite");
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "sirocco.dll"), "server", "--port", "0", "--roles", "api",
                         "--database", Path.Combine(dir.FullName, "s.db") })
            {
                psi.ArgumentList.Add(a);
            }

            using var p = System.Diagnostics.Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync(Ct);
            _ = p.StandardOutput.ReadToEndAsync(Ct);
            await p.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(2, p.ExitCode);
            Assert.Contains("not supported: a node with the api role but without the engine role on sqlite", await stderr, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary><c>mistral action-create/-list/-get/-get-definition/-update/-delete</c> against the real server.</summary>
[Trait("Category", "Integration")]
public sealed class ActionCliTests(SiroccoProcess server) : IClassFixture<SiroccoProcess>
{
    private const string Shout = """
        version: '2.0'
        cli.shout:
          description: Upper-cases a text
          input:
            - text
            - suffix: "!"
          base: std.echo output="<% $.text %><% $.suffix %>"
          output: <% $.toUpper() %>
        """;

    [Fact]
    public async Task Ad_hoc_actions_and_the_catalog_through_the_mistral_cli()
    {
        var file = Path.Combine(server.Dir, "shout.yaml");
        await File.WriteAllTextAsync(file, Shout, TestContext.Current.CancellationToken);

        var created = Assert.Single((await server.MistralJsonAsync("action-create", file)).EnumerateArray().ToList());
        Assert.Equal("cli.shout", created.GetProperty("Name").GetString());
        Assert.Equal("text, suffix=\"!\"", created.GetProperty("Input").GetString());
        Assert.False(created.GetProperty("Is system").GetBoolean());

        // every provider's actions, with their input
        var list = (await server.MistralJsonAsync("action-list")).EnumerateArray().ToList();
        JsonElement Row(string name) => list.Single(a => a.GetProperty("Name").GetString() == name);
        Assert.Equal("output, delay=0", Row("std.echo").GetProperty("Input").GetString());
        Assert.StartsWith("url, method=\"GET\"", Row("std.http").GetProperty("Input").GetString(), StringComparison.Ordinal);
        Assert.Equal("text, suffix=\"!\"", Row("cli.shout").GetProperty("Input").GetString());

        var got = await server.MistralJsonAsync("action-get", "std.sleep");
        Assert.Equal("std.sleep", got.GetProperty("ID").GetString());
        Assert.Equal("seconds=1", got.GetProperty("Input").GetString());
        got = await server.MistralJsonAsync("action-get", "cli.shout");
        Assert.Equal("Upper-cases a text", got.GetProperty("Description").GetString());
        Assert.Equal(Shout.TrimEnd(), (await server.MistralOkAsync("action-get-definition", "cli.shout")).TrimEnd());

        // a workflow runs it
        var wf = Path.Combine(server.Dir, "shout-wf.yaml");
        await File.WriteAllTextAsync(wf, """
            version: '2.0'
            shout_wf:
              output:
                said: <% $.said %>
              tasks:
                t1:
                  action: cli.shout text="hey"
                  publish:
                    said: <% task().result %>
            """, TestContext.Current.CancellationToken);
        await server.MistralOkAsync("workflow-create", wf);
        var id = (await server.MistralJsonAsync("execution-create", "shout_wf")).GetProperty("ID").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await server.MistralJsonAsync("execution-get", id)).GetProperty("State").GetString() is "RUNNING" or "IDLE")
        {
            Assert.True(DateTime.UtcNow < deadline, "execution did not finish");
        }

        var output = JsonDocument.Parse(await server.MistralOkAsync("execution-get-output", id)).RootElement;
        Assert.Equal("HEY!", output.GetProperty("said").GetString());

        await File.WriteAllTextAsync(file, Shout.Replace("suffix: \"!\"", "suffix: \"?\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var updated = Assert.Single((await server.MistralJsonAsync("action-update", file)).EnumerateArray().ToList());
        Assert.Equal("text, suffix=\"?\"", updated.GetProperty("Input").GetString());

        await server.MistralOkAsync("action-delete", "cli.shout");
        var (code, _, err) = await server.MistralAsync("action-get", "cli.shout");
        Assert.NotEqual(0, code);
        Assert.Contains("Action not found", err, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>The real <c>mistral cron-trigger-*</c> commands against the real server process; a trigger really fires.</summary>
[Trait("Category", "Integration")]
public sealed class CronCliTests(SiroccoProcess server) : IClassFixture<SiroccoProcess>
{
    private const string Workflow = """
        version: '2.0'
        tick:
          input:
            - label
          output:
            label: <% $.label %>
            k: <% env().k %>
          tasks:
            t:
              action: std.noop
        """;

    [Fact]
    public async Task Cron_trigger_create_list_get_delete_and_a_trigger_that_fires()
    {
        var file = Path.Combine(server.Dir, "tick.yaml");
        await File.WriteAllTextAsync(file, Workflow, TestContext.Current.CancellationToken);
        await server.MistralOkAsync("workflow-create", file);

        // every second (croniter's sixth field is the seconds), with input and params as the CLI sends them
        var every = await server.MistralJsonAsync("cron-trigger-create", "every-second", "tick", """{"label": "from-cron"}""",
            "--pattern", "* * * * * *", "--params", """{"env": {"k": 7}}""");
        Assert.Equal("every-second", every.GetProperty("Name").GetString());
        Assert.Equal("tick", every.GetProperty("Workflow").GetString());
        Assert.Equal("* * * * * *", every.GetProperty("Pattern").GetString());
        Assert.Equal("""{"env": {"k": 7}}""", every.GetProperty("Params").GetString());
        Assert.Equal(JsonValueKind.Null, every.GetProperty("Remaining executions").ValueKind);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", every.GetProperty("Next execution time").GetString()!);

        var first = DateTime.UtcNow.AddHours(2).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var later = await server.MistralJsonAsync("cron-trigger-create", "nightly", "tick", """{"label": "n"}""",
            "--pattern", "0 3 * * *", "--first-time", first, "--utc", "--count", "3");
        Assert.Equal(first + ":00", later.GetProperty("Next execution time").GetString());
        Assert.Equal(3, later.GetProperty("Remaining executions").GetInt32());

        var list = await server.MistralJsonAsync("cron-trigger-list");
        Assert.Equal(["every-second", "nightly"], list.EnumerateArray().Select(t => t.GetProperty("Name").GetString()).Order(StringComparer.Ordinal));

        var got = await server.MistralJsonAsync("cron-trigger-get", "nightly");
        Assert.Equal("0 3 * * *", got.GetProperty("Pattern").GetString());

        // Mistral's rules come back as the CLI's error
        var (code, stdout, stderr) = await server.MistralAsync("cron-trigger-create", "bad", "tick", """{"label": "b"}""", "--pattern", "61 * * * *");
        Assert.NotEqual(0, code);
        Assert.Contains("The specified pattern is not valid: 61 * * * *", stderr + stdout, StringComparison.Ordinal);

        // the trigger fires: an execution of tick with the trigger's input and env, described as Mistral describes it
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement fired;
        while (true)
        {
            var executions = await server.MistralJsonAsync("execution-list");
            var ours = executions.EnumerateArray().Where(e => e.GetProperty("Workflow name").GetString() == "tick"
                && e.GetProperty("State").GetString() == "SUCCESS").ToList();
            if (ours.Count > 0)
            {
                fired = ours[0];
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the every-second trigger started no successful execution");
        }

        var description = JsonDocument.Parse(fired.GetProperty("Description").GetString()!).RootElement;
        Assert.Equal("cron_trigger", description.GetProperty("triggered_by").GetProperty("type").GetString());
        Assert.Equal("every-second", description.GetProperty("triggered_by").GetProperty("name").GetString());
        var output = JsonDocument.Parse(await server.MistralOkAsync("execution-get-output", fired.GetProperty("ID").GetString()!)).RootElement;
        Assert.Equal("from-cron", output.GetProperty("label").GetString());
        Assert.Equal(7, output.GetProperty("k").GetInt32());

        // a workflow that triggers start cannot be deleted
        (code, stdout, stderr) = await server.MistralAsync("workflow-delete", "tick");
        Assert.Contains("Can't delete workflow that has cron triggers associated", stderr + stdout, StringComparison.Ordinal);

        var deleted = await server.MistralOkAsync("cron-trigger-delete", "every-second", "nightly");
        Assert.Contains("Request to delete cron trigger every-second has been accepted.", deleted, StringComparison.Ordinal);
        (code, _, stderr) = await server.MistralAsync("cron-trigger-get", "every-second");
        Assert.NotEqual(0, code);
        Assert.Contains("Cron trigger not found", stderr, StringComparison.Ordinal);
        // mistralclient prints an empty list as one row of empty strings
        Assert.DoesNotContain((await server.MistralJsonAsync("cron-trigger-list")).EnumerateArray(),
            row => row.GetProperty("Name").GetString() is { Length: > 0 });
        await server.MistralOkAsync("workflow-delete", "tick");
    }
}

using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>The real python-mistralclient CLI against the real server process.</summary>
[Trait("Category", "Integration")]
public sealed class MistralCliTests(SiroccoProcess server) : IClassFixture<SiroccoProcess>
{
    private const string HelloWorkflow = """
        version: '2.0'
        hello:
          input:
            - name
            - greeting: Hello
          output:
            message: <% $.message %>
          tasks:
            say:
              action: std.echo output="<% $.greeting %>, <% $.name %>!"
              publish:
                message: <% task().result %>
        """;

    // far longer than the test: it must still be running when the test tries to delete it, however slow the host
    // (the test cancels it)
    private const string SlowWorkflow = """
        version: '2.0'
        slow:
          tasks:
            nap:
              action: std.sleep seconds=3600
        """;

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(server.Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<JsonElement> WaitForStateAsync(string executionId, params string[] states)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var ex = await server.MistralJsonAsync("execution-get", executionId);
            if (states.Contains(ex.GetProperty("State").GetString()))
            {
                return ex;
            }

            Assert.True(DateTime.UtcNow < deadline, $"execution {executionId} still {ex.GetProperty("State")} ");
        }
    }

    [Fact]
    public async Task Workflow_and_execution_lifecycle_through_the_mistral_cli()
    {
        var file = WriteFile("hello.yaml", HelloWorkflow);

        var created = await server.MistralJsonAsync("workflow-create", file);
        var wf = Assert.Single(created.EnumerateArray().ToList());
        Assert.Equal("hello", wf.GetProperty("Name").GetString());
        Assert.Equal("name, greeting=\"Hello\"", wf.GetProperty("Input").GetString());
        var wfId = wf.GetProperty("ID").GetString()!;
        Assert.True(Guid.TryParse(wfId, out _));

        var list = await server.MistralOkAsync("workflow-list");
        Assert.Contains("hello", list, StringComparison.Ordinal);
        Assert.Contains("<default-project>", list, StringComparison.Ordinal);

        var got = await server.MistralJsonAsync("workflow-get", "hello");
        Assert.Equal(wfId, got.GetProperty("ID").GetString());
        Assert.Equal("private", got.GetProperty("Scope").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", got.GetProperty("Created at").GetString()!);

        Assert.Equal(HelloWorkflow.TrimEnd(), (await server.MistralOkAsync("workflow-get-definition", "hello")).TrimEnd());

        var updated = await server.MistralJsonAsync("workflow-update", file);
        Assert.NotNull(Assert.Single(updated.EnumerateArray().ToList()).GetProperty("Updated at").GetString());

        var execution = await server.MistralJsonAsync("execution-create", "hello", """{"name": "World"}""");
        var exId = execution.GetProperty("ID").GetString()!;
        Assert.Equal("hello", execution.GetProperty("Workflow name").GetString());
        Assert.Equal(wfId, execution.GetProperty("Workflow ID").GetString());

        var done = await WaitForStateAsync(exId, "SUCCESS", "ERROR");
        Assert.Equal("SUCCESS", done.GetProperty("State").GetString());

        var output = JsonDocument.Parse(await server.MistralOkAsync("execution-get-output", exId)).RootElement;
        Assert.Equal("Hello, World!", output.GetProperty("message").GetString());

        var executions = await server.MistralJsonAsync("execution-list");
        Assert.Contains(executions.EnumerateArray(), e => e.GetProperty("ID").GetString() == exId && e.GetProperty("State").GetString() == "SUCCESS");

        var tasks = (await server.MistralJsonAsync("task-list", exId)).EnumerateArray().ToList();
        var task = Assert.Single(tasks);
        Assert.Equal("say", task.GetProperty("Name").GetString());
        Assert.Equal("SUCCESS", task.GetProperty("State").GetString());
        var taskId = task.GetProperty("ID").GetString()!;

        var taskGot = await server.MistralJsonAsync("task-get", taskId);
        Assert.Equal(exId, taskGot.GetProperty("Workflow Execution ID").GetString());
        Assert.Equal("\"Hello, World!\"", (await server.MistralOkAsync("task-get-result", taskId)).Trim());

        var actions = (await server.MistralJsonAsync("action-execution-list", taskId)).EnumerateArray().ToList();
        var action = Assert.Single(actions);
        Assert.Equal("std.echo", action.GetProperty("Name").GetString());
        Assert.Equal("SUCCESS", action.GetProperty("State").GetString());
        Assert.True(action.GetProperty("Accepted").GetBoolean());

        // pause and resume a running execution, then cancel it so that it can be deleted
        await server.MistralJsonAsync("workflow-create", WriteFile("slow.yaml", SlowWorkflow));
        var slowId = (await server.MistralJsonAsync("execution-create", "slow")).GetProperty("ID").GetString()!;
        var paused = await server.MistralJsonAsync("execution-update", slowId, "-s", "PAUSED");
        Assert.Equal("PAUSED", paused.GetProperty("State").GetString());
        var resumed = await server.MistralJsonAsync("execution-update", slowId, "-s", "RUNNING");
        Assert.Equal("RUNNING", resumed.GetProperty("State").GetString());
        var (code, _, err) = await server.MistralAsync("execution-delete", slowId);
        Assert.NotEqual(0, code);
        Assert.Contains("Unable to delete", err, StringComparison.Ordinal);
        Assert.Equal("CANCELLED", (await server.MistralJsonAsync("execution-update", slowId, "-s", "CANCELLED")).GetProperty("State").GetString());
        await server.MistralOkAsync("execution-delete", slowId);

        await server.MistralOkAsync("execution-delete", exId);
        var (code2, _, err2) = await server.MistralAsync("execution-get", exId);
        Assert.NotEqual(0, code2);
        Assert.Contains("not found", err2, StringComparison.Ordinal);

        await server.MistralOkAsync("workflow-delete", "hello");
        Assert.DoesNotContain("hello", await server.MistralOkAsync("workflow-list", "-f", "value", "-c", "Name"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workbook_create_and_get_through_the_mistral_cli()
    {
        var file = WriteFile("wb.yaml", """
            version: '2.0'
            name: greetings
            tags: [demo]
            workflows:
              wf1:
                tasks:
                  t:
                    action: std.noop
            """);
        var created = await server.MistralJsonAsync("workbook-create", file);
        Assert.Equal("greetings", created.GetProperty("Name").GetString());
        var got = await server.MistralJsonAsync("workbook-get", "greetings");
        Assert.Equal("greetings", got.GetProperty("Name").GetString());
        Assert.Equal("demo", got.GetProperty("Tags").GetString());
        Assert.Equal("private", got.GetProperty("Scope").GetString());
        Assert.Contains("greetings.wf1", await server.MistralOkAsync("workflow-list", "-f", "value", "-c", "Name"), StringComparison.Ordinal);
    }
}

using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// The real <c>mistral</c> CLI against the real server process: run-action, action-execution-update, task-rerun and
/// the environment commands, each printing what a Mistral user sees.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MistralCliActionTests(SiroccoProcess server) : IClassFixture<SiroccoProcess>
{
    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(server.Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<JsonElement> WaitForAsync(string command, string id, params string[] states)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var got = await server.MistralJsonAsync(command, id);
            if (states.Contains(got.GetProperty("State").GetString()))
            {
                return got;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{command} {id}: still {got.GetProperty("State")}");
        }
    }

    [Fact]
    public async Task Run_action_prints_the_result_or_the_saved_record()
    {
        // the default: run now, print the output as Mistral stores it
        var printed = await server.MistralOkAsync("run-action", "std.echo", """{"output": "Hello, Sirocco"}""");
        Assert.Equal("""{"result": "Hello, Sirocco"}""", printed.Trim());

        printed = await server.MistralOkAsync("run-action", "std.echo", """{"output": {"n": 1}}""", "--run-sync", "-s");
        Assert.Equal("""{"result": {"n": 1}}""", printed.Trim());

        // -s alone: stored and scheduled, the CLI shows the record
        var saved = await server.MistralJsonAsync("run-action", "std.echo", """{"output": [1, 2]}""", "-s");
        Assert.Equal("std.echo", saved.GetProperty("Name").GetString());
        Assert.Equal("RUNNING", saved.GetProperty("State").GetString());
        var id = saved.GetProperty("ID").GetString()!;
        var done = await WaitForAsync("action-execution-get", id, "SUCCESS", "ERROR");
        Assert.Equal("SUCCESS", done.GetProperty("State").GetString());
        var output = JsonDocument.Parse(await server.MistralOkAsync("action-execution-get-output", id)).RootElement;
        Assert.Equal(2, output.GetProperty("result")[1].GetInt32());
        Assert.Contains(id, await server.MistralOkAsync("action-execution-list", "-f", "value", "-c", "ID"), StringComparison.Ordinal);

        var (code, _, err) = await server.MistralAsync("run-action", "std.no_such_action");
        Assert.NotEqual(0, code);
        Assert.Contains("Failed to find action [action_name=std.no_such_action]", err, StringComparison.Ordinal);

        (code, _, err) = await server.MistralAsync("run-action", "std.echo", """{"colour": "blue"}""");
        Assert.NotEqual(0, code);
        Assert.Contains("Invalid input [name=std.echo", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_execution_update_completes_an_async_action_and_the_workflow_goes_on()
    {
        await server.MistralOkAsync("workflow-create", WriteFile("callback.yaml", """
            version: '2.0'
            callback:
              output:
                token: <% $.token %>
              tasks:
                wait:
                  action: std.async_noop
                  publish:
                    token: <% task().result.token %>
            """));
        var executionId = (await server.MistralJsonAsync("execution-create", "callback")).GetProperty("ID").GetString()!;
        var task = Assert.Single((await server.MistralJsonAsync("task-list", executionId)).EnumerateArray().ToList());
        var action = Assert.Single((await server.MistralJsonAsync("action-execution-list", task.GetProperty("ID").GetString()!)).EnumerateArray().ToList());
        Assert.Equal("std.async_noop", action.GetProperty("Name").GetString());
        Assert.Equal("RUNNING", action.GetProperty("State").GetString());
        var actionId = action.GetProperty("ID").GetString()!;

        var updated = await server.MistralJsonAsync("action-execution-update", actionId, "--state", "SUCCESS", "--output", """{"token": "t-123"}""");
        Assert.Equal("SUCCESS", updated.GetProperty("State").GetString());

        var done = await WaitForAsync("execution-get", executionId, "SUCCESS", "ERROR");
        Assert.Equal("SUCCESS", done.GetProperty("State").GetString());
        var output = JsonDocument.Parse(await server.MistralOkAsync("execution-get-output", executionId)).RootElement;
        Assert.Equal("t-123", output.GetProperty("token").GetString());

        var (code, _, err) = await server.MistralAsync("action-execution-update", actionId, "--state", "ERROR");
        Assert.NotEqual(0, code);
        Assert.Contains("already completed", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_rerun_with_a_new_env_finishes_the_workflow()
    {
        await server.MistralOkAsync("workflow-create", WriteFile("divide.yaml", """
            version: '2.0'
            divide:
              output:
                quotient: <% $.quotient %>
              tasks:
                div:
                  action: std.echo output=<% 12 / env().divisor %>
                  publish:
                    quotient: <% task().result %>
            """));
        var executionId = (await server.MistralJsonAsync("execution-create", "divide", "{}", """{"env": {"divisor": 0}}"""))
            .GetProperty("ID").GetString()!;
        Assert.Equal("ERROR", (await WaitForAsync("execution-get", executionId, "SUCCESS", "ERROR")).GetProperty("State").GetString());
        var task = Assert.Single((await server.MistralJsonAsync("task-list", executionId)).EnumerateArray().ToList());
        Assert.Equal("ERROR", task.GetProperty("State").GetString());
        var taskId = task.GetProperty("ID").GetString()!;

        var rerun = await server.MistralJsonAsync("task-rerun", taskId, "-e", """{"divisor": 4}""");
        Assert.Equal(taskId, rerun.GetProperty("ID").GetString());
        Assert.Contains(rerun.GetProperty("State").GetString(), new[] { "RUNNING", "SUCCESS" });

        Assert.Equal("SUCCESS", (await WaitForAsync("execution-get", executionId, "SUCCESS", "ERROR")).GetProperty("State").GetString());
        Assert.Equal("3", (await server.MistralOkAsync("task-get-result", taskId)).Trim());

        // a task that did not fail cannot be rerun
        var (code, _, err) = await server.MistralAsync("task-rerun", taskId);
        Assert.NotEqual(0, code);
        Assert.Contains("must be in ERROR for rerun", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_commands_create_list_get_and_feed_an_execution()
    {
        var created = await server.MistralJsonAsync("environment-create", WriteFile("env.yaml", """
            name: staging
            description: the staging settings
            variables:
              greeting: hello from staging
              limits:
                cpu: 2
            """));
        Assert.Equal("staging", created.GetProperty("Name").GetString());
        Assert.Equal("the staging settings", created.GetProperty("Description").GetString());
        Assert.Equal("private", created.GetProperty("Scope").GetString());
        var variables = JsonDocument.Parse(created.GetProperty("Variables").GetString()!).RootElement;
        Assert.Equal(2, variables.GetProperty("limits").GetProperty("cpu").GetInt32());

        var listed = (await server.MistralJsonAsync("environment-list")).EnumerateArray().ToList();
        var row = Assert.Single(listed, e => e.GetProperty("Name").GetString() == "staging");
        Assert.Equal("the staging settings", row.GetProperty("Description").GetString());

        var got = await server.MistralJsonAsync("environment-get", "staging");
        Assert.Equal("hello from staging", JsonDocument.Parse(got.GetProperty("Variables").GetString()!).RootElement.GetProperty("greeting").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", got.GetProperty("Created at").GetString()!);

        await server.MistralOkAsync("workflow-create", WriteFile("greet.yaml", """
            version: '2.0'
            greet_env:
              output:
                said: <% env().greeting %>
              tasks:
                t:
                  action: std.noop
            """));
        var executionId = (await server.MistralJsonAsync("execution-create", "greet_env", "{}", """{"env": "staging"}""")).GetProperty("ID").GetString()!;
        Assert.Equal("SUCCESS", (await WaitForAsync("execution-get", executionId, "SUCCESS", "ERROR")).GetProperty("State").GetString());
        var output = JsonDocument.Parse(await server.MistralOkAsync("execution-get-output", executionId)).RootElement;
        Assert.Equal("hello from staging", output.GetProperty("said").GetString());

        var updated = await server.MistralJsonAsync("environment-update", WriteFile("env2.json", """{"name": "staging", "variables": {"greeting": "changed"}}"""));
        Assert.Equal("changed", JsonDocument.Parse(updated.GetProperty("Variables").GetString()!).RootElement.GetProperty("greeting").GetString());
        Assert.NotEqual("<none>", updated.GetProperty("Updated at").GetString());

        await server.MistralOkAsync("environment-delete", "staging");
        var (code, _, err) = await server.MistralAsync("environment-get", "staging");
        Assert.NotEqual(0, code);
        Assert.Contains("Environment not found [name=staging]", err, StringComparison.Ordinal);
    }
}

namespace Sirocco.Server.Tests;

/// <summary>PUT /v2/tasks/{id} as <c>mistral task-rerun</c> sends it, checked against Mistral 15's rules and messages.</summary>
public sealed class TaskRerunTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Divide = """
        version: '2.0'
        rerun_divide:
          output:
            quotient: <% $.quotient %>
          tasks:
            div:
              action: std.echo output=<% 12 / env().divisor %>
              publish:
                quotient: <% task().result %>
        """;

    // The last item fetches a URL taken from env: a 404 first, a page that exists after the env update. (It is the last
    // one on purpose: Mistral's with-items rerun without reset also runs every item after the highest failed index.)
    private const string Fetch = """
        version: '2.0'
        rerun_fetch:
          output:
            statuses: <% $.statuses %>
          tasks:
            fetch:
              with-items: i in <% [0, 1, 2] %>
              action: std.http url=<% $.i = 2 and env().flaky or env().good %>
              publish:
                statuses: <% task().result.select($.status) %>
        """;

    private async Task<(string ExecutionId, string TaskId)> FailAsync(string workflow, string env)
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", $$$"""{"workflow_name": "{{{workflow}}}", "params": {"env": {{{env}}}}}""");
        Assert.True(status == 201, Values.Json.Serialize(body));
        var executionId = (string)J.At(body, "id")!;
        var done = await fx.Server.Runtime.WaitForCompletionAsync(executionId, TestContext.Current.CancellationToken);
        Assert.Equal("ERROR", done.State);
        var (_, tasks, _) = await fx.GetAsync($"/v2/executions/{executionId}/tasks");
        var task = Assert.Single(J.List(J.At(tasks, "tasks")));
        Assert.Equal("ERROR", J.At(task, "state"));
        return (executionId, (string)J.At(task, "id")!);
    }

    private async Task EnsureWorkflowsAsync()
    {
        foreach (var text in new[] { Divide, Fetch })
        {
            var (status, _, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", text, "text/plain");
            Assert.True(status is 201 or 409);
        }
    }

    [Fact]
    public async Task Rerun_with_an_env_update_reruns_the_task_and_finishes_the_workflow()
    {
        await EnsureWorkflowsAsync();
        var (executionId, taskId) = await FailAsync("rerun_divide", """{"divisor": 0}""");

        // as the client sends it: reset true, env as a JSON string
        var (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/tasks/{taskId}",
            $$"""{"id": "{{taskId}}", "state": "RUNNING", "reset": true, "env": "{\"divisor\": 4}"}""");
        Assert.True(status == 200, Values.Json.Serialize(body));
        Assert.Equal(taskId, J.At(body, "id"));

        var done = await fx.Server.Runtime.WaitForCompletionAsync(executionId, TestContext.Current.CancellationToken);
        Assert.Equal("SUCCESS", done.State);
        var (_, execution, _) = await fx.GetAsync($"/v2/executions/{executionId}");
        Assert.Equal("""{"quotient": 3}""", J.At(execution, "output"));
        Assert.Contains("\"divisor\": 4", (string)J.At(execution, "params")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_items_rerun_without_reset_runs_only_the_failed_items()
    {
        await EnsureWorkflowsAsync();
        var root = fx.Server.BaseUri.ToString().TrimEnd('/');
        var (executionId, taskId) = await FailAsync("rerun_fetch", $$"""{"good": "{{root}}/v2", "flaky": "{{root}}/v2/no_such_collection"}""");
        var (_, first, _) = await fx.GetAsync($"/v2/tasks/{taskId}/action_executions");
        Assert.Equal(3, J.List(J.At(first, "action_executions")).Count);

        var (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/tasks/{taskId}",
            $$$"""{"state": "RUNNING", "reset": false, "env": {"flaky": "{{{root}}}/"}}""");
        Assert.True(status == 200, Values.Json.Serialize(body));

        var done = await fx.Server.Runtime.WaitForCompletionAsync(executionId, TestContext.Current.CancellationToken);
        Assert.Equal("SUCCESS", done.State);
        var (_, execution, _) = await fx.GetAsync($"/v2/executions/{executionId}");
        Assert.Equal("""{"statuses": [200, 200, 200]}""", J.At(execution, "output"));

        // the two items that had succeeded kept their action executions; only the failed one ran again
        var (_, after, _) = await fx.GetAsync($"/v2/tasks/{taskId}/action_executions");
        var actions = J.List(J.At(after, "action_executions"));
        Assert.True(actions.Count == 4, Values.Json.Serialize(actions));
        Assert.Equal(3, actions.Count(a => J.At(a, "state") as string == "SUCCESS" && J.At(a, "accepted") is true));
    }

    [Fact]
    public async Task Refused_reruns_have_mistrals_messages()
    {
        await EnsureWorkflowsAsync();
        var (_, taskId) = await FailAsync("rerun_divide", """{"divisor": 0}""");
        var cases = new (string Body, int Status, string Fault)[]
        {
            ("""{"state": "RUNNING"}""", 400, "Invalid input for field/attribute reset. Value: 'None'. Mandatory field missing."),
            ("""{"state": "RUNNING", "reset": "maybe"}""", 400, "Value not an unambiguous boolean: maybe"),
            ("""{"state": "RUNNING", "reset": true, "colour": 1}""", 400, "Unknown attribute for argument task: colour"),
            ("""{"state": "RUNNING", "reset": true, "name": "other"}""", 400, "Task name does not match."),
            ("""{"state": "RUNNING", "reset": true, "workflow_name": "other"}""", 400, "Workflow name does not match."),
            ("""{"state": "SKIPPED", "reset": true}""", 400, "Invalid task state. Only updating task to rerun is supported."),
            ("""{"state": "RUNNING", "reset": false}""", 400, "Only with-items task has the option to not reset."),
            ("""{"state": "RUNNING", "reset": true, "env": "[1]"}""", 400, "env"),
            ("{not json", 400, "not valid JSON"),
        };
        foreach (var (text, expected, fault) in cases)
        {
            var (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/tasks/{taskId}", text);
            Assert.True(status == expected, $"{text}: {status} {Values.Json.Serialize(body)}");
            Assert.Contains(fault, J.Fault(body), StringComparison.Ordinal);
        }

        var (missing, missingBody, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/tasks/{Guid.NewGuid()}", """{"state": "RUNNING", "reset": true}""");
        Assert.Equal(404, missing);
        Assert.Contains("TaskExecution not found", J.Fault(missingBody), StringComparison.Ordinal);

        // the task is still the failed one: nothing above changed it
        var (_, task, _) = await fx.GetAsync($"/v2/tasks/{taskId}");
        Assert.Equal("ERROR", J.At(task, "state"));

        // once it succeeded it cannot be rerun
        var (status2, body2, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/tasks/{taskId}", """{"state": "RUNNING", "reset": true, "env": {"divisor": 1}}""");
        Assert.Equal(200, status2);
        var executionId = (string)J.At(body2, "workflow_execution_id")!;
        await fx.Server.Runtime.WaitForCompletionAsync(executionId, TestContext.Current.CancellationToken);
        (status2, body2, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/tasks/{taskId}", """{"state": "RUNNING", "reset": true}""");
        Assert.Equal(400, status2);
        Assert.Equal("The current task execution must be in ERROR for rerun. Only updating task to rerun is supported.", J.Fault(body2));
    }
}

namespace Sirocco.Server.Tests;

/// <summary>
/// POST /v2/action_executions (<c>mistral run-action</c>) and PUT /v2/action_executions/{id}
/// (<c>mistral action-execution-update</c>): Mistral's run modes, async completion that lets the workflow go on,
/// and Mistral's status and error body for every refusal.
/// </summary>
public sealed class ActionExecutionTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string AsyncWorkflow = """
        version: '2.0'
        wait_for_callback:
          output:
            got: <% $.got %>
          tasks:
            wait:
              action: std.async_noop
              publish:
                got: <% task().result %>
              on-success: after
            after:
              action: std.echo output="done"
        """;

    private async Task<OrderedDictionary<string, object?>> PostAsync(string body, int expected = 201)
    {
        var (status, response, _) = await fx.SendAsync(HttpMethod.Post, "/v2/action_executions", body);
        Assert.True(status == expected, $"{status}: {Values.Json.Serialize(response)}");
        return J.Map(response);
    }

    private async Task<OrderedDictionary<string, object?>> WaitForActionAsync(string id, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, body, _) = await fx.GetAsync($"/v2/action_executions/{id}");
            if ((string?)J.At(body, "state") == state)
            {
                return J.Map(body);
            }

            Assert.True(DateTime.UtcNow < deadline, $"action execution {id} still {J.At(body, "state")}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private async Task<List<object?>> AdHocActionIdsAsync()
    {
        var (_, body, _) = await fx.GetAsync("/v2/action_executions");
        return J.List(J.At(body, "action_executions")).Where(a => J.At(a, "task_execution_id") is null).Select(a => J.At(a, "id")).ToList();
    }

    [Fact]
    public async Task A_synchronous_action_runs_at_once_and_is_not_stored_by_default()
    {
        var before = await AdHocActionIdsAsync();
        var run = await PostAsync("""{"name": "std.echo", "input": "{\"output\": \"hello\"}"}""");
        Assert.Null(run["id"]);
        Assert.Equal("SUCCESS", run["state"]);
        Assert.Equal("""{"result": "hello"}""", run["output"]);
        Assert.Equal("""{"output": "hello"}""", run["input"]);
        Assert.Equal("std.echo", run["name"]);
        Assert.Equal(before, await AdHocActionIdsAsync());

        var failed = await PostAsync("""{"name": "std.fail", "input": {"error_data": {"code": 7}}}""");
        Assert.Equal("ERROR", failed["state"]);
        Assert.Equal("""{"result": {"code": 7}}""", failed["output"]);
    }

    [Fact]
    public async Task An_ad_hoc_action_from_the_catalog_runs_directly_with_its_base_input_and_output()
    {
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/actions", """
            version: '2.0'
            direct_greet:
              base: std.echo
              base-input:
                output:
                  text: "Hello, <% $.name %>"
              input:
                - name
              output: <% $.text %>
            """, "text/plain");
        Assert.True(status == 201, Values.Json.Serialize(body));

        var run = await PostAsync("""{"name": "direct_greet", "input": {"name": "Ann"}}""");
        Assert.Equal("SUCCESS", run["state"]);
        Assert.Equal("""{"result": "Hello, Ann"}""", run["output"]);

        var saved = await PostAsync("""{"name": "direct_greet", "input": {"name": "Bo"}, "params": {"save_result": true}}""");
        var done = await WaitForActionAsync((string)saved["id"]!, "SUCCESS");
        Assert.Equal("""{"result": "Hello, Bo"}""", done["output"]);

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/action_executions", """{"name": "direct_greet", "input": {}}""");
        Assert.Equal(400, status);
        Assert.Contains("missing=['name']", J.Fault(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_result_stores_the_run_and_lists_it_without_a_task()
    {
        var synced = await PostAsync("""{"name": "std.echo", "input": {"output": [1, 2]}, "params": "{\"save_result\": true, \"run_sync\": true}", "description": "kept"}""");
        var id = Assert.IsType<string>(synced["id"]);
        Assert.Equal("SUCCESS", synced["state"]);
        Assert.Equal("""{"result": [1, 2]}""", synced["output"]);
        Assert.Equal("kept", synced["description"]);
        Assert.Null(synced["task_execution_id"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", (string)synced["created_at"]!);

        // save_result without run_sync is scheduled on the executor: RUNNING at first, then its result
        var scheduled = await PostAsync("""{"name": "std.echo", "input": {"output": "later"}, "params": {"save_result": true}}""");
        Assert.Equal("RUNNING", scheduled["state"]);
        var scheduledId = Assert.IsType<string>(scheduled["id"]);
        var done = await WaitForActionAsync(scheduledId, "SUCCESS");
        Assert.Equal("""{"result": "later"}""", done["output"]);
        Assert.Equal(true, done["accepted"]);

        var ids = await AdHocActionIdsAsync();
        Assert.Contains(id, ids);
        Assert.Contains(scheduledId, ids);
        var (_, listed, _) = await fx.GetAsync($"/v2/action_executions?name=std.echo&state=SUCCESS");
        Assert.Contains(J.List(J.At(listed, "action_executions")), a => (string?)J.At(a, "id") == id);
    }

    [Fact]
    public async Task An_async_action_stays_running_until_its_result_is_put()
    {
        var started = await PostAsync("""{"name": "std.async_noop"}""");
        Assert.Equal("RUNNING", started["state"]);
        var id = (string)started["id"]!;

        // the executor only starts it: it is still RUNNING once the executor is done with it
        var (_, got, _) = await fx.GetAsync($"/v2/action_executions/{id}");
        Assert.Equal("RUNNING", J.At(got, "state"));

        var (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{id}", """{"state": "SUCCESS", "output": {"answer": 42}}""");
        Assert.Equal(200, status);
        Assert.Equal("SUCCESS", J.At(body, "state"));
        Assert.Equal("""{"result": {"answer": 42}}""", J.At(body, "output"));
        Assert.Equal(true, J.At(body, "accepted"));

        (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{id}", """{"state": "ERROR"}""");
        Assert.Equal(400, status);
        Assert.Equal($"Action {id} is already completed", J.Fault(body));

        var second = (string)(await PostAsync("""{"name": "std.async_noop", "params": {"save_result": true}}"""))["id"]!;
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{second}", """{"state": "ERROR"}""");
        Assert.Equal(200, status);
        Assert.Equal("ERROR", J.At(body, "state"));
        Assert.Equal("""{"result": "Unknown error"}""", J.At(body, "output"));

        var third = (string)(await PostAsync("""{"name": "std.async_noop"}"""))["id"]!;
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{third}", """{"state": "PAUSED"}""");
        Assert.Equal(200, status);
        Assert.Equal("PAUSED", J.At(body, "state"));
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{third}", """{"state": "RUNNING"}""");
        Assert.Equal(200, status);
        Assert.Equal("RUNNING", J.At(body, "state"));
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{third}", """{"state": "CANCELLED"}""");
        Assert.Equal(200, status);
        Assert.Equal("CANCELLED", J.At(body, "state"));
    }

    [Fact]
    public async Task A_workflow_waiting_on_an_async_action_goes_on_with_the_result_put()
    {
        Assert.Equal(201, (await fx.SendAsync(HttpMethod.Post, "/v2/workflows", AsyncWorkflow, "text/plain")).Status);
        var (_, execution, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", """{"workflow_name": "wait_for_callback"}""");
        var executionId = (string)J.At(execution, "id")!;
        var action = await WaitForTaskActionAsync(executionId, "wait");
        var actionId = (string)J.At(action, "id")!;
        Assert.Equal("RUNNING", J.At(action, "state"));
        Assert.Equal("RUNNING", (await fx.Server.Runtime.WaitForAsync(executionId, _ => true, TestContext.Current.CancellationToken)).State);

        // pausing the async action pauses its task and the workflow; resuming it lets them run on
        var (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{actionId}", """{"state": "PAUSED"}""");
        Assert.True(status == 200, Values.Json.Serialize(body));
        Assert.Equal("PAUSED", (await fx.Server.Runtime.WaitForAsync(executionId, w => w.State == "PAUSED", TestContext.Current.CancellationToken)).State);
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{actionId}", """{"state": "RUNNING"}""");
        Assert.True(status == 200, Values.Json.Serialize(body));
        Assert.Equal("RUNNING", (await fx.Server.Runtime.WaitForAsync(executionId, w => w.State == "RUNNING", TestContext.Current.CancellationToken)).State);

        // as action-execution-update sends it: the output already parsed
        (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{actionId}", """{"state": "SUCCESS", "output": {"token": "abc"}}""");
        Assert.True(status == 200, Values.Json.Serialize(body));
        Assert.Equal("SUCCESS", J.At(body, "state"));

        var done = await fx.Server.Runtime.WaitForCompletionAsync(executionId, TestContext.Current.CancellationToken);
        Assert.True(done.State == "SUCCESS", done.StateInfo);
        var (_, got, _) = await fx.GetAsync($"/v2/executions/{executionId}");
        Assert.Equal("""{"got": {"token": "abc"}}""", J.At(got, "output"));

        // an error delivered the same way fails the task and the workflow with it
        (_, execution, _) = await fx.SendAsync(HttpMethod.Post, "/v2/executions", """{"workflow_name": "wait_for_callback"}""");
        executionId = (string)J.At(execution, "id")!;
        actionId = (string)J.At(await WaitForTaskActionAsync(executionId, "wait"), "id")!;
        (status, _, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{actionId}", """{"state": "ERROR", "output": "{\"reason\": \"denied\"}"}""");
        Assert.Equal(200, status);
        done = await fx.Server.Runtime.WaitForCompletionAsync(executionId, TestContext.Current.CancellationToken);
        Assert.Equal("ERROR", done.State);
        Assert.Contains("denied", done.StateInfo, StringComparison.Ordinal);
    }

    private async Task<object?> WaitForTaskActionAsync(string executionId, string taskName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (_, tasks, _) = await fx.GetAsync($"/v2/executions/{executionId}/tasks?name={taskName}");
            if (J.List(J.At(tasks, "tasks")).FirstOrDefault() is { } task)
            {
                var (_, actions, _) = await fx.GetAsync($"/v2/tasks/{J.At(task, "id")}/action_executions");
                if (J.List(J.At(actions, "action_executions")).FirstOrDefault() is { } action)
                {
                    return action;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"no action execution for task {taskName} of {executionId}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Refusals_have_mistrals_status_and_error_body_and_never_500()
    {
        var posts = new (string Body, int Status, string Fault)[]
        {
            ("{not json", 400, "The request body is not valid JSON"),
            ("""{"input": {}}""", 400, "Please provide at least action name to run action."),
            ("""{"name": "no.such_action"}""", 400, "Failed to find action [action_name=no.such_action]"),
            ("""{"name": "std.echo"}""", 400, "Invalid input [name=std.echo, class=mistral.actions.std_actions.EchoAction, missing=['output']]"),
            ("""{"name": "std.echo", "input": {"output": 1, "colour": 2}}""", 400,
                "Invalid input [name=std.echo, class=mistral.actions.std_actions.EchoAction, unexpected=['colour']]"),
            ("""{"name": "std.async_noop", "params": {"run_sync": true}}""", 400, "Action does not support synchronous execution."),
            ("""{"name": "std.echo", "input": "[1]"}""", 400, "input"),
            ("""{"name": "std.echo", "colour": "blue"}""", 400, "Unknown attribute for argument action_ex: colour"),
        };
        foreach (var (text, expected, fault) in posts)
        {
            var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/action_executions", text);
            Assert.True(status == expected, $"{text}: {status} {Values.Json.Serialize(body)}");
            Assert.Contains(fault, J.Fault(body), StringComparison.Ordinal);
        }

        var id = (string)(await PostAsync("""{"name": "std.async_noop"}"""))["id"]!;
        var synced = (string)(await PostAsync("""{"name": "std.noop", "params": {"save_result": true, "run_sync": true}}"""))["id"]!;
        var puts = new (string Id, string Body, int Status, string Fault)[]
        {
            (id, """{"state": "DONE"}""", 400, "Error. Expected one of ['SUCCESS', 'ERROR', 'CANCELLED', 'PAUSED', 'RUNNING'], actual: DONE"),
            (id, """{"output": {"a": 1}}""", 400, "Error. Expected one of ['SUCCESS', 'ERROR', 'CANCELLED', 'PAUSED', 'RUNNING'], actual: None"),
            (id, """{"state": "SUCCESS", "output": 3}""", 400, "JsonType field value must be a dictionary"),
            (id, """{"state": "SUCCESS", "output": "not json"}""", 400, "JsonType field value must be a dictionary"),
            (id, "[1, 2]", 400, "JSON object"),
            (Guid.NewGuid().ToString(), """{"state": "SUCCESS"}""", 404, "ActionExecution not found"),
            (synced, """{"state": "SUCCESS"}""", 400, $"Action {synced} is already completed"),
            (synced, """{"state": "RUNNING"}""", 400, "Invalid state transition from SUCCESS to RUNNING."),
        };
        foreach (var (target, text, expected, fault) in puts)
        {
            var (status, body, _) = await fx.SendAsync(HttpMethod.Put, $"/v2/action_executions/{target}", text);
            Assert.True(status == expected, $"{text}: {status} {Values.Json.Serialize(body)}");
            Assert.Contains(fault, J.Fault(body), StringComparison.Ordinal);
        }

        // nothing of the refused updates reached the async action
        var (_, still, _) = await fx.GetAsync($"/v2/action_executions/{id}");
        Assert.Equal("RUNNING", J.At(still, "state"));
    }
}

/// <summary>An async action's RUNNING state and its later completion are durable: they survive a server restart.</summary>
public sealed class AsyncActionRestartTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-server-tests", Guid.NewGuid().ToString("N"));

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // pooled SQLite connections may still hold the file
        }

        return ValueTask.CompletedTask;
    }

    private Task<SiroccoServer> StartAsync() => SiroccoServer.StartAsync(new ServerOptions
    {
        Port = 0,
        DatabasePath = Path.Combine(_dir, "sirocco.db"),
        SyncEveryCommit = false,
    }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_workflow_waiting_on_an_async_action_survives_a_restart_and_goes_on_with_the_result()
    {
        var ct = TestContext.Current.CancellationToken;
        string executionId, actionId, adHocId;
        await using (var server = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = server.BaseUri };
            (await http.PostAsync("/v2/workflows", new StringContent("""
                version: '2.0'
                callback_wf:
                  output:
                    got: <% $.got %>
                  tasks:
                    wait:
                      action: std.async_noop
                      publish:
                        got: <% task().result %>
                """), ct)).EnsureSuccessStatusCode();
            var started = await http.PostAsync("/v2/executions",
                new StringContent("""{"workflow_name": "callback_wf"}""", System.Text.Encoding.UTF8, "application/json"), ct);
            executionId = (string)J.At(Values.Json.Parse(await started.Content.ReadAsStringAsync(ct)), "id")!;
            var adHoc = await http.PostAsync("/v2/action_executions",
                new StringContent("""{"name": "std.async_noop"}""", System.Text.Encoding.UTF8, "application/json"), ct);
            adHocId = (string)J.At(Values.Json.Parse(await adHoc.Content.ReadAsStringAsync(ct)), "id")!;
            // the start commits the first task with its action execution before it answers
            var state = await server.Store.GetExecutionAsync(executionId, ct);
            actionId = Assert.Single(state.Actions).Id;
        }

        await using (var server = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = server.BaseUri };
            var running = Values.Json.Parse(await http.GetStringAsync($"/v2/action_executions/{actionId}", ct));
            Assert.Equal("RUNNING", J.At(running, "state"));
            Assert.Equal("RUNNING", J.At(Values.Json.Parse(await http.GetStringAsync($"/v2/action_executions/{adHocId}", ct)), "state"));

            var put = await http.PutAsync($"/v2/action_executions/{actionId}",
                new StringContent("""{"state": "SUCCESS", "output": {"after": "restart"}}""", System.Text.Encoding.UTF8, "application/json"), ct);
            Assert.Equal(200, (int)put.StatusCode);
            put = await http.PutAsync($"/v2/action_executions/{adHocId}",
                new StringContent("""{"state": "SUCCESS", "output": {"n": 1}}""", System.Text.Encoding.UTF8, "application/json"), ct);
            Assert.Equal(200, (int)put.StatusCode);
            var done = await server.Runtime.WaitForCompletionAsync(executionId, ct);
            Assert.Equal("SUCCESS", done.State);
        }

        // the completions were committed: a third process sees them
        await using (var server = await StartAsync())
        {
            using var http = new HttpClient { BaseAddress = server.BaseUri };
            var execution = Values.Json.Parse(await http.GetStringAsync($"/v2/executions/{executionId}", ct));
            Assert.Equal("""{"got": {"after": "restart"}}""", J.At(execution, "output"));
            var adHoc = Values.Json.Parse(await http.GetStringAsync($"/v2/action_executions/{adHocId}", ct));
            Assert.Equal("SUCCESS", J.At(adHoc, "state"));
            Assert.Equal("""{"result": {"n": 1}}""", J.At(adHoc, "output"));
        }
    }
}

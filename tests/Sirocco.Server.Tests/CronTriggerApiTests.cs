using System.Globalization;

namespace Sirocco.Server.Tests;

/// <summary><c>/v2/cron_triggers</c> as python-mistralclient sends and reads it, with Mistral's validation and errors.</summary>
public sealed class CronTriggerApiTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Workflow = """
        version: '2.0'
        cron_wf:
          input:
            - who
            - greeting: hi
          tasks:
            t:
              action: std.echo output=<% $.who %>
        """;

    private async Task<string> EnsureWorkflowAsync()
    {
        var (status, body, _) = await fx.GetAsync("/v2/workflows/cron_wf");
        if (status == 200)
        {
            return (string)J.At(body, "id")!;
        }

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/workflows", Workflow, "text/plain");
        Assert.Equal(201, status);
        return (string)J.At(J.List(J.At(body, "workflows"))[0], "id")!;
    }

    private static string InMinutes(int minutes) =>
        DateTime.UtcNow.AddMinutes(minutes).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Create_get_list_delete_in_the_clients_shapes()
    {
        var wfId = await EnsureWorkflowAsync();
        var first = InMinutes(10);
        // exactly what python-mistralclient's CronTriggerManager.create sends
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers", $$$"""
            {"name": "every-hour", "pattern": "0 * * * *", "first_execution_time": "{{{first}}}", "remaining_executions": 3,
             "workflow_name": "cron_wf", "workflow_input": "{\"who\": \"world\"}", "workflow_params": "{\"env\": {\"a\": 1}}"}
            """);
        Assert.Equal(201, status);
        var created = J.Map(body);
        Assert.Equal(
            ["id", "name", "workflow_name", "workflow_id", "workflow_input", "workflow_params", "scope", "pattern", "remaining_executions",
             "first_execution_time", "next_execution_time", "project_id", "created_at", "updated_at"],
            created.Keys);
        Assert.Equal("every-hour", created["name"]);
        Assert.Equal(wfId, created["workflow_id"]);
        Assert.Equal("{\"who\": \"world\"}", created["workflow_input"]);
        Assert.Equal("{\"env\": {\"a\": 1}}", created["workflow_params"]);
        Assert.Equal(3L, created["remaining_executions"]);
        Assert.Equal(first + ":00", created["first_execution_time"]);
        Assert.Equal(first + ":00", created["next_execution_time"]);
        Assert.Equal("private", created["scope"]);
        Assert.Null(created["updated_at"]);

        (status, body, _) = await fx.GetAsync("/v2/cron_triggers/every-hour");
        Assert.Equal(200, status);
        Assert.Equal(created["id"], J.At(body, "id"));
        (status, body, _) = await fx.GetAsync($"/v2/cron_triggers/{created["id"]}");
        Assert.Equal(200, status);
        Assert.Equal("every-hour", J.At(body, "name"));

        // the fields cron-trigger-list asks for
        (status, body, _) = await fx.GetAsync(
            "/v2/cron_triggers?fields=name,workflow_name,workflow_params,pattern,next_execution_time,remaining_executions,created_at,updated_at");
        Assert.Equal(200, status);
        var item = J.Map(Assert.Single(J.List(J.At(body, "cron_triggers")), t => (string?)J.At(t, "name") == "every-hour"));
        Assert.Equal(
            ["created_at", "id", "name", "next_execution_time", "pattern", "remaining_executions", "updated_at", "workflow_name", "workflow_params"],
            item.Keys.Order(StringComparer.Ordinal));

        (status, body, _) = await fx.GetAsync("/v2/cron_triggers?pattern=0 * * * *&limit=1");
        Assert.Equal(200, status);
        Assert.Single(J.List(J.At(body, "cron_triggers")));
        Assert.Contains("marker=", (string)J.At(body, "next")!, StringComparison.Ordinal);

        (status, _, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/cron_triggers/every-hour");
        Assert.Equal(204, status);
        (status, body, _) = await fx.GetAsync("/v2/cron_triggers/every-hour");
        Assert.Equal(404, status);
        Assert.Equal("Cron trigger not found [identifier=every-hour]", J.Fault(body));
    }

    [Fact]
    public async Task A_pattern_alone_runs_forever_from_the_next_match_and_a_first_time_alone_runs_once()
    {
        await EnsureWorkflowAsync();
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers",
            """{"name": "forever", "pattern": "*/5 * * * *", "workflow_name": "cron_wf", "workflow_input": {"who": "x"}}""");
        Assert.Equal(201, status);
        Assert.Null(J.At(body, "remaining_executions"));
        Assert.Null(J.At(body, "first_execution_time"));
        var next = DateTime.ParseExact((string)J.At(body, "next_execution_time")!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        Assert.Equal(0, next.Minute % 5);
        Assert.Equal(0, next.Second);

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers",
            $$"""{"name": "once", "first_execution_time": "{{InMinutes(30)}}", "workflow_name": "cron_wf", "workflow_input": {"who": "x"}, "pattern": null}""");
        Assert.Equal(201, status);
        Assert.Equal(1L, J.At(body, "remaining_executions"));
        Assert.Null(J.At(body, "pattern"));

        await fx.SendAsync(HttpMethod.Delete, "/v2/cron_triggers/forever");
        await fx.SendAsync(HttpMethod.Delete, "/v2/cron_triggers/once");
    }

    [Theory]
    [InlineData("""{"name": "b1", "workflow_name": "cron_wf", "workflow_input": {"who": 1}}""", "Pattern or first_execution_time must be specified.")]
    [InlineData("""{"name": "b2", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "pattern": "61 * * * *"}""", "The specified pattern is not valid: 61 * * * *")]
    [InlineData("""{"name": "b3", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "pattern": "* * *"}""", "The specified pattern is not valid: * * *")]
    [InlineData("""{"name": "b4", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "first_execution_time": "2020-01-01 00:00"}""", "first_execution_time must be at least 1 minute in the future.")]
    [InlineData("""{"name": "b5", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "first_execution_time": "soon"}""", "time data 'soon' does not match format '%Y-%m-%d %H:%M'")]
    [InlineData("""{"name": "b6", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "pattern": "* * * * *", "remaining_executions": 0}""", "Invalid input for field/attribute remaining_executions. Value: '0'. Value should be greater or equal to 1")]
    [InlineData("""{"name": "b7", "workflow_name": "cron_wf", "workflow_input": {}, "pattern": "* * * * *"}""", "Invalid input [name=cron_wf, class=DirectWorkflowSpec, missing=['who']]")]
    [InlineData("""{"name": "b8", "workflow_name": "cron_wf", "workflow_input": {"who": 1, "what": 2}, "pattern": "* * * * *"}""", "Invalid input [name=cron_wf, class=DirectWorkflowSpec, unexpected=['what']]")]
    [InlineData("""{"name": "b9", "workflow_name": "cron_wf", "pattern": "* * * * *", "colour": "red"}""", "Unknown attribute for argument cron_trigger: colour")]
    [InlineData("""{"name": "b10", "pattern": "* * * * *"}""", "Workflow ID or workflow name must be provided. Workflow ID is recommended.")]
    [InlineData("""{"name": "b11", "workflow_name": "cron_wf", "workflow_input": "[1]", "pattern": "* * * * *"}""", "Invalid input for field/attribute workflow_input")]
    public async Task Bad_triggers_are_400_with_mistrals_message_and_nothing_is_stored(string json, string message)
    {
        await EnsureWorkflowAsync();
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers", json);
        Assert.Equal(400, status);
        Assert.StartsWith(message, J.Fault(body), StringComparison.Ordinal);
        var name = (string)J.At(Sirocco.Values.Json.Parse(json), "name")!;
        (status, _, _) = await fx.GetAsync($"/v2/cron_triggers/{name}");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task A_count_above_one_needs_a_pattern()
    {
        await EnsureWorkflowAsync();
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers",
            $$"""{"name": "c1", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "first_execution_time": "{{InMinutes(5)}}", "remaining_executions": 2}""");
        Assert.Equal(400, status);
        Assert.Equal("Pattern must be provided if count is superior to 1.", J.Fault(body));
    }

    [Fact]
    public async Task Duplicates_are_409_an_unknown_workflow_404_and_a_triggered_workflow_cannot_be_deleted()
    {
        await EnsureWorkflowAsync();
        var json = """{"name": "dup", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "pattern": "0 0 * * *"}""";
        var (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers", json);
        Assert.Equal(201, status);
        var id = (string)J.At(body, "id")!;

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers", json);
        Assert.Equal(409, status);
        Assert.Equal("Duplicate entry for cron trigger ['name', 'project_id']: dup, <default-project>", J.Fault(body));

        // the same trigger under another name is a duplicate too (Mistral's second unique key; as in Mistral's
        // database, a key with NULLs in it, i.e. no count or no first time, never collides)
        var counted = $$"""{"name": "NAME", "workflow_name": "cron_wf", "workflow_input": {"who": 1}, "pattern": "0 0 * * *", "remaining_executions": 2, "first_execution_time": "{{InMinutes(5)}}"}""";
        (status, _, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers", counted.Replace("NAME", "same1", StringComparison.Ordinal));
        Assert.Equal(201, status);
        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers", counted.Replace("NAME", "same2", StringComparison.Ordinal));
        Assert.Equal(409, status);
        Assert.StartsWith("Duplicate entry for cron trigger", J.Fault(body), StringComparison.Ordinal);
        await fx.SendAsync(HttpMethod.Delete, "/v2/cron_triggers/same1");

        (status, body, _) = await fx.SendAsync(HttpMethod.Post, "/v2/cron_triggers",
            """{"name": "nowf", "workflow_name": "no_such_wf", "pattern": "0 0 * * *"}""");
        Assert.Equal(404, status);
        Assert.Equal("Workflow not found [workflow_identifier=no_such_wf, namespace=]", J.Fault(body));

        (status, body, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/workflows/cron_wf");
        Assert.Equal(400, status);
        Assert.Contains($"Can't delete workflow that has cron triggers associated. [workflow_identifier=cron_wf, namespace=], [cron_trigger_id(s)={id}]",
            (string)J.At(body, "faultstring")!, StringComparison.Ordinal);

        (status, _, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/cron_triggers/dup");
        Assert.Equal(204, status);
        (status, body, _) = await fx.SendAsync(HttpMethod.Delete, "/v2/cron_triggers/dup");
        Assert.Equal(404, status);
    }
}

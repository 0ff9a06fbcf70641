using Sirocco.Engine.Model;
using Sirocco.Runtime;
using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Queries;
using Sirocco.Values;

namespace Sirocco.Server.Endpoints;

/// <summary><c>/v2/tasks</c>: list, get (with <c>result</c>), rerun, and the action executions of a task.</summary>
public static class TaskEndpoints
{
    /// <summary>What the list accepts.</summary>
    public static readonly ListEndpoint List = new("tasks", ResourceTables.Tasks,
        new HashSet<string>
        {
            "id", "name", "type", "workflow_name", "workflow_namespace", "workflow_id", "workflow_execution_id", "tags", "state",
            "state_info", "result", "published", "processed", "runtime_context", "created_at", "updated_at", "started_at", "finished_at",
        },
        new HashSet<string>());

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/tasks", (HttpRequest r, SiroccoStore s) => ResourceReads.ListAsync(r, s, List)).WithSummary("List task executions");
        v2.MapGet("/tasks/{id}", GetAsync).WithSummary("Get a task execution with its result");
        v2.MapPut("/tasks/{id}", RerunAsync).WithSummary("Rerun a task in ERROR");
        v2.MapGet("/tasks/{id}/action_executions", ActionsAsync).WithSummary("List the action executions of a task");
        v2.MapGet("/tasks/{id}/action_executions/{actionId}", ActionAsync).WithSummary("Get one action execution of a task");
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoStore store, string id)
    {
        QueryParams.Allow(request, "fields");
        return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.Tasks, id, "TaskExecution",
            QueryParams.Get(request, "fields"), request.HttpContext.RequestAborted).ConfigureAwait(false));
    }

    // the Task resource's attributes: WSME refuses any other key in a body
    private static readonly HashSet<string> BodyKeys =
    [
        "id", "name", "type", "workflow_name", "workflow_namespace", "workflow_id", "workflow_execution_id", "tags", "state",
        "state_info", "project_id", "runtime_context", "result", "published", "published_global", "processed", "created_at",
        "updated_at", "started_at", "finished_at", "reset", "env",
    ];

    private static readonly string[] True = ["true", "t", "yes", "y", "on", "1"];

    private static readonly string[] False = ["false", "f", "no", "n", "off", "0"];

    /// <summary>Mistral 15's <c>TasksController.put</c>: the checks in its order, with its messages, then the engine's rerun.</summary>
    private static async Task<IResult> RerunAsync(HttpRequest request, SiroccoStore store, SiroccoRuntime runtime, string id)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        var unknown = body.Keys.Where(k => !BodyKeys.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest($"Unknown attribute{(unknown.Count > 1 ? "s" : "")} for argument task: {string.Join(", ", unknown)}");
        }

        if (body.TryGetValue("project_id", out var project))
        {
            throw ApiException.BadRequest($"Invalid input for field/attribute project_id. Value: '{Py.Str(project)}'. Cannot set read only field.");
        }

        // reset is mandatory in the Task resource (python-mistralclient always sends it)
        if (!body.TryGetValue("reset", out var resetValue))
        {
            throw ApiException.BadRequest("Invalid input for field/attribute reset. Value: 'None'. Mandatory field missing.");
        }

        var reset = resetValue switch
        {
            null => false,
            bool b => b,
            long l => l != 0,
            string s when True.Contains(s) => true,
            string s when False.Contains(s) => false,
            _ => throw ApiException.BadRequest(
                $"Invalid input for field/attribute task. Value: '{Py.Str(body)}'. Value not an unambiguous boolean: {Py.Str(resetValue)}"),
        };
        var env = Wire.JsonObjectField(body, "env");

        var task = await ResourceReads.GetAsync(store, ResourceTables.Tasks, id, "TaskExecution", null, ct).ConfigureAwait(false);
        if (Wire.StringField(body, "name") is { Length: > 0 } name && name != (string?)task["name"])
        {
            throw ApiException.BadRequest("Task name does not match.");
        }

        if (Wire.StringField(body, "workflow_name") is { Length: > 0 } workflowName && workflowName != (string?)task["workflow_name"])
        {
            throw ApiException.BadRequest("Workflow name does not match.");
        }

        if (Wire.StringField(body, "state") != States.Running)
        {
            throw ApiException.BadRequest("Invalid task state. Only updating task to rerun is supported.");
        }

        if ((string?)task["state"] != States.Error)
        {
            throw ApiException.BadRequest("The current task execution must be in ERROR for rerun. Only updating task to rerun is supported.");
        }

        // the engine refuses reset=false on a task without with-items, with Mistral's message
        await runtime.RerunTaskAsync(id, reset, env.Count == 0 ? null : env, ct).ConfigureAwait(false);
        return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.Tasks, id, "TaskExecution", null, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> ActionsAsync(HttpRequest request, SiroccoStore store, string id)
    {
        if (!await ResourceReads.ExistsAsync(store, ResourceTables.Tasks, id, request.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            throw ApiException.NotFound($"TaskExecution not found [id={id}]");
        }

        return await ResourceReads.ListAsync(request, store, ActionExecutionEndpoints.List,
            [new FilterCondition("task_execution_id", FilterOperator.Eq, [id])]).ConfigureAwait(false);
    }

    private static async Task<IResult> ActionAsync(HttpRequest request, SiroccoStore store, string id, string actionId)
    {
        QueryParams.Allow(request, "fields");
        var action = await ResourceReads.GetAsync(store, ResourceTables.ActionExecutions, actionId, "ActionExecution",
            QueryParams.Get(request, "fields"), request.HttpContext.RequestAborted).ConfigureAwait(false);
        var ofTask = await ResourceReads.GetAsync(store, ResourceTables.ActionExecutions, actionId, "ActionExecution", "task_execution_id",
            request.HttpContext.RequestAborted).ConfigureAwait(false);
        return (string?)ofTask["task_execution_id"] == id
            ? Wire.Json(action)
            : throw ApiException.NotFound($"ActionExecution not found [id={actionId}, task_execution_id={id}]");
    }
}

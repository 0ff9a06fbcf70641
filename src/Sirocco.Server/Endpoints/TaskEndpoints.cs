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

    private static async Task<IResult> RerunAsync(HttpRequest request, SiroccoStore store, SiroccoRuntime runtime, string id)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        var task = await ResourceReads.GetAsync(store, ResourceTables.Tasks, id, "TaskExecution", null, ct).ConfigureAwait(false);
        foreach (var key in new[] { "name", "workflow_name" })
        {
            if (Wire.StringField(body, key) is { } given && given != (string?)task[key])
            {
                throw ApiException.BadRequest($"Task {key} does not match: given '{given}', the task's is '{task[key]}'");
            }
        }

        var state = Wire.StringField(body, "state");
        if (state != "RUNNING")
        {
            throw ApiException.BadRequest(state is null
                ? "Invalid task update: the state RUNNING (rerun) is required"
                : $"not supported: task state change to {state} (only RUNNING, a rerun, is supported)");
        }

        if ((string?)task["state"] != "ERROR")
        {
            throw ApiException.BadRequest($"Failed to rerun the task because it is not in ERROR state [task_ex_id={id}, state={task["state"]}]");
        }

        var reset = true;
        if (body.TryGetValue("reset", out var r) && r is not null)
        {
            reset = r as bool? ?? throw ApiException.BadRequest($"Invalid input for field/attribute reset. Value: '{Py.Str(r)}'. Expected a boolean");
        }

        var env = Wire.JsonObjectField(body, "env");
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

using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Queries;

namespace Sirocco.Server.Endpoints;

/// <summary><c>/v2/action_executions</c>: list and get. Running actions directly through the API is not built yet.</summary>
public static class ActionExecutionEndpoints
{
    /// <summary>What the list accepts.</summary>
    public static readonly ListEndpoint List = new("action_executions", ResourceTables.ActionExecutions,
        new HashSet<string>
        {
            "id", "name", "tags", "workflow_name", "workflow_namespace", "task_name", "task_execution_id", "state", "state_info",
            "accepted", "input", "output", "description", "created_at", "updated_at",
        },
        new HashSet<string>())
    {
        HasIncludeOutput = true,
    };

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/action_executions", (HttpRequest r, SiroccoStore s) => ResourceReads.ListAsync(r, s, List)).WithSummary("List action executions");
        v2.MapGet("/action_executions/{id}", GetAsync).WithSummary("Get an action execution with its output");
        v2.MapPost("/action_executions", NotSupported).WithSummary("Run an action directly (not supported yet)");
        v2.MapPut("/action_executions/{id}", NotSupported).WithSummary("Deliver an async action's result (not supported yet)");
        v2.MapDelete("/action_executions/{id}", (string id) =>
            Task.FromException<IResult>(ApiException.Forbidden("Action execution deletion is not allowed.")))
            .WithSummary("Delete an action execution (refused, as Mistral's default)");
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoStore store, string id)
    {
        QueryParams.Allow(request, "fields");
        return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.ActionExecutions, id, "ActionExecution",
            QueryParams.Get(request, "fields"), request.HttpContext.RequestAborted).ConfigureAwait(false));
    }

    private static Task<IResult> NotSupported(HttpRequest request) =>
        Task.FromException<IResult>(ApiException.BadRequest(
            $"not supported: {request.Method} /v2/action_executions (running actions outside a workflow, async action results)"));
}

using Sirocco.Engine;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Runtime;
using Sirocco.Runtime.Commands;
using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Queries;
using Sirocco.Values;

namespace Sirocco.Server.Endpoints;

/// <summary>
/// <c>/v2/action_executions</c>: list and get; run an action directly (<c>mistral run-action</c>); deliver an async
/// action's result or pause/resume it (<c>mistral action-execution-update</c>).
/// </summary>
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

    // the ActionExecution resource's attributes: WSME refuses any other key in a body
    private static readonly HashSet<string> BodyKeys =
    [
        "id", "workflow_name", "workflow_namespace", "task_name", "task_execution_id", "state", "state_info", "tags", "name",
        "description", "project_id", "accepted", "input", "output", "created_at", "updated_at", "params",
    ];

    // the order Mistral lists them in its error message
    private static readonly string[] SupportedStates = [States.Success, States.Error, States.Cancelled, States.Paused, States.Running];

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/action_executions", (HttpRequest r, SiroccoStore s) => ResourceReads.ListAsync(r, s, List)).WithSummary("List action executions");
        v2.MapGet("/action_executions/{id}", GetAsync).WithSummary("Get an action execution with its output");
        v2.MapPost("/action_executions", RunAsync).WithSummary("Run an action directly (mistral run-action)");
        v2.MapPut("/action_executions/{id}", UpdateAsync).WithSummary("Deliver an action's result (SUCCESS, ERROR, CANCELLED) or pause/resume it");
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

    private static async Task<OrderedDictionary<string, object?>> ReadBodyAsync(HttpRequest request)
    {
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        var unknown = body.Keys.Where(k => !BodyKeys.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest($"Unknown attribute{(unknown.Count > 1 ? "s" : "")} for argument action_ex: {string.Join(", ", unknown)}");
        }

        if (body.TryGetValue("project_id", out var project))
        {
            throw ApiException.BadRequest($"Invalid input for field/attribute project_id. Value: '{Py.Str(project)}'. Cannot set read only field.");
        }

        return body;
    }

    private static async Task<IResult> RunAsync(HttpRequest request, SiroccoStore store, SiroccoRuntime runtime)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var name = Wire.StringField(body, "name");
        var input = Wire.JsonObjectField(body, "input");
        var parameters = Wire.JsonObjectField(body, "params");
        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.BadRequest("Please provide at least action name to run action.");
        }

        var outcome = await runtime.RunActionAsync(new RunActionRequest
        {
            ActionName = name,
            Input = input,
            Description = Wire.StringField(body, "description") is { Length: > 0 } d ? d : null,
            Namespace = Wire.StringField(body, "workflow_namespace") ?? "",
            RunSync = Py.Truthy(parameters.GetValueOrDefault("run_sync")),
            SaveResult = Py.Truthy(parameters.GetValueOrDefault("save_result")),
            Target = parameters.GetValueOrDefault("target") is { } target ? Py.Str(target) : null,
            Timeout = Timeout(parameters.GetValueOrDefault("timeout")),
        }, ct).ConfigureAwait(false);
        if (outcome.Saved)
        {
            return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.ActionExecutions, outcome.Action.Id, "ActionExecution", null, ct)
                .ConfigureAwait(false), StatusCodes.Status201Created);
        }

        // Mistral answers an unsaved run with a record that was never stored: no id, no times
        var a = outcome.Action;
        return Wire.Json(new OrderedDictionary<string, object?>
        {
            ["id"] = null,
            ["name"] = a.Name,
            ["description"] = a.Description,
            ["workflow_name"] = null,
            ["workflow_namespace"] = a.WorkflowNamespace,
            ["task_name"] = null,
            ["task_execution_id"] = null,
            ["state"] = a.State,
            ["state_info"] = null,
            ["tags"] = null,
            ["accepted"] = null,
            ["input"] = Sirocco.Expressions.Functions.PyJson.Dumps(a.Input, indent: null),
            ["output"] = Sirocco.Expressions.Functions.PyJson.Dumps(a.Output, indent: null),
            ["project_id"] = null,
            ["created_at"] = null,
            ["updated_at"] = null,
        }, StatusCodes.Status201Created);
    }

    private static int? Timeout(object? value) => value switch
    {
        null => null,
        long l when l > 0 => (int)Math.Min(l, int.MaxValue),
        double f when f > 0 => (int)Math.Ceiling(f),
        long or double => null,
        _ => throw ApiException.BadRequest($"Invalid input for field/attribute params. Value: '{Py.Str(value)}'. timeout must be a number of seconds"),
    };

    private static async Task<IResult> UpdateAsync(HttpRequest request, SiroccoStore store, SiroccoRuntime runtime, string id)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        var state = Wire.StringField(body, "state");
        if (state is null || !SupportedStates.Contains(state))
        {
            throw ApiException.BadRequest(
                $"Error. Expected one of {Py.Repr(SupportedStates.Cast<object?>().ToList())}, actual: {state ?? "None"}");
        }

        object? output = null;
        if (body.TryGetValue("output", out var given))
        {
            try
            {
                output = Wire.JsonObjectField(body, "output");
            }
            catch (ApiException)
            {
                throw ApiException.BadRequest(
                    $"Invalid input for field/attribute output. Value: '{Py.Str(given)}'. JsonType field value must be a dictionary [actual={Py.Str(given)}]");
            }
        }

        var (exists, _, current) = await store.FindActionExecutionAsync(id, ct).ConfigureAwait(false);
        if (!exists)
        {
            throw ApiException.NotFound($"ActionExecution not found [id={id}]");
        }

        if (States.IsCompleted(state) && States.IsCompleted(current))
        {
            // Mistral's engine raises ValueError here and answers 500; this is bad input, so 400 with its text
            throw ApiException.BadRequest($"Action {id} is already completed");
        }

        switch (state)
        {
            case States.Success:
                await runtime.DeliverActionResultAsync(id, ActionResult.Ok(output), ct).ConfigureAwait(false);
                break;
            case States.Error:
                await runtime.DeliverActionResultAsync(id, ActionResult.Failed(Py.Truthy(output) ? output! : "Unknown error"), ct).ConfigureAwait(false);
                break;
            case States.Cancelled:
                await runtime.DeliverActionResultAsync(id, ActionResult.Cancelled(), ct).ConfigureAwait(false);
                break;
            default:
                await runtime.UpdateActionStateAsync(id, state, ct).ConfigureAwait(false);
                break;
        }

        return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.ActionExecutions, id, "ActionExecution", null, ct).ConfigureAwait(false));
    }
}

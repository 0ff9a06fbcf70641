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

/// <summary><c>/v2/executions</c>: create (start), get, list, update (state, description, env), delete, tasks of one.</summary>
public static class ExecutionEndpoints
{
    /// <summary>What the list accepts.</summary>
    public static readonly ListEndpoint List = new("executions", ResourceTables.Executions,
        new HashSet<string>
        {
            "id", "workflow_name", "workflow_id", "workflow_namespace", "description", "tags", "params", "task_execution_id",
            "root_execution_id", "state", "state_info", "input", "output", "created_at", "updated_at", "project_id",
        },
        new HashSet<string> { "all_projects" })
    {
        HasIncludeOutput = true,
        HasNulls = true,
    };

    // the Execution resource's attributes: WSME refuses any other key in a body
    private static readonly HashSet<string> BodyKeys =
    [
        "id", "workflow_id", "workflow_name", "workflow_namespace", "description", "tags", "params", "task_execution_id",
        "root_execution_id", "state", "state_info", "input", "output", "project_id", "created_at", "updated_at",
        "source_execution_id", "published_global",
    ];

    private static readonly string[] UpdatableStates = [States.Running, States.Paused, States.Success, States.Error, States.Cancelled];

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapPost("/executions", CreateAsync).WithSummary("Start an execution of a workflow");
        v2.MapGet("/executions", (HttpRequest r, SiroccoStore s) => ResourceReads.ListAsync(r, s, List)).WithSummary("List executions");
        v2.MapGet("/executions/{id}", GetAsync).WithSummary("Get an execution");
        v2.MapPut("/executions/{id}", UpdateAsync).WithSummary("Pause, resume or stop an execution; update its description or env");
        v2.MapDelete("/executions/{id}", DeleteAsync).WithSummary("Delete an execution");
        v2.MapGet("/executions/{id}/tasks", TasksAsync).WithSummary("List the task executions of an execution");
    }

    private static void CheckBodyKeys(OrderedDictionary<string, object?> body)
    {
        foreach (var key in body.Keys)
        {
            if (!BodyKeys.Contains(key))
            {
                throw ApiException.BadRequest($"Unknown attribute for argument wf_ex: {key}");
            }
        }
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SiroccoStore store, SiroccoRuntime runtime)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        CheckBodyKeys(body);
        var workflowId = Wire.StringField(body, "workflow_id");
        var workflowName = Wire.StringField(body, "workflow_name");
        var ns = Wire.StringField(body, "workflow_namespace") ?? "";
        var description = Wire.StringField(body, "description") ?? "";
        var input = Wire.JsonObjectField(body, "input");
        var parameters = Wire.JsonObjectField(body, "params");
        var executionId = Wire.StringField(body, "id");
        if (executionId is not null && (executionId.Length != 36 || !Guid.TryParse(executionId, out _)))
        {
            throw ApiException.BadRequest($"Invalid input for field/attribute id. Value: '{executionId}'. Expected a UUID");
        }

        if (Wire.StringField(body, "source_execution_id") is { } sourceId)
        {
            // Mistral copies the workflow, input and params of the earlier execution
            var source = await store.LoadExecutionAsync(sourceId, ct).ConfigureAwait(false)
                         ?? throw ApiException.NotFound($"WorkflowExecution not found [id={sourceId}]");
            workflowId ??= source.Workflow.WorkflowId;
            workflowName ??= source.Workflow.WorkflowName;
            ns = source.Workflow.WorkflowNamespace;
            if (input.Count == 0)
            {
                input = source.Workflow.Input;
            }

            if (parameters.Count == 0)
            {
                parameters = source.Workflow.Params;
            }

            description = $"{description} Based on the execution '{sourceId}'".TrimStart();
        }

        if (workflowId is null && workflowName is null)
        {
            throw ApiException.BadRequest("Workflow ID or workflow name must be provided. Workflow ID is recommended.");
        }

        if (parameters.TryGetValue("namespace", out var pns) && pns is string paramNamespace && ns.Length == 0)
        {
            ns = paramNamespace;
        }

        var execution = await runtime.StartExecutionAsync(new StartExecutionRequest
        {
            WorkflowIdentifier = workflowId ?? workflowName!,
            WorkflowNamespace = ns,
            Input = input,
            Params = parameters,
            Description = description,
            ExecutionId = executionId,
        }, ct).ConfigureAwait(false);
        var resource = await ResourceReads.GetAsync(store, ResourceTables.Executions, execution.Id, "WorkflowExecution", null, ct).ConfigureAwait(false);
        return Wire.Json(resource, StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoStore store, string id)
    {
        QueryParams.Allow(request, "fields");
        return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.Executions, id, "WorkflowExecution",
            QueryParams.Get(request, "fields"), request.HttpContext.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, SiroccoStore store, SiroccoRuntime runtime, string id)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        CheckBodyKeys(body);
        if (!await ResourceReads.ExistsAsync(store, ResourceTables.Executions, id, ct).ConfigureAwait(false))
        {
            throw ApiException.NotFound($"WorkflowExecution not found [id={id}]");
        }

        var state = Wire.StringField(body, "state");
        var description = Wire.StringField(body, "description");
        var stateInfo = Wire.StringField(body, "state_info");
        var parameters = Wire.JsonObjectField(body, "params");
        OrderedDictionary<string, object?>? env = null;
        if (parameters.TryGetValue("env", out var envValue) && envValue is not null)
        {
            env = envValue as OrderedDictionary<string, object?>
                  ?? throw ApiException.BadRequest($"Invalid input for field/attribute params: env must be an object, not {Py.TypeName(envValue)}");
            if (env.Count == 0)
            {
                env = null;
            }
        }

        if (string.IsNullOrEmpty(state) && string.IsNullOrEmpty(description) && env is null)
        {
            throw ApiException.BadRequest("The property state, description, or env is not provided for update.");
        }

        if (!string.IsNullOrEmpty(description) && !string.IsNullOrEmpty(state))
        {
            throw ApiException.BadRequest("The property description must be updated separately from state.");
        }

        if (env is not null && !string.IsNullOrEmpty(state) && state != States.Running)
        {
            throw ApiException.BadRequest("The property env can only be updated when workflow execution is not running or on resume from pause.");
        }

        if (!string.IsNullOrEmpty(description))
        {
            await ExecutionUpdates.SetDescriptionAsync(store, id, description, ct).ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(state) && env is not null)
        {
            await ExecutionUpdates.SetEnvAsync(store, id, env, ct).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(state))
        {
            if (!UpdatableStates.Contains(state))
            {
                throw ApiException.BadRequest($"Cannot change state to {state}. Allowed states are: '{string.Join(", ", UpdatableStates)}'");
            }

            await runtime.UpdateStateAsync(id, state, stateInfo, env, ct).ConfigureAwait(false);
        }

        return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.Executions, id, "WorkflowExecution", null, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, SiroccoRuntime runtime, string id)
    {
        QueryParams.Allow(request, "force");
        var force = QueryParams.Get(request, "force") is { } f && ListRequest.ParseBool("force", f);
        await runtime.DeleteExecutionAsync(id, force, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> TasksAsync(HttpRequest request, SiroccoStore store, string id)
    {
        if (!await ResourceReads.ExistsAsync(store, ResourceTables.Executions, id, request.HttpContext.RequestAborted).ConfigureAwait(false))
        {
            throw ApiException.NotFound($"WorkflowExecution not found [id={id}]");
        }

        return await ResourceReads.ListAsync(request, store, TaskEndpoints.List,
            [new FilterCondition("workflow_execution_id", FilterOperator.Eq, [id])]).ConfigureAwait(false);
    }
}

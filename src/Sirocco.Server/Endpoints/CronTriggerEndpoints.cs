using System.Numerics;
using Sirocco.Runtime;
using Sirocco.Runtime.Scheduling;
using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Queries;
using Sirocco.Values;

namespace Sirocco.Server.Endpoints;

/// <summary>
/// <c>/v2/cron_triggers</c>: create (Mistral's rules: a pattern or a first time a minute ahead, a count above 1 only
/// with a pattern, the input checked against the workflow), list, get by name or id, delete. There is no update, as
/// in Mistral: delete and create again.
/// </summary>
public static class CronTriggerEndpoints
{
    /// <summary>What the list accepts.</summary>
    public static readonly ListEndpoint List = new("cron_triggers", ResourceTables.CronTriggers,
        new HashSet<string>
        {
            "name", "workflow_name", "workflow_id", "workflow_input", "workflow_params", "scope", "pattern", "remaining_executions",
            "first_execution_time", "next_execution_time", "created_at", "updated_at", "project_id",
        },
        new HashSet<string> { "all_projects" });

    // the CronTrigger resource's attributes: WSME refuses any other key in a body
    private static readonly HashSet<string> BodyKeys =
    [
        "id", "name", "workflow_name", "workflow_id", "workflow_input", "workflow_params", "project_id", "scope", "pattern",
        "remaining_executions", "first_execution_time", "next_execution_time", "created_at", "updated_at",
    ];

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapPost("/cron_triggers", CreateAsync).WithSummary("Create a cron trigger");
        v2.MapGet("/cron_triggers", (HttpRequest r, SiroccoStore s) => ResourceReads.ListAsync(r, s, List)).WithSummary("List cron triggers");
        v2.MapGet("/cron_triggers/{identifier}", GetAsync).WithSummary("Get a cron trigger by name or id");
        v2.MapDelete("/cron_triggers/{identifier}", DeleteAsync).WithSummary("Delete a cron trigger by name or id");
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SiroccoStore store, SiroccoRuntime runtime)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        foreach (var key in body.Keys)
        {
            if (!BodyKeys.Contains(key))
            {
                throw ApiException.BadRequest($"Unknown attribute for argument cron_trigger: {key}");
            }
        }

        var name = Wire.StringField(body, "name");
        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.BadRequest("Invalid input for field/attribute name: a cron trigger needs a name");
        }

        var workflow = Wire.StringField(body, "workflow_id") ?? Wire.StringField(body, "workflow_name");
        if (string.IsNullOrEmpty(workflow))
        {
            throw ApiException.BadRequest("Workflow ID or workflow name must be provided. Workflow ID is recommended.");
        }

        var trigger = await runtime.CronTriggers.CreateAsync(new CronTriggerRequest
        {
            Name = name,
            WorkflowIdentifier = workflow,
            WorkflowInput = Wire.JsonObjectField(body, "workflow_input"),
            WorkflowParams = Wire.JsonObjectField(body, "workflow_params"),
            Pattern = NullIfEmpty(Wire.StringField(body, "pattern")),
            FirstExecutionTime = NullIfEmpty(Wire.StringField(body, "first_execution_time")),
            RemainingExecutions = Count(body),
            Scope = DefinitionRecords.Scope(Wire.StringField(body, "scope")),
        }, ct).ConfigureAwait(false);
        var resource = await ResourceReads.GetAsync(store, ResourceTables.CronTriggers, trigger.Id, "Cron trigger", null, ct).ConfigureAwait(false);
        return Wire.Json(resource, StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoStore store, string identifier)
    {
        QueryParams.Allow(request, "fields");
        var ct = request.HttpContext.RequestAborted;
        var trigger = await store.CronTriggers.GetAsync(identifier, ct: ct).ConfigureAwait(false);
        return Wire.Json(await ResourceReads.GetAsync(store, ResourceTables.CronTriggers, trigger.Id, "Cron trigger",
            QueryParams.Get(request, "fields"), ct).ConfigureAwait(false));
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, SiroccoRuntime runtime, string identifier)
    {
        QueryParams.Allow(request);
        await runtime.CronTriggers.DeleteAsync(identifier, ct: request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    // WSME's IntegerType(minimum=1)
    private static int? Count(OrderedDictionary<string, object?> body)
    {
        if (!body.TryGetValue("remaining_executions", out var value) || value is null)
        {
            return null;
        }

        if (value is not (long or BigInteger) || value is bool)
        {
            throw ApiException.BadRequest(
                $"Invalid input for field/attribute remaining_executions. Value: '{Py.Str(value)}'. Wrong type. Expected an integer, got {Py.TypeName(value)}");
        }

        if (value is BigInteger || (long)value > int.MaxValue)
        {
            throw ApiException.BadRequest(
                $"Invalid input for field/attribute remaining_executions. Value: '{Py.Str(value)}'. Value should be lower or equal to {int.MaxValue}");
        }

        if ((long)value < 1)
        {
            throw ApiException.BadRequest(
                $"Invalid input for field/attribute remaining_executions. Value: '{Py.Str(value)}'. Value should be greater or equal to 1");
        }

        return (int)(long)value;
    }
}

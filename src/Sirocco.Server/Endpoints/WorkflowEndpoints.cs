using Sirocco.Language;
using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Store.Queries;

namespace Sirocco.Server.Endpoints;

/// <summary><c>/v2/workflows</c>: text/plain create and update, get by name or id, list, delete, validate.</summary>
public static class WorkflowEndpoints
{
    /// <summary>What the list accepts.</summary>
    public static readonly ListEndpoint List = new("workflows", ResourceTables.Workflows,
        new HashSet<string> { "name", "input", "definition", "tags", "scope", "project_id", "namespace", "created_at", "updated_at" },
        new HashSet<string> { "all_projects" });

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapPost("/workflows", CreateAsync).WithMetadata(TextPlainRoute.Instance)
            .WithSummary("Create workflows from a YAML workflow file");
        v2.MapPut("/workflows", (HttpRequest r, SiroccoStore s) => UpdateAsync(r, s, null)).WithMetadata(TextPlainRoute.Instance)
            .WithSummary("Update workflows from a YAML workflow file");
        v2.MapPut("/workflows/{identifier}", (HttpRequest r, SiroccoStore s, string identifier) => UpdateAsync(r, s, identifier))
            .WithMetadata(TextPlainRoute.Instance).WithSummary("Update one workflow by id");
        v2.MapPost("/workflows/validate", ValidateAsync).WithSummary("Validate a workflow file");
        v2.MapGet("/workflows", ListAsync).WithSummary("List workflows");
        v2.MapGet("/workflows/{identifier}", GetAsync).WithSummary("Get a workflow by name or id");
        v2.MapDelete("/workflows/{identifier}", DeleteAsync).WithSummary("Delete a workflow");
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SiroccoStore store)
    {
        var (text, ns, scope) = await DefinitionRecords.ReadUploadAsync(request).ConfigureAwait(false);
        var records = Parse(text, ns, scope);
        var created = await store.WorkflowDefinitions.CreateManyAsync(records, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Envelope(created, StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, SiroccoStore store, string? identifier)
    {
        var (text, ns, scope) = await DefinitionRecords.ReadUploadAsync(request).ConfigureAwait(false);
        var records = Parse(text, ns, scope);
        var ct = request.HttpContext.RequestAborted;
        if (identifier is not null)
        {
            if (records.Count > 1)
            {
                throw ApiException.BadRequest($"More than one workflows are not supported for update with identifier. [identifier: {identifier}]");
            }

            var existing = await store.WorkflowDefinitions.GetAsync(identifier, ns, ct: ct).ConfigureAwait(false);
            var updated = await store.WorkflowDefinitions.UpdateAsync(records[0] with { Id = existing.Id }, ct).ConfigureAwait(false);
            return Wire.Json(ResourceRenderer.Render(ResourceTables.Workflows, DefinitionRecords.Row(updated), jsonAsObjects: true),
                contentType: Wire.JsonUtf8ContentType);
        }

        var all = await store.WorkflowDefinitions.UpdateManyAsync(records, ct).ConfigureAwait(false);
        return Envelope(all, StatusCodes.Status200OK);
    }

    private static IResult Envelope(IReadOnlyList<WorkflowDefinition> workflows, int status) =>
        Wire.Json(new OrderedDictionary<string, object?>
        {
            ["workflows"] = workflows.Select(w => (object?)ResourceRenderer.Render(ResourceTables.Workflows, DefinitionRecords.Row(w), jsonAsObjects: true)).ToList(),
        }, status, Wire.JsonUtf8ContentType);

    private static List<WorkflowDefinition> Parse(string text, string ns, string scope)
    {
        var list = LanguageParser.ParseWorkflows(text, DefinitionRecords.CheckExpression);
        if (list.Workflows.Count == 0)
        {
            throw ApiException.BadRequest("Invalid DSL: the document defines no workflow");
        }

        return list.Workflows
            .Select(w => DefinitionRecords.ToRecord(w, w.Name, ns, scope, string.IsNullOrEmpty(w.Definition) ? text : w.Definition))
            .ToList();
    }

    private static async Task<IResult> ValidateAsync(HttpRequest request)
    {
        QueryParams.Allow(request);
        var text = await Wire.ReadDefinitionAsync(request).ConfigureAwait(false);
        try
        {
            var list = LanguageParser.ParseWorkflows(text, DefinitionRecords.CheckExpression);
            return Wire.Json(list.Workflows.Count == 0
                ? new OrderedDictionary<string, object?> { ["valid"] = false, ["error"] = "Invalid DSL: the document defines no workflow" }
                : new OrderedDictionary<string, object?> { ["valid"] = true });
        }
        catch (LanguageException e)
        {
            return Wire.Json(new OrderedDictionary<string, object?> { ["valid"] = false, ["error"] = e.Message });
        }
    }

    private static async Task<IResult> ListAsync(HttpRequest request, SiroccoStore store)
    {
        var list = ListRequest.Parse(request.Query, List);
        var rows = await store.ReadAsync((c, ct) => ListQueryRunner.RunAsync(c, List.Table, list.Query, ct), request.HttpContext.RequestAborted)
            .ConfigureAwait(false);
        return Wire.Json(list.Envelope(request, ResourceRenderer.RenderAll(List.Table, rows)));
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoStore store, string identifier)
    {
        QueryParams.Allow(request, "namespace", "fields");
        var wf = await store.WorkflowDefinitions.GetAsync(identifier, QueryParams.Get(request, "namespace") ?? "",
            ct: request.HttpContext.RequestAborted).ConfigureAwait(false);
        var row = ResourceRenderer.Render(ResourceTables.Workflows, DefinitionRecords.Row(wf));
        return Wire.Json(DefinitionRecords.SelectFields(row, "Workflow", QueryParams.Get(request, "fields")));
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, SiroccoStore store, string identifier)
    {
        QueryParams.Allow(request, "namespace");
        await store.WorkflowDefinitions.DeleteAsync(identifier, QueryParams.Get(request, "namespace") ?? "",
            ct: request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }
}

using Sirocco.Language;
using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Store.Queries;

namespace Sirocco.Server.Endpoints;

/// <summary><c>/v2/workbooks</c>: text/plain create and update (with the workbook's workflows and ad-hoc actions), get, list, delete, validate.</summary>
public static class WorkbookEndpoints
{
    /// <summary>What the list accepts.</summary>
    public static readonly ListEndpoint List = new("workbooks", ResourceTables.Workbooks,
        new HashSet<string> { "name", "definition", "tags", "scope", "namespace", "created_at", "updated_at" },
        new HashSet<string>());

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapPost("/workbooks", (HttpRequest r, SiroccoStore s) => SaveAsync(r, s, create: true)).WithMetadata(TextPlainRoute.Instance)
            .WithSummary("Create a workbook (and its workflows) from YAML");
        v2.MapPut("/workbooks", (HttpRequest r, SiroccoStore s) => SaveAsync(r, s, create: false)).WithMetadata(TextPlainRoute.Instance)
            .WithSummary("Update a workbook (and its workflows) from YAML");
        v2.MapPost("/workbooks/validate", ValidateAsync).WithSummary("Validate a workbook");
        v2.MapGet("/workbooks", ListAsync).WithSummary("List workbooks");
        v2.MapGet("/workbooks/{name}", GetAsync).WithSummary("Get a workbook");
        v2.MapDelete("/workbooks/{name}", DeleteAsync).WithSummary("Delete a workbook");
    }

    private static async Task<IResult> SaveAsync(HttpRequest request, SiroccoStore store, bool create)
    {
        var (text, ns, scope) = await DefinitionRecords.ReadUploadAsync(request).ConfigureAwait(false);
        var spec = LanguageParser.ParseWorkbook(text, DefinitionRecords.CheckExpression);
        var workbook = new Workbook { Name = spec.Name, Namespace = ns, Scope = scope, Definition = text, Tags = spec.Tags };
        var workflows = spec.Workflows
            .Select(w => DefinitionRecords.ToRecord(w, spec.QualifiedName(w.Name), ns, scope, string.IsNullOrEmpty(w.Definition) ? text : w.Definition))
            .ToList();
        // the workbook's ad-hoc actions are stored as <wb>.<action>, with the workbook text as their definition
        var actions = ActionEndpoints.ToRecords(spec.Actions, spec.Name, ns, scope, text);
        var ct = request.HttpContext.RequestAborted;
        var saved = create
            ? await store.Workbooks.CreateAsync(workbook, workflows, actions, ct).ConfigureAwait(false)
            : await store.Workbooks.UpdateAsync(workbook, workflows, actions, ct).ConfigureAwait(false);
        return Wire.Json(ResourceRenderer.Render(ResourceTables.Workbooks, DefinitionRecords.Row(saved), jsonAsObjects: true),
            create ? StatusCodes.Status201Created : StatusCodes.Status200OK, Wire.JsonUtf8ContentType);
    }

    private static async Task<IResult> ValidateAsync(HttpRequest request)
    {
        QueryParams.Allow(request);
        var text = await Wire.ReadDefinitionAsync(request).ConfigureAwait(false);
        try
        {
            LanguageParser.ParseWorkbook(text, DefinitionRecords.CheckExpression);
            return Wire.Json(new OrderedDictionary<string, object?> { ["valid"] = true });
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

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoStore store, string name)
    {
        QueryParams.Allow(request, "namespace", "fields");
        var wb = await store.Workbooks.GetAsync(name, QueryParams.Get(request, "namespace") ?? "", ct: request.HttpContext.RequestAborted)
            .ConfigureAwait(false);
        var row = ResourceRenderer.Render(ResourceTables.Workbooks, DefinitionRecords.Row(wb));
        return Wire.Json(DefinitionRecords.SelectFields(row, "Workbook", QueryParams.Get(request, "fields")));
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, SiroccoStore store, string name)
    {
        QueryParams.Allow(request, "namespace");
        await store.Workbooks.DeleteAsync(name, QueryParams.Get(request, "namespace") ?? "", ct: request.HttpContext.RequestAborted)
            .ConfigureAwait(false);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }
}

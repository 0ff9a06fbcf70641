using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Store.Queries;
using Sirocco.Values;

namespace Sirocco.Server.Endpoints;

/// <summary>
/// <c>/v2/environments</c>: create, list, get, update, delete. An execution started with <c>params.env</c> naming one
/// reads its variables as <c>env()</c>.
/// </summary>
public static class EnvironmentEndpoints
{
    /// <summary>What the list accepts.</summary>
    public static readonly ListEndpoint List = new("environments", ResourceTables.Environments,
        new HashSet<string> { "name", "description", "variables", "scope", "created_at", "updated_at" },
        new HashSet<string>());

    // the Environment resource's attributes: WSME refuses any other key in a body
    private static readonly string[] ResourceKeys = ["id", "name", "description", "variables", "scope", "project_id", "created_at", "updated_at"];

    private static readonly string[] CreateKeys = ["name", "description", "variables", "scope"];

    private static readonly string[] UpdateKeys = ["description", "variables", "scope"];

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/environments", (HttpRequest r, SiroccoStore s) => ResourceReads.ListAsync(r, s, List)).WithSummary("List environments");
        v2.MapGet("/environments/{name}", GetAsync).WithSummary("Get an environment by name");
        v2.MapPost("/environments", CreateAsync).WithSummary("Create an environment");
        v2.MapPut("/environments", UpdateAsync).WithSummary("Update an environment (named in the body)");
        v2.MapDelete("/environments/{name}", DeleteAsync).WithSummary("Delete an environment");
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoStore store, string name)
    {
        QueryParams.Allow(request);
        return Wire.Json(await ReadAsync(store, name, request.HttpContext.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SiroccoStore store)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        var (name, description, variables, scope) = ParseBody(body, CreateKeys);
        if (string.IsNullOrEmpty(name))
        {
            // Mistral stores a nameless environment; one that can never be got or deleted by name is only a trap
            throw ApiException.BadRequest("Name of the environment is not provided.");
        }

        var created = await store.Environments.CreateAsync(new EnvironmentRecord
        {
            Name = name,
            Description = description,
            Variables = variables ?? [],
            Scope = scope ?? "private",
        }, ct).ConfigureAwait(false);
        return Wire.Json(await ReadAsync(store, created.Name, ct).ConfigureAwait(false), StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, SiroccoStore store)
    {
        QueryParams.Allow(request);
        var ct = request.HttpContext.RequestAborted;
        var body = await Wire.ReadJsonObjectAsync(request).ConfigureAwait(false);
        var name = Wire.StringField(body, "name");
        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.BadRequest("Name of the environment is not provided.");
        }

        var rest = new OrderedDictionary<string, object?>(body.Where(kv => kv.Key != "name"));
        var (_, description, variables, scope) = ParseBody(rest, UpdateKeys);
        await store.Environments.UpdateAsync(name, description, variables, scope, ct: ct).ConfigureAwait(false);
        return Wire.Json(await ReadAsync(store, name, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, SiroccoStore store, string name)
    {
        QueryParams.Allow(request);
        await store.Environments.DeleteAsync(name, ct: request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    /// <summary>Checks a body as WSME and Mistral's <c>_validate_environment</c> do, and reads its fields.</summary>
    private static (string? Name, string? Description, OrderedDictionary<string, object?>? Variables, string? Scope) ParseBody(
        OrderedDictionary<string, object?> body, string[] legal)
    {
        var unknown = body.Keys.Where(k => !ResourceKeys.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest(
                $"Unknown attribute{(unknown.Count > 1 ? "s" : "")} for argument env: {string.Join(", ", unknown)}");
        }

        if (body.TryGetValue("project_id", out var project))
        {
            throw ApiException.BadRequest($"Invalid input for field/attribute project_id. Value: '{Py.Str(project)}'. Cannot set read only field.");
        }

        if (body.Keys.Any(k => !legal.Contains(k)))
        {
            throw ApiException.BadRequest(
                $"Please, check your environment definition. Only: {Py.Repr(legal.Cast<object?>().ToList())} are allowed as definition keys.");
        }

        var name = Wire.StringField(body, "name");
        var description = Wire.StringField(body, "description");
        OrderedDictionary<string, object?>? variables = body.TryGetValue("variables", out var v) && v is not null
            ? Wire.JsonObjectField(body, "variables")
            : null;
        var scope = Wire.StringField(body, "scope");
        if (scope is not null && scope is not ("private" or "public"))
        {
            throw ApiException.BadRequest($"Invalid input for field/attribute scope. Value: '{scope}'. Value should be one of: private, public");
        }

        return (name, description, variables, scope);
    }

    private static async Task<OrderedDictionary<string, object?>> ReadAsync(SiroccoStore store, string name, CancellationToken ct)
    {
        var query = new ListQuery { Filters = [new FilterCondition("name", FilterOperator.Eq, [name])], Limit = 1 };
        var rows = await store.ReadAsync((c, token) => ListQueryRunner.RunAsync(c, ResourceTables.Environments, query, token), ct).ConfigureAwait(false);
        return rows.Count == 0
            ? throw ApiException.NotFound($"Environment not found [name={name}]")
            : ResourceRenderer.Render(ResourceTables.Environments, rows[0]);
    }
}

using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Store;
using Sirocco.Store.Queries;

namespace Sirocco.Server.Resources;

/// <summary>Reads of execution-side resources through the generic query layer, rendered for the wire.</summary>
public static class ResourceReads
{
    /// <summary>One object by id with its deferred fields (a single GET returns them), or 404 with Mistral's message.</summary>
    public static async Task<OrderedDictionary<string, object?>> GetAsync(SiroccoStore store, ResourceTable table, string id,
        string notFoundName, string? fields, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(table);
        IReadOnlyList<string>? fieldList = null;
        if (!string.IsNullOrWhiteSpace(fields))
        {
            fieldList = fields.Split(',').Select(f => f.Trim().ToLowerInvariant()).Where(f => f.Length > 0).Distinct().ToList();
            var invalid = fieldList.Where(f => table.Find(f) is null).ToList();
            if (invalid.Count > 0)
            {
                throw ApiException.BadRequest(
                    $"Some fields do not exist  [{string.Join(", ", invalid)}], please choose from [{string.Join(", ", table.Columns.Select(c => c.Field))}]");
            }
        }

        var query = new ListQuery
        {
            Filters = [new FilterCondition("id", FilterOperator.Eq, [id])],
            Fields = fieldList,
            IncludeDeferred = table.Columns.Where(c => c.Deferred).Select(c => c.Field).ToList(),
        };
        var rows = await store.ReadAsync((c, token) => ListQueryRunner.RunAsync(c, table, query, token), ct).ConfigureAwait(false);
        return rows.Count == 0
            ? throw ApiException.NotFound($"{notFoundName} not found [id={id}]")
            : ResourceRenderer.Render(table, rows[0]);
    }

    /// <summary>Whether an object with this id exists.</summary>
    public static async Task<bool> ExistsAsync(SiroccoStore store, ResourceTable table, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(table);
        var query = new ListQuery { Filters = [new FilterCondition("id", FilterOperator.Eq, [id])], Fields = ["id"] };
        var rows = await store.ReadAsync((c, token) => ListQueryRunner.RunAsync(c, table, query, token), ct).ConfigureAwait(false);
        return rows.Count > 0;
    }

    /// <summary>Runs a list request and answers with Mistral's envelope.</summary>
    public static async Task<IResult> ListAsync(HttpRequest request, SiroccoStore store, ListEndpoint endpoint, IEnumerable<FilterCondition>? scope = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(endpoint);
        var list = ListRequest.Parse(request.Query, endpoint, scope);
        var rows = await store.ReadAsync((c, ct) => ListQueryRunner.RunAsync(c, endpoint.Table, list.Query, ct), request.HttpContext.RequestAborted)
            .ConfigureAwait(false);
        return Wire.Json(list.Envelope(request, ResourceRenderer.RenderAll(endpoint.Table, rows)));
    }
}

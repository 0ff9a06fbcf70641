using System.Text;
using Microsoft.Extensions.Primitives;
using Sirocco.Server.Http;
using Sirocco.Store.Queries;

namespace Sirocco.Server.Lists;

/// <summary>
/// Mistral's list parameters, parsed and validated from a query string: <c>marker</c>, <c>limit</c>, <c>sort_keys</c>,
/// <c>sort_dirs</c>, <c>fields</c>, filters with operators. Every problem is a 400 with Mistral's message.
/// </summary>
public sealed class ListRequest
{
    /// <summary>Lists are capped at this many objects, as Mistral's <c>[api] max_limit</c> (callers page with <c>next</c>).</summary>
    public const int MaxLimit = 1000;

    private static readonly HashSet<string> Common = ["marker", "limit", "sort_keys", "sort_dirs", "fields"];

    private ListRequest(ListEndpoint endpoint, ListQuery query, List<KeyValuePair<string, string>> filterEcho)
    {
        Endpoint = endpoint;
        Query = query;
        FilterEcho = filterEcho;
    }

    /// <summary>The endpoint.</summary>
    public ListEndpoint Endpoint { get; }

    /// <summary>The validated query.</summary>
    public ListQuery Query { get; }

    // the filter parameters as given, repeated in the `next` link
    private List<KeyValuePair<string, string>> FilterEcho { get; }

    /// <summary>Parses and validates the request's query string for an endpoint.</summary>
    public static ListRequest Parse(IQueryCollection q, ListEndpoint endpoint, IEnumerable<FilterCondition>? scope = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(endpoint);
        foreach (var key in q.Keys)
        {
            if (!Common.Contains(key) && !endpoint.Filters.Contains(key) && !endpoint.Extra.Contains(key)
                && !(endpoint.HasIncludeOutput && key == "include_output") && !(endpoint.HasNulls && key == "nulls"))
            {
                throw ApiException.BadRequest($"Unknown argument: \"{key}\"");
            }
        }

        var table = endpoint.Table;
        int? limit = MaxLimit;
        if (Single(q, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l))
            {
                throw ApiException.BadRequest($"Invalid input for field/attribute limit. Value: '{limitText}'. unable to convert to int");
            }

            if (l <= 0)
            {
                throw ApiException.BadRequest("Limit must be positive.");
            }

            limit = Math.Min(l, MaxLimit);
        }

        string? marker = null;
        if (Single(q, "marker") is { } markerText)
        {
            if (markerText.Length != 36 || !Guid.TryParse(markerText, out _))
            {
                throw ApiException.BadRequest($"Invalid input for field/attribute marker. Value: '{markerText}'. Wrong type. Expected a UUID");
            }

            marker = markerText;
        }

        var sortKeys = CommaList(q, "sort_keys") ?? [endpoint.DefaultSortKey];
        var sortDirs = CommaList(q, "sort_dirs") ?? ["asc"];
        if (sortKeys.Count < sortDirs.Count)
        {
            throw ApiException.BadRequest("Length of sort_keys must be equal or greater than sort_dirs.");
        }

        while (sortDirs.Count < sortKeys.Count)
        {
            sortDirs.Add("asc");
        }

        if (sortDirs.Any(d => d is not ("asc" or "desc")))
        {
            throw ApiException.BadRequest("Unknown sort direction, must be 'desc' or 'asc'.");
        }

        var fieldNames = table.Columns.Select(c => c.Field).ToList();
        foreach (var key in sortKeys)
        {
            var c = table.Find(key);
            if (c is null || c.Kind is ColumnKind.Json or ColumnKind.Tags)
            {
                throw ApiException.BadRequest(
                    $"Invalid sort key: '{key}'. {table.ResourceName} can be sorted by [{string.Join(", ", table.Columns.Where(x => x.Kind is not (ColumnKind.Json or ColumnKind.Tags)).Select(x => x.Field))}]");
            }
        }

        IReadOnlyList<string>? fields = null;
        if (CommaList(q, "fields") is { } fieldList)
        {
            var invalid = fieldList.Where(f => table.Find(f) is null).ToList();
            if (invalid.Count > 0)
            {
                throw ApiException.BadRequest(
                    $"Some fields do not exist  [{string.Join(", ", invalid)}], please choose from [{string.Join(", ", fieldNames)}]");
            }

            fields = fieldList.Distinct().ToList();
        }

        var filters = new List<FilterCondition>(scope ?? []);
        var echo = new List<KeyValuePair<string, string>>();
        foreach (var key in endpoint.Filters)
        {
            if (Single(q, key) is not { } raw)
            {
                continue;
            }

            echo.Add(new(key, raw));
            filters.Add(ParseFilter(table, key, raw));
        }

        if (endpoint.HasNulls && CommaList(q, "nulls") is { } nulls)
        {
            foreach (var n in nulls)
            {
                if (table.Find(n) is null)
                {
                    throw ApiException.BadRequest($"Invalid input for field/attribute nulls: {table.ResourceName} has no field '{n}'");
                }

                filters.Add(new FilterCondition(n, FilterOperator.IsNull, []));
            }

            echo.Add(new("nulls", string.Join(",", nulls)));
        }

        var includeDeferred = new List<string>();
        if (endpoint.HasIncludeOutput && Single(q, "include_output") is { } io)
        {
            if (ParseBool("include_output", io))
            {
                includeDeferred.Add("output");
                echo.Add(new("include_output", "true"));
            }
        }

        var query = new ListQuery
        {
            Filters = filters,
            Sort = sortKeys.Select((k, i) => new SortKey(k, sortDirs[i] == "desc")).ToList(),
            Marker = marker,
            Limit = limit,
            Fields = fields,
            IncludeDeferred = includeDeferred,
        };
        return new ListRequest(endpoint, query, echo);
    }

    /// <summary>Parses a boolean query parameter as WSME does.</summary>
    public static bool ParseBool(string name, string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" or "t" or "y" => true,
        "false" or "0" or "no" or "off" or "f" or "n" or "" => false,
        _ => throw ApiException.BadRequest($"Invalid input for field/attribute {name}. Value: '{text}'. Wrong type. Expected a boolean"),
    };

    private static FilterCondition ParseFilter(ResourceTable table, string field, string raw)
    {
        var op = FilterOperator.Eq;
        var value = raw;
        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            FilterOperator? parsed = raw[..colon] switch
            {
                "eq" => FilterOperator.Eq,
                "neq" => FilterOperator.Neq,
                "gt" => FilterOperator.Gt,
                "gte" => FilterOperator.Gte,
                "lt" => FilterOperator.Lt,
                "lte" => FilterOperator.Lte,
                "in" => FilterOperator.In,
                "nin" => FilterOperator.Nin,
                "has" => FilterOperator.Has,
                _ => null, // as Mistral: an unknown prefix is part of an eq value (e.g. a time "12:00:00")
            };
            if (parsed is { } p)
            {
                op = p;
                value = raw[(colon + 1)..];
            }
        }

        var column = table.Find(field)!;
        IReadOnlyList<string> values = op is FilterOperator.In or FilterOperator.Nin || (column.Kind == ColumnKind.Tags && op == FilterOperator.Eq)
            ? value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList()
            : [value];
        if (column.Kind == ColumnKind.Tags && op is not (FilterOperator.Eq or FilterOperator.Has))
        {
            throw ApiException.BadRequest($"Invalid filter on tags: only 'tags=a,b' (every listed tag) and 'tags=has:text' are supported");
        }

        if (column.Kind == ColumnKind.Bool)
        {
            values = values.Select(v => ParseBool(field, v) ? "true" : "false").ToList();
        }

        return new FilterCondition(field, op, values);
    }

    private static string? Single(IQueryCollection q, string key)
    {
        if (!q.TryGetValue(key, out StringValues v) || v.Count == 0)
        {
            return null;
        }

        if (v.Count > 1)
        {
            throw ApiException.BadRequest($"Invalid input for field/attribute {key}: given {v.Count} times, expected once");
        }

        return v[0];
    }

    // Mistral lowercases and trims list-typed parameters
    private static List<string>? CommaList(IQueryCollection q, string key) =>
        Single(q, key) is { } s
            ? s.Split(',').Select(x => x.Trim().ToLowerInvariant()).Where(x => x.Length > 0).ToList()
            : null;

    /// <summary>The list envelope: <c>{"&lt;collection&gt;": [...], "next": url}</c>, <c>next</c> only when the page is full.</summary>
    public OrderedDictionary<string, object?> Envelope(HttpRequest request, IReadOnlyList<OrderedDictionary<string, object?>> items,
        string? pathOverride = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(items);
        var body = new OrderedDictionary<string, object?> { [Endpoint.Collection] = items.Cast<object?>().ToList() };
        if (Query.Limit is { } limit && items.Count == limit && items.Count > 0)
        {
            body["next"] = NextLink(request, items[^1]["id"] as string ?? "", pathOverride);
        }

        return body;
    }

    private string NextLink(HttpRequest request, string lastId, string? pathOverride)
    {
        var sb = new StringBuilder();
        sb.Append(request.Scheme).Append("://").Append(request.Host.Value).Append(request.PathBase.Value)
          .Append(pathOverride ?? request.Path.Value).Append('?');
        sb.Append("sort_keys=").Append(Uri.EscapeDataString(string.Join(",", Query.Sort.Select(s => s.Field))));
        sb.Append("&sort_dirs=").Append(Uri.EscapeDataString(string.Join(",", Query.Sort.Select(s => s.Descending ? "desc" : "asc"))));
        foreach (var (k, v) in FilterEcho)
        {
            sb.Append('&').Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
        }

        sb.Append("&limit=").Append(Query.Limit).Append("&marker=").Append(Uri.EscapeDataString(lastId));
        if (Query.Fields is { } fields)
        {
            sb.Append("&fields=").Append(Uri.EscapeDataString(string.Join(",", fields)));
        }

        return sb.ToString();
    }
}

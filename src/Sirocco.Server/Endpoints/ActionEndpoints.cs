using System.Globalization;
using Sirocco.Actions;
using Sirocco.Language;
using Sirocco.Runtime;
using Sirocco.Server.Http;
using Sirocco.Server.Lists;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Definitions;

namespace Sirocco.Server.Endpoints;

/// <summary>
/// <c>/v2/actions</c>: the catalog of every provider's actions (list, get) and the ad-hoc actions stored in the
/// database (text/plain create and update, delete, validate). The list is built in memory from the providers and then
/// filtered, sorted and paged, as Mistral does; each action also says which <c>provider</c> it comes from.
/// </summary>
public static class ActionEndpoints
{
    private static readonly string[] Filterable =
        ["name", "scope", "tags", "description", "definition", "is_system", "input", "namespace", "created_at", "updated_at", "provider"];

    private static readonly string[] Sortable =
        ["id", "name", "is_system", "input", "description", "definition", "scope", "project_id", "namespace", "created_at", "updated_at", "provider"];

    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/actions", ListAsync).WithSummary("List the actions of every provider (std, ad-hoc, plugins, ...)");
        v2.MapGet("/actions/{identifier}", (HttpRequest r, SiroccoRuntime rt, string identifier) => GetAsync(r, rt, identifier, null))
            .WithSummary("Get an action by name (or an ad-hoc action's id)");
        v2.MapGet("/actions/{identifier}/{namespace}", GetAsync).WithSummary("Get an action by name in a namespace");
        v2.MapPost("/actions", CreateAsync).WithMetadata(TextPlainRoute.Instance).WithSummary("Create ad-hoc actions from YAML");
        v2.MapPut("/actions", (HttpRequest r, SiroccoStore s) => UpdateAsync(r, s, null)).WithMetadata(TextPlainRoute.Instance)
            .WithSummary("Update ad-hoc actions from YAML");
        v2.MapPut("/actions/{identifier}", (HttpRequest r, SiroccoStore s, string identifier) => UpdateAsync(r, s, identifier))
            .WithMetadata(TextPlainRoute.Instance).WithSummary("Update one ad-hoc action by name or id");
        v2.MapPost("/actions/validate", ValidateAsync).WithSummary("Validate an ad-hoc action file");
        v2.MapDelete("/actions/{identifier}", (HttpRequest r, SiroccoRuntime rt, string identifier) => DeleteAsync(r, rt, identifier, null))
            .WithSummary("Delete an ad-hoc action");
        v2.MapDelete("/actions/{identifier}/{namespace}", DeleteAsync).WithSummary("Delete an ad-hoc action in a namespace");
    }

    /// <summary>An action of the catalog as Mistral's Action resource, plus the provider it comes from.</summary>
    public static OrderedDictionary<string, object?> Row(ActionDescriptor d, string provider)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new()
        {
            ["id"] = d.Id,
            ["name"] = d.Name,
            ["is_system"] = false,
            ["input"] = d.ParamsSpec,
            ["description"] = d.Description,
            ["tags"] = d.Tags.Cast<object?>().ToList(),
            ["definition"] = d.Definition,
            ["scope"] = d.Scope,
            ["project_id"] = d.ProjectId,
            ["namespace"] = d.Namespace,
            ["created_at"] = d.CreatedAt is { } c ? Wire.Time(c.UtcDateTime) : null,
            ["updated_at"] = d.UpdatedAt is { } u ? Wire.Time(u.UtcDateTime) : null,
            ["provider"] = provider,
        };
    }

    /// <summary>A stored ad-hoc action as an Action resource.</summary>
    public static OrderedDictionary<string, object?> Row(AdHocActionDefinition a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new()
        {
            ["id"] = a.Id,
            ["name"] = a.Name,
            ["is_system"] = a.IsSystem,
            ["input"] = a.Input ?? "",
            ["description"] = a.Description,
            ["tags"] = a.Tags.Cast<object?>().ToList(),
            ["definition"] = a.Definition,
            ["scope"] = a.Scope,
            ["project_id"] = a.ProjectId,
            ["namespace"] = a.Namespace,
            ["created_at"] = Wire.Time(a.CreatedAt),
            ["updated_at"] = Wire.Time(a.UpdatedAt),
            ["provider"] = "adhoc",
        };
    }

    /// <summary>The stored records of the actions an ad-hoc action file (or a workbook's <c>actions:</c>) defines.</summary>
    /// <param name="actions">The parsed actions.</param>
    /// <param name="prefix">A workbook's name (names become <c>wb.action</c>), or null.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="scope">The scope.</param>
    /// <param name="definition">The text they came from.</param>
    public static List<AdHocActionDefinition> ToRecords(IEnumerable<AdHocActionSpec> actions, string? prefix, string @namespace, string scope,
        string definition)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return actions.Select(a => new AdHocActionDefinition
        {
            Name = prefix is null ? a.Name : prefix + "." + a.Name,
            Namespace = @namespace,
            Scope = scope,
            Definition = definition,
            Description = a.Description,
            // Mistral's get_input_list: a bare name, or name=json.dumps(default)
            Input = a.Input.Count == 0
                ? null
                : string.Join(", ", a.Input.Select(p => p.HasDefault ? $"{p.Name}={ActionValues.ToJson(p.Default)}" : p.Name)),
            Tags = a.Tags,
            WorkbookName = prefix,
        }).ToList();
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, SiroccoStore store)
    {
        var (text, ns, scope) = await DefinitionRecords.ReadUploadAsync(request).ConfigureAwait(false);
        var records = Parse(text, ns, scope);
        var created = await store.AdHocActions.CreateManyAsync(records, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Envelope(created, StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(HttpRequest request, SiroccoStore store, string? identifier)
    {
        var (text, ns, scope) = await DefinitionRecords.ReadUploadAsync(request).ConfigureAwait(false);
        var records = Parse(text, ns, scope);
        if (identifier is not null && records.Count > 1)
        {
            throw ApiException.BadRequest($"More than one actions are not supported for update with identifier. [identifier: {identifier}]");
        }

        var updated = await store.AdHocActions.UpdateManyAsync(records, identifier, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Envelope(updated, StatusCodes.Status200OK);
    }

    private static List<AdHocActionDefinition> Parse(string text, string ns, string scope)
    {
        var list = LanguageParser.ParseActions(text, DefinitionRecords.CheckExpression);
        if (list.Actions.Count == 0)
        {
            throw ApiException.BadRequest("Invalid DSL: the document defines no action");
        }

        return ToRecords(list.Actions, null, ns, scope, text);
    }

    private static IResult Envelope(IReadOnlyList<AdHocActionDefinition> actions, int status) =>
        Wire.Json(new OrderedDictionary<string, object?> { ["actions"] = actions.Select(a => (object?)Row(a)).ToList() },
            status, Wire.JsonUtf8ContentType);

    private static async Task<IResult> ValidateAsync(HttpRequest request)
    {
        QueryParams.Allow(request);
        var text = await Wire.ReadDefinitionAsync(request).ConfigureAwait(false);
        try
        {
            var list = LanguageParser.ParseActions(text, DefinitionRecords.CheckExpression);
            return Wire.Json(list.Actions.Count == 0
                ? new OrderedDictionary<string, object?> { ["valid"] = false, ["error"] = "Invalid DSL: the document defines no action" }
                : new OrderedDictionary<string, object?> { ["valid"] = true });
        }
        catch (LanguageException e)
        {
            return Wire.Json(new OrderedDictionary<string, object?> { ["valid"] = false, ["error"] = e.Message });
        }
    }

    private static async Task<IResult> GetAsync(HttpRequest request, SiroccoRuntime runtime, string identifier, string? @namespace)
    {
        QueryParams.Allow(request, "namespace", "fields");
        var ns = @namespace ?? QueryParams.Get(request, "namespace") ?? "";
        var ct = request.HttpContext.RequestAborted;
        if (await runtime.Actions.FindWithProviderAsync(identifier, ns, ct).ConfigureAwait(false) is { } hit)
        {
            return Wire.Json(DefinitionRecords.SelectFields(Row(hit.Descriptor, hit.Provider.Name), "Action", QueryParams.Get(request, "fields")));
        }

        if (identifier.Length == 36 && Guid.TryParse(identifier, out _))
        {
            try
            {
                var stored = await runtime.Store.AdHocActions.GetAsync(identifier, ns, ct: ct).ConfigureAwait(false);
                return Wire.Json(DefinitionRecords.SelectFields(Row(stored), "Action", QueryParams.Get(request, "fields")));
            }
            catch (EntityNotFoundException)
            {
                // answered below
            }
        }

        throw ApiException.NotFound($"Action not found [name={identifier}, namespace={ns}]");
    }

    private static async Task<IResult> DeleteAsync(HttpRequest request, SiroccoRuntime runtime, string identifier, string? @namespace)
    {
        QueryParams.Allow(request, "namespace");
        var ns = @namespace ?? QueryParams.Get(request, "namespace") ?? "";
        var ct = request.HttpContext.RequestAborted;
        try
        {
            await runtime.Store.AdHocActions.DeleteAsync(identifier, ns, ct: ct).ConfigureAwait(false);
        }
        catch (EntityNotFoundException e)
        {
            // Only ad-hoc actions live in the database; say where a provider's action comes from instead of a bare 404.
            var other = await runtime.Actions.FindWithProviderAsync(identifier, ns, ct).ConfigureAwait(false);
            throw other is { } hit
                ? ApiException.NotFound($"{e.Message}: {identifier} comes from the '{hit.Provider.Name}' provider; only ad-hoc actions can be deleted")
                : ApiException.NotFound(e.Message);
        }

        return Results.StatusCode(StatusCodes.Status204NoContent);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, SiroccoRuntime runtime)
    {
        var q = request.Query;
        foreach (var key in q.Keys)
        {
            if (key is not ("marker" or "limit" or "sort_keys" or "sort_dirs" or "fields") && !Filterable.Contains(key))
            {
                throw ApiException.BadRequest($"Unknown argument: \"{key}\"");
            }
        }

        var limit = ListRequest.MaxLimit;
        if (Single(q, "limit") is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                throw ApiException.BadRequest($"Invalid input for field/attribute limit. Value: '{limitText}'. unable to convert to int");
            }

            if (l <= 0)
            {
                throw ApiException.BadRequest("Limit must be positive.");
            }

            limit = Math.Min(l, ListRequest.MaxLimit);
        }

        var sortKeys = CommaList(q, "sort_keys") ?? ["name"];
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

        var badKey = sortKeys.FirstOrDefault(k => !Sortable.Contains(k));
        if (badKey is not null)
        {
            throw ApiException.BadRequest($"Invalid sort key: '{badKey}'. Action can be sorted by [{string.Join(", ", Sortable)}]");
        }

        // namespace defaults to '' (std actions appear only there), as in Mistral
        var filters = new List<(string Field, string Op, List<string> Values)>();
        var echo = new List<KeyValuePair<string, string>>();
        foreach (var field in Filterable)
        {
            var raw = Single(q, field) ?? (field == "namespace" ? "" : null);
            if (raw is null)
            {
                continue;
            }

            if (q.ContainsKey(field))
            {
                echo.Add(new(field, raw));
            }

            filters.Add(ParseFilter(field, raw));
        }

        var ct = request.HttpContext.RequestAborted;
        var namespaces = new HashSet<string>(StringComparer.Ordinal) { "" };
        foreach (var a in await runtime.Store.AdHocActions.ListAsync(ct: ct).ConfigureAwait(false))
        {
            namespaces.Add(a.Namespace);
        }

        var rows = new List<OrderedDictionary<string, object?>>();
        foreach (var ns in namespaces)
        {
            foreach (var (d, provider) in await runtime.Actions.FindAllWithProvidersAsync(ns, ct).ConfigureAwait(false))
            {
                if (d.Namespace == ns)
                {
                    rows.Add(Row(d, provider.Name));
                }
            }
        }

        var matching = rows.Where(r => filters.All(f => Matches(r, f.Field, f.Op, f.Values))).ToList();
        matching.Sort((a, b) =>
        {
            for (var i = 0; i < sortKeys.Count; i++)
            {
                var c = CompareValues(a[sortKeys[i]], b[sortKeys[i]]);
                if (c != 0)
                {
                    return sortDirs[i] == "desc" ? -c : c;
                }
            }

            return string.CompareOrdinal(a["name"] as string, b["name"] as string);
        });

        // The marker is an action name (or an ad-hoc action's id); the page starts after it.
        var start = 0;
        if (Single(q, "marker") is { } marker)
        {
            var at = matching.FindIndex(r => (string?)r["name"] == marker || (string?)r["id"] == marker);
            start = at < 0 ? 0 : at + 1;
        }

        var page = matching.Skip(start).Take(limit).ToList();
        var body = new OrderedDictionary<string, object?> { ["actions"] = page.Cast<object?>().ToList() };
        if (page.Count == limit && start + limit < matching.Count)
        {
            var link = $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}{request.Path.Value}?sort_keys=" +
                       Uri.EscapeDataString(string.Join(",", sortKeys)) + "&sort_dirs=" + Uri.EscapeDataString(string.Join(",", sortDirs));
            foreach (var (k, v) in echo)
            {
                link += "&" + Uri.EscapeDataString(k) + "=" + Uri.EscapeDataString(v);
            }

            body["next"] = link + $"&limit={limit}&marker=" + Uri.EscapeDataString((string)page[^1]["name"]!);
        }

        return Wire.Json(body);
    }

    private static (string Field, string Op, List<string> Values) ParseFilter(string field, string raw)
    {
        var op = "eq";
        var value = raw;
        var colon = raw.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && raw[..colon] is "eq" or "neq" or "gt" or "gte" or "lt" or "lte" or "in" or "nin" or "has")
        {
            op = raw[..colon];
            value = raw[(colon + 1)..];
        }

        var values = op is "in" or "nin" || (field == "tags" && op == "eq")
            ? value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList()
            : [value];
        if (field == "is_system")
        {
            values = values.Select(v => ListRequest.ParseBool(field, v) ? "True" : "False").ToList();
        }

        return (field, op, values);
    }

    private static bool Matches(OrderedDictionary<string, object?> row, string field, string op, List<string> values)
    {
        var actual = row[field];
        if (field == "tags")
        {
            var tags = ((List<object?>)actual!).Cast<string>().ToList();
            return op == "has"
                ? tags.Any(t => t.Contains(values[0], StringComparison.Ordinal))
                : values.All(tags.Contains);
        }

        var text = actual switch
        {
            null => null,
            bool b => b ? "True" : "False",
            _ => Convert.ToString(actual, CultureInfo.InvariantCulture),
        };
        return op switch
        {
            "eq" => text == values[0],
            "neq" => text != values[0],
            "in" => text is not null && values.Contains(text),
            "nin" => text is null || !values.Contains(text),
            "has" => text is not null && text.Contains(values[0], StringComparison.Ordinal),
            "gt" => text is not null && string.CompareOrdinal(text, values[0]) > 0,
            "gte" => text is not null && string.CompareOrdinal(text, values[0]) >= 0,
            "lt" => text is not null && string.CompareOrdinal(text, values[0]) < 0,
            "lte" => text is not null && string.CompareOrdinal(text, values[0]) <= 0,
            _ => false,
        };
    }

    // None sorts first, as Mistral's comparison does
    private static int CompareValues(object? a, object? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (bool x, bool y) => x.CompareTo(y),
        _ => string.CompareOrdinal(Convert.ToString(a, CultureInfo.InvariantCulture), Convert.ToString(b, CultureInfo.InvariantCulture)),
    };

    private static string? Single(IQueryCollection q, string key)
    {
        if (!q.TryGetValue(key, out var v) || v.Count == 0)
        {
            return null;
        }

        return v.Count > 1 ? throw ApiException.BadRequest($"Invalid input for field/attribute {key}: given {v.Count} times, expected once") : v[0];
    }

    private static List<string>? CommaList(IQueryCollection q, string key) =>
        Single(q, key) is { } s ? s.Split(',').Select(x => x.Trim().ToLowerInvariant()).Where(x => x.Length > 0).ToList() : null;
}

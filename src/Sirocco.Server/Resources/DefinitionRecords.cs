using Sirocco.Expressions;
using Sirocco.Language;
using Sirocco.Server.Http;
using Sirocco.Store.Definitions;
using Sirocco.Values;

namespace Sirocco.Server.Resources;

/// <summary>From parsed specs to stored definitions, and from stored definitions to REST rows.</summary>
public static class DefinitionRecords
{
    /// <summary>The expression syntax check handed to the parser (Mistral checks expressions at upload).</summary>
    public static string? CheckExpression(string text)
    {
        try
        {
            ExpressionEvaluator.ValidateSyntax(text);
            return null;
        }
        catch (ExpressionException e)
        {
            // the Language layer adds line:column; name the expression too when the parser's message does not
            return e.Message.Contains(text, StringComparison.Ordinal) ? e.Message : $"{e.Message} in '{text}'";
        }
    }

    /// <summary>
    /// A text/plain definition upload (workflows, workbooks, actions; POST and PUT): the YAML text and the
    /// <c>namespace</c> and <c>scope</c> query parameters, the only ones these routes take besides <c>skip_validation</c>.
    /// </summary>
    public static async Task<(string Text, string Namespace, string Scope)> ReadUploadAsync(HttpRequest request)
    {
        QueryParams.Allow(request, "namespace", "scope", "skip_validation");
        var ns = QueryParams.Get(request, "namespace") ?? "";
        var scope = Scope(QueryParams.Get(request, "scope"));
        return (await Wire.ReadDefinitionAsync(request).ConfigureAwait(false), ns, scope);
    }

    /// <summary>Validates a <c>scope</c> query parameter.</summary>
    public static string Scope(string? scope)
    {
        scope ??= "private";
        return scope is "private" or "public"
            ? scope
            : throw ApiException.BadRequest($"Scope must be one of the following: ['private', 'public']; actual: {scope}");
    }

    /// <summary>A workflow spec as the store keeps it (<paramref name="fullName"/> carries a workbook prefix).</summary>
    public static WorkflowDefinition ToRecord(WorkflowSpec spec, string fullName, string @namespace, string scope, string definition)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(definition);
        var inputEntries = new List<object?>();
        var inputText = new List<string>();
        foreach (var p in spec.Input)
        {
            if (p.HasDefault)
            {
                inputEntries.Add(new OrderedDictionary<string, object?> { [p.Name] = p.Default });
                // Mistral renders '%s="%s"' % (name, default): Python's str() of the default
                inputText.Add($"{p.Name}=\"{Py.Str(p.Default)}\"");
            }
            else
            {
                inputEntries.Add(p.Name);
                inputText.Add(p.Name);
            }
        }

        var iface = new OrderedDictionary<string, object?>
        {
            ["input"] = inputEntries,
            ["output"] = (spec.Output?.Keys ?? Enumerable.Empty<string>()).Cast<object?>().ToList(),
        };
        return new WorkflowDefinition
        {
            Name = fullName,
            Namespace = @namespace,
            Scope = scope,
            Definition = definition,
            Tags = spec.Tags,
            Input = string.Join(", ", inputText),
            Interface = Json.Serialize(iface),
            Checksum = Md5.HexOfUtf8(definition),
        };
    }

    /// <summary>A stored workflow as a resource row (see <c>ResourceTables.Workflows</c>).</summary>
    public static OrderedDictionary<string, object?> Row(WorkflowDefinition d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new()
        {
            ["id"] = d.Id,
            ["name"] = d.Name,
            ["namespace"] = d.Namespace,
            ["input"] = d.Input,
            ["interface"] = d.Interface,
            ["definition"] = d.Definition,
            ["checksum"] = d.Checksum,
            ["tags"] = d.Tags.Cast<object?>().ToList(),
            ["scope"] = d.Scope,
            ["project_id"] = d.ProjectId,
            ["created_at"] = Wire.Time(d.CreatedAt),
            ["updated_at"] = Wire.Time(d.UpdatedAt),
        };
    }

    /// <summary>A stored workbook as a resource row (see <c>ResourceTables.Workbooks</c>).</summary>
    public static OrderedDictionary<string, object?> Row(Workbook w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return new()
        {
            ["id"] = w.Id,
            ["name"] = w.Name,
            ["namespace"] = w.Namespace,
            ["definition"] = w.Definition,
            ["tags"] = w.Tags.Cast<object?>().ToList(),
            ["scope"] = w.Scope,
            ["project_id"] = w.ProjectId,
            ["created_at"] = Wire.Time(w.CreatedAt),
            ["updated_at"] = Wire.Time(w.UpdatedAt),
        };
    }

    /// <summary>Keeps only <c>id</c> and the asked-for fields of a single object (<c>?fields=</c> on a GET).</summary>
    public static OrderedDictionary<string, object?> SelectFields(OrderedDictionary<string, object?> row, string resourceName, string? fields)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (string.IsNullOrWhiteSpace(fields))
        {
            return row;
        }

        var wanted = fields.Split(',').Select(f => f.Trim().ToLowerInvariant()).Where(f => f.Length > 0).ToList();
        var invalid = wanted.Where(f => !row.ContainsKey(f)).ToList();
        if (invalid.Count > 0)
        {
            throw ApiException.BadRequest(
                $"Some fields do not exist  [{string.Join(", ", invalid)}], please choose from [{string.Join(", ", row.Keys)}] ({resourceName})");
        }

        var result = new OrderedDictionary<string, object?>();
        foreach (var (k, v) in row)
        {
            if (k == "id" || wanted.Contains(k))
            {
                result[k] = v;
            }
        }

        return result;
    }
}

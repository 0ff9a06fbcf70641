using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sirocco.Actions.Providers.OpenApi;

/// <summary>
/// Reads an OpenAPI 3 document (JSON or YAML) into the operations the <c>openapi</c> provider turns into actions.
/// What the provider cannot honour is refused here, at load time, with every <c>not supported: …</c> reason at once:
/// references to other documents, request bodies that are not JSON (multipart, forms), security requirements (auth
/// schemes), cookie parameters, non-default parameter styles, object-valued path/query/header parameters.
/// </summary>
internal static partial class OpenApiDocument
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    /// <summary>Parses the text: JSON when it starts with <c>{</c>, YAML otherwise (errors carry line:column).</summary>
    public static JsonObject Parse(string text, string source)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(trimmed, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true }) as JsonObject
                       ?? throw new InvalidDataException($"OpenAPI document {source}: not a JSON object");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"OpenAPI document {source}: {e.Message}", e);
            }
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || FromYaml(stream.Documents[0].RootNode) is not JsonObject root)
            {
                throw new InvalidDataException($"OpenAPI document {source}: not a mapping");
            }

            return root;
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"OpenAPI document {source}: {e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    /// <summary>The operations of a parsed document, or an exception listing everything not supported.</summary>
    /// <param name="root">The document.</param>
    /// <param name="options">The provider's configuration (prefix, selected operations, server URL).</param>
    /// <param name="documentUri">Where the document came from (resolves a relative server URL).</param>
    public static List<OpenApiOperation> Operations(JsonObject root, OpenApiProviderOptions options, Uri? documentUri)
    {
        var problems = new List<string>();
        if (root["swagger"] is not null)
        {
            throw new InvalidDataException("not supported: Swagger 2.0 documents (convert the document to OpenAPI 3)");
        }

        if (Text(root["openapi"]) is not { } version || !version.StartsWith("3.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"not an OpenAPI 3 document ('openapi: 3.x' expected, found {(Text(root["openapi"]) ?? "none")})");
        }

        foreach (var (path, value) in Walk(root, "#"))
        {
            if (value is JsonObject o && o["$ref"] is JsonValue r && r.GetValueKind() == JsonValueKind.String && !r.GetValue<string>().StartsWith('#'))
            {
                problems.Add($"not supported: $ref to another document ('{r.GetValue<string>()}' at {path})");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join("; ", problems));
        }

        var prefix = options.Prefix ?? options.Name;
        var selected = options.Operations is null ? null : new HashSet<string>(options.Operations, StringComparer.Ordinal);
        var operations = new List<OpenApiOperation>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, pathNode) in root["paths"] as JsonObject ?? [])
        {
            if (Resolve(root, pathNode, problems, $"paths.{path}") is not JsonObject pathItem)
            {
                continue;
            }

            foreach (var method in Methods)
            {
                if (Resolve(root, pathItem[method], problems, $"{method.ToUpperInvariant()} {path}") is not JsonObject op)
                {
                    continue;
                }

                var id = Text(op["operationId"]) is { Length: > 0 } given ? Sanitize(given) : DefaultId(method, path);
                if (selected is not null && !selected.Contains(id))
                {
                    continue;
                }

                var where = $"operation {id} ({method.ToUpperInvariant()} {path})";
                if (!seen.TryAdd(id, where))
                {
                    problems.Add($"two operations are named {id}: {seen[id]} and {where}");
                    continue;
                }

                var operation = Operation(root, pathItem, op, method, path, id, prefix + "." + id, where, options, documentUri, problems);
                if (operation is not null)
                {
                    operations.Add(operation);
                }
            }
        }

        foreach (var missing in selected?.Where(s => !seen.ContainsKey(s)) ?? [])
        {
            problems.Add($"operation '{missing}' (in 'operations') is not in the document");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join("; ", problems));
        }

        return operations;
    }

    /// <summary>The name of an operation without <c>operationId</c>: method and path in snake case (<c>get_images_image_id</c>).</summary>
    public static string DefaultId(string method, string path) =>
        method.ToLowerInvariant() + "_" + NonWord().Replace(path, "_").Trim('_').ToLowerInvariant();

    // operation ids become action names: anything but letters, digits, '_', '-' and '.' becomes '_'
    private static string Sanitize(string id) => NotNameChar().Replace(id, "_");

    private static OpenApiOperation? Operation(JsonObject root, JsonObject pathItem, JsonObject op, string method, string path, string id,
        string actionName, string where, OpenApiProviderOptions options, Uri? documentUri, List<string> problems)
    {
        var before = problems.Count;
        var security = op["security"] ?? root["security"];
        if (security is JsonArray requirements && requirements.Count > 0 && !requirements.Any(r => r is JsonObject { Count: 0 }))
        {
            var schemes = requirements.OfType<JsonObject>().SelectMany(r => r.Select(kv => kv.Key)).Distinct();
            problems.Add($"not supported: security requirement {string.Join(", ", schemes.Select(s => $"'{s}'"))} of {where} (auth schemes)");
        }

        // parameters: the path item's, overridden by the operation's with the same name and location
        var declared = new List<(string In, string Name, JsonObject Node)>();
        foreach (var list in new[] { pathItem["parameters"], op["parameters"] })
        {
            foreach (var p in list as JsonArray ?? [])
            {
                if (Resolve(root, p, problems, where) is not JsonObject po)
                {
                    continue;
                }

                var name = Text(po["name"]) ?? "";
                var location = Text(po["in"]) ?? "";
                declared.RemoveAll(d => d.In == location && d.Name == name);
                declared.Add((location, name, po));
            }
        }

        var inputs = new List<OpenApiInput>();
        foreach (var (location, name, po) in declared)
        {
            if (location == "header" && (name.Equals("Accept", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
            {
                continue; // OpenAPI says these header parameters are ignored (media types and security define them)
            }

            if (location is not ("path" or "query" or "header"))
            {
                problems.Add($"not supported: {(location.Length == 0 ? "a parameter without 'in'" : $"{location} parameter '{name}'")} of {where}");
                continue;
            }

            if (po["content"] is not null)
            {
                problems.Add($"not supported: parameter '{name}' of {where} described by 'content' (use 'schema')");
                continue;
            }

            var defaultStyle = location == "query" ? "form" : "simple";
            if (Text(po["style"]) is { } style && style != defaultStyle)
            {
                problems.Add($"not supported: style '{style}' of parameter '{name}' of {where}");
                continue;
            }

            if (po["allowReserved"] is JsonValue reserved && reserved.GetValueKind() == JsonValueKind.True)
            {
                problems.Add($"not supported: allowReserved on parameter '{name}' of {where}");
                continue;
            }

            var schema = Resolve(root, po["schema"], problems, where) as JsonObject;
            var type = TypeOf(root, schema, problems, where);
            if (type == "dict")
            {
                problems.Add($"not supported: object-valued {location} parameter '{name}' of {where}");
                continue;
            }

            var required = location == "path" || po["required"] is JsonValue rv && rv.GetValueKind() == JsonValueKind.True;
            var hasDefault = schema?.ContainsKey("default") == true;
            var explode = po["explode"] is JsonValue ev ? ev.GetValueKind() == JsonValueKind.True : location == "query";
            inputs.Add(new OpenApiInput(InputName(name), name, location, type, required && !hasDefault, hasDefault,
                hasDefault ? JsonValues.ToValue(schema!["default"]) : null, Text(po["description"]), explode));
        }

        var body = BodyKind.None;
        var bodyRequired = false;
        if (Resolve(root, op["requestBody"], problems, where) is JsonObject requestBody)
        {
            bodyRequired = requestBody["required"] is JsonValue br && br.GetValueKind() == JsonValueKind.True;
            var content = requestBody["content"] as JsonObject ?? [];
            var json = content.FirstOrDefault(kv => IsJson(kv.Key));
            if (json.Key is null)
            {
                problems.Add($"not supported: request body of media type {string.Join(", ", content.Select(kv => kv.Key))} of {where} (only JSON bodies)");
            }
            else
            {
                var schema = Resolve(root, (json.Value as JsonObject)?["schema"], problems, where) as JsonObject;
                var properties = Resolve(root, schema?["properties"], problems, where) as JsonObject;
                var flat = schema is not null && properties is { Count: > 0 } && TypeOf(root, schema, problems, where) is "dict" or "any"
                           && schema["allOf"] is null && schema["oneOf"] is null && schema["anyOf"] is null
                           && (schema["additionalProperties"] is null || schema["additionalProperties"] is JsonValue ap && ap.GetValueKind() == JsonValueKind.False)
                           && properties.All(kv => inputs.All(i => i.Name != InputName(kv.Key)));
                if (flat)
                {
                    body = BodyKind.Properties;
                    var requiredNames = (schema!["required"] as JsonArray ?? []).Select(Text).ToHashSet();
                    foreach (var (prop, node) in properties!)
                    {
                        var ps = Resolve(root, node, problems, where) as JsonObject;
                        if (ps?["readOnly"] is JsonValue ro && ro.GetValueKind() == JsonValueKind.True)
                        {
                            continue; // set by the service, never sent (OpenAPI: readOnly properties are not part of requests)
                        }

                        var hasDefault = ps?.ContainsKey("default") == true;
                        inputs.Add(new OpenApiInput(InputName(prop), prop, "body", TypeOf(root, ps, problems, where),
                            bodyRequired && requiredNames.Contains(prop) && !hasDefault, hasDefault, hasDefault ? JsonValues.ToValue(ps!["default"]) : null,
                            Text(ps?["description"]), false));
                    }
                }
                else if (inputs.Any(i => i.Name == "body"))
                {
                    problems.Add($"not supported: {where} has a parameter named 'body' and a request body that is not an object with properties");
                }
                else
                {
                    body = BodyKind.Whole;
                    inputs.Add(new OpenApiInput("body", "body", "body", TypeOf(root, schema, problems, where), bodyRequired, false, null,
                        Text(requestBody["description"]), false));
                }
            }
        }

        var clash = inputs.GroupBy(i => i.Name).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            problems.Add($"not supported: {where} has several inputs named '{clash.Key}' ({string.Join(", ", clash.Select(c => $"{c.In} '{c.WireName}'"))})");
        }

        if (problems.Count > before)
        {
            return null;
        }

        var server = options.ServerUrl ?? ServerUrl(op["servers"] ?? pathItem["servers"] ?? root["servers"], documentUri, where, problems);
        if (server is null)
        {
            return null;
        }

        var tags = (op["tags"] as JsonArray ?? []).Select(Text).OfType<string>().ToList();
        return new OpenApiOperation(actionName, id, method.ToUpperInvariant(), path, server,
            Text(op["summary"]) ?? Text(op["description"]) ?? "", inputs, body, bodyRequired, tags);
    }

    private static Uri? ServerUrl(JsonNode? servers, Uri? documentUri, string where, List<string> problems)
    {
        var first = (servers as JsonArray)?.FirstOrDefault() as JsonObject;
        var url = Text(first?["url"]) ?? "/";
        foreach (var (name, variable) in first?["variables"] as JsonObject ?? [])
        {
            url = url.Replace("{" + name + "}", Text(variable?["default"]) ?? "", StringComparison.Ordinal);
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return absolute;
        }

        if (documentUri is { Scheme: "http" or "https" } && Uri.TryCreate(documentUri, url, out var relative))
        {
            return relative;
        }

        problems.Add($"the server URL '{url}' of {where} is not an absolute http(s) URL: set 'server_url' in the provider's configuration");
        return null;
    }

    private static bool IsJson(string mediaType)
    {
        var type = mediaType.Split(';')[0].Trim().ToLowerInvariant();
        return type is "application/json" or "*/*" or "application/*" || (type.StartsWith("application/", StringComparison.Ordinal) && type.EndsWith("+json", StringComparison.Ordinal));
    }

    private static string TypeOf(JsonObject root, JsonObject? schema, List<string> problems, string where)
    {
        schema = Resolve(root, schema, problems, where) as JsonObject;
        var type = schema?["type"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonArray a => a.Select(Text).FirstOrDefault(t => t is not null and not "null"), // 3.1: ["string", "null"]
            _ => schema?["properties"] is not null ? "object" : null,
        };
        return type switch
        {
            "string" => "string",
            "integer" => "integer",
            "number" => "number",
            "boolean" => "boolean",
            "array" => "list",
            "object" => "dict",
            _ => "any",
        };
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#/components/…</c>) to what it points at.</summary>
    private static JsonNode? Resolve(JsonObject root, JsonNode? node, List<string> problems, string where)
    {
        for (var depth = 0; node is JsonObject o && o["$ref"] is JsonValue r && r.GetValueKind() == JsonValueKind.String; depth++)
        {
            var reference = r.GetValue<string>();
            if (depth > 32)
            {
                problems.Add($"$ref '{reference}' of {where} refers to itself");
                return null;
            }

            JsonNode? target = root;
            foreach (var segment in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                var key = Uri.UnescapeDataString(segment).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                target = target switch
                {
                    JsonObject t => t[key],
                    JsonArray a when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                    _ => null,
                };
            }

            if (target is null)
            {
                problems.Add($"$ref '{reference}' of {where} points at nothing");
                return null;
            }

            node = target;
        }

        return node;
    }

    private static IEnumerable<(string Path, JsonNode? Node)> Walk(JsonNode? node, string path)
    {
        yield return (path, node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    foreach (var x in Walk(v, path + "/" + k))
                    {
                        yield return x;
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    foreach (var x in Walk(a[i], path + "/" + i.ToString(CultureInfo.InvariantCulture)))
                    {
                        yield return x;
                    }
                }

                break;
        }
    }

    // input names are what a workflow writes (`image_id=…`): header names like X-Request-Id become x_request_id
    private static string InputName(string wireName)
    {
        var name = NonWord().Replace(ActionSignature.SnakeCase(wireName), "_").Trim('_').ToLowerInvariant();
        return name.Length == 0 || char.IsDigit(name[0]) ? "p_" + name : name;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonNode? FromYaml(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var o = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : throw new YamlException(k.Start, k.End, "a mapping key must be a scalar");
                    if (o.ContainsKey(key))
                    {
                        throw new YamlException(k.Start, k.End, $"duplicate key '{key}'");
                    }

                    o[key] = FromYaml(v);
                }

                return o;
            case YamlSequenceNode seq:
                var a = new JsonArray();
                foreach (var item in seq.Children)
                {
                    a.Add(FromYaml(item));
                }

                return a;
            case YamlScalarNode s:
                var text = s.Value ?? "";
                if (s.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
                {
                    return JsonValue.Create(text);
                }

                return text switch
                {
                    "" or "~" or "null" or "Null" or "NULL" => null,
                    "true" or "True" or "TRUE" => JsonValue.Create(true),
                    "false" or "False" or "FALSE" => JsonValue.Create(false),
                    _ when IntegerText().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
                    _ when FloatText().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                    _ => JsonValue.Create(text),
                };
            default:
                return null;
        }
    }

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonWord();

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex NotNameChar();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatText();
}

/// <summary>How an operation's request body is filled from the input.</summary>
internal enum BodyKind
{
    /// <summary>No body.</summary>
    None,

    /// <summary>An object whose properties are inputs of their own.</summary>
    Properties,

    /// <summary>One <c>body</c> input holds the whole body.</summary>
    Whole,
}

/// <summary>One operation of the document, as an action.</summary>
internal sealed record OpenApiOperation(string ActionName, string OperationId, string Method, string PathTemplate, Uri Server, string Summary,
    IReadOnlyList<OpenApiInput> Inputs, BodyKind Body, bool BodyRequired, IReadOnlyList<string> Tags)
{
    public string UrlTemplate => Server.AbsoluteUri.TrimEnd('/') + PathTemplate;
}

/// <summary>One input of an operation: where it goes on the wire, its type, whether it is required, its default.</summary>
internal sealed record OpenApiInput(string Name, string WireName, string In, string Type, bool Required, bool HasDefault, object? Default,
    string? Description, bool Explode)
{
    public ActionParameter ToParameter() => new(Name, Type, Required, Required ? null : Default, Description);
}

/// <summary>Shared text helpers.</summary>
internal static class OpenApiText
{
    public static string Cut(string text) => text.Length > 1000 ? text[..1000] + "…" : text;

    public static string Scalar(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"string '{s}'",
        List<object?> => "a list",
        IDictionary<string, object?> => "a dict",
        _ => $"{value.GetType().Name} {Scalar(value)}",
    };

    public static string Query(IEnumerable<(string Name, string Value)> pairs)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            sb.Append(sb.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sirocco.Actions.Providers.OpenApi;

/// <summary>The configuration of one <c>openapi</c> provider (an <c>openapi</c> entry of the providers file).</summary>
public sealed record OpenApiProviderOptions
{
    /// <summary>The provider's name in the catalog; also the action prefix unless <see cref="Prefix"/> is set.</summary>
    public required string Name { get; init; }

    /// <summary>The OpenAPI 3 document: a file path or an http(s) URL; JSON or YAML.</summary>
    public required string Document { get; init; }

    /// <summary>Action names are <c>{prefix}.{operationId}</c>; the provider's name when null.</summary>
    public string? Prefix { get; init; }

    /// <summary>The base URL requests go to, instead of the document's first <c>servers</c> entry.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>Only these operations (by operation id, or the name derived for operations without one); all when null.</summary>
    public IReadOnlyList<string>? Operations { get; init; }

    /// <summary>Timeout of one request (default 100 s; a task's <c>timeout</c> also cancels it).</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>
/// The <c>openapi</c> provider: one action per operation of an OpenAPI 3 document, named <c>{prefix}.{operationId}</c>
/// (as mistral-extra generates OpenStack actions from client libraries). The inputs are the operation's path, query and
/// header parameters and its JSON request body (an object body's properties become inputs of their own, otherwise one
/// <c>body</c> input), typed and with the schema's defaults. Running an action sends the HTTP request to the document's
/// server (or the configured one) and returns the JSON body; a status outside 2xx fails the action with the status
/// and the body. The document is read once, when the provider is created; what cannot be honoured is refused then.
/// </summary>
public sealed class OpenApiActionProvider : IActionProvider, IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, OpenApiActionDescriptor> _actions;

    /// <summary>Reads the document (a file, or fetched over HTTP) and makes the actions; throws with every reason it cannot.</summary>
    /// <param name="options">The configuration.</param>
    public OpenApiActionProvider(OpenApiProviderOptions options)
        : this(options, Read(options, out var uri), uri)
    {
    }

    /// <summary>Makes the actions from a document's text.</summary>
    /// <param name="options">The configuration (<see cref="OpenApiProviderOptions.Document"/> only names the source).</param>
    /// <param name="text">The document's text (JSON or YAML).</param>
    /// <param name="documentUri">The document's URL when it came over HTTP (resolves a relative server URL), else null.</param>
    public OpenApiActionProvider(OpenApiProviderOptions options, string text, Uri? documentUri)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(text);
        Options = options;
        List<OpenApiOperation> operations;
        try
        {
            operations = OpenApiDocument.Operations(OpenApiDocument.Parse(text, options.Document), options, documentUri);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("OpenAPI document", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"OpenAPI document {options.Document}: {e.Message}", e);
        }

        _http = new HttpClient { Timeout = options.Timeout ?? TimeSpan.FromSeconds(100) };
        _actions = operations.ToDictionary(o => o.ActionName, o => new OpenApiActionDescriptor(o, this), StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public string Name => Options.Name;

    /// <summary>The configuration.</summary>
    public OpenApiProviderOptions Options { get; }

    /// <inheritdoc />
    public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ActionDescriptor?>(_actions.GetValueOrDefault(name));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ActionDescriptor>>(_actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToList<ActionDescriptor>());

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string Read(OpenApiProviderOptions options, out Uri? uri)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Uri.TryCreate(options.Document, UriKind.Absolute, out var u) && u.Scheme is "http" or "https")
        {
            uri = u;
            using var http = new HttpClient { Timeout = options.Timeout ?? TimeSpan.FromSeconds(30) };
            try
            {
                // read once at start (the server cannot start without its providers); later changes need a restart
                using var response = http.GetAsync(u).GetAwaiter().GetResult();
                var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                return response.IsSuccessStatusCode
                    ? text
                    : throw new InvalidDataException($"OpenAPI document {u}: GET answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            catch (HttpRequestException e)
            {
                throw new InvalidDataException($"OpenAPI document {u}: {e.Message}", e);
            }
            catch (TaskCanceledException e)
            {
                throw new InvalidDataException($"OpenAPI document {u}: no answer in time", e);
            }
        }

        uri = null;
        try
        {
            return File.ReadAllText(options.Document);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"OpenAPI document {options.Document}: {e.Message}", e);
        }
    }

    internal async Task<ActionResult> SendAsync(OpenApiOperation operation, IReadOnlyDictionary<string, object?> values, CancellationToken ct)
    {
        var path = new StringBuilder(operation.PathTemplate);
        var query = new List<(string, string)>();
        var headers = new List<(string, string)>();
        OrderedDictionary<string, object?>? properties = operation.Body == BodyKind.Properties && (operation.BodyRequired || operation.Inputs.Any(i => i.In == "body" && values.ContainsKey(i.Name)))
            ? new OrderedDictionary<string, object?>()
            : null;
        object? whole = null;
        var hasWhole = false;
        foreach (var input in operation.Inputs)
        {
            if (!values.TryGetValue(input.Name, out var value))
            {
                continue;
            }

            switch (input.In)
            {
                case "path":
                    var text = value is List<object?> items ? string.Join(",", items.Select(OpenApiText.Scalar)) : OpenApiText.Scalar(value);
                    path.Replace("{" + input.WireName + "}", Uri.EscapeDataString(text));
                    break;
                case "query" when value is null:
                case "header" when value is null:
                    break;
                case "query" when value is List<object?> list:
                    if (input.Explode)
                    {
                        query.AddRange(list.Select(v => (input.WireName, OpenApiText.Scalar(v))));
                    }
                    else
                    {
                        query.Add((input.WireName, string.Join(",", list.Select(OpenApiText.Scalar))));
                    }

                    break;
                case "query":
                    query.Add((input.WireName, OpenApiText.Scalar(value)));
                    break;
                case "header":
                    headers.Add((input.WireName, value is List<object?> hl ? string.Join(",", hl.Select(OpenApiText.Scalar)) : OpenApiText.Scalar(value)));
                    break;
                case "body" when operation.Body == BodyKind.Whole:
                    whole = value;
                    hasWhole = true;
                    break;
                case "body":
                    properties![input.WireName] = value;
                    break;
            }
        }

        var url = new Uri(operation.Server.AbsoluteUri.TrimEnd('/') + path + OpenApiText.Query(query));
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (properties is not null || hasWhole)
        {
            request.Content = new StringContent(ActionValues.ToJson(properties ?? whole), Encoding.UTF8, "application/json");
        }

        var what = $"{operation.ActionName}: {operation.Method} {url}";
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return ActionResult.Failure($"{what} failed: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return ActionResult.Failure($"{what} got no answer within {_http.Timeout.TotalSeconds:0.###} s");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return ActionResult.Failure($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}: {OpenApiText.Cut(text)}");
            }

            if (text.Length == 0)
            {
                return ActionResult.Success(null);
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
            if (mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal))
            {
                try
                {
                    return ActionResult.Success(JsonValues.ToValue(JsonNode.Parse(text)));
                }
                catch (JsonException e)
                {
                    return ActionResult.Failure($"{what} answered invalid JSON: {e.Message}");
                }
            }

            return ActionResult.Success(text);
        }
    }
}

/// <summary>One operation as an action.</summary>
internal sealed class OpenApiActionDescriptor : ActionDescriptor
{
    private readonly OpenApiActionProvider _provider;

    public OpenApiActionDescriptor(OpenApiOperation operation, OpenApiActionProvider provider)
    {
        Operation = operation;
        _provider = provider;
        Signature = new ActionSignature(operation.Inputs.Select(i => i.ToParameter()).ToList());
    }

    public OpenApiOperation Operation { get; }

    public override string Name => Operation.ActionName;

    public override string Description => Operation.Summary;

    public override ActionSignature Signature { get; }

    public override string Definition => $"openapi {Operation.Method} {Operation.UrlTemplate} (operation {Operation.OperationId} of {_provider.Options.Document})";

    public override IReadOnlyList<string> Tags => ["openapi", .. Operation.Tags];

    public override string? ActionClassName => "OpenApiAction";

    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var i in Operation.Inputs)
        {
            if (input.TryGetValue(i.Name, out var given))
            {
                values[i.Name] = Check(i, given);
            }
            else if (i.HasDefault)
            {
                values[i.Name] = i.Default;
            }
        }

        return new OpenApiAction(_provider, Operation, values);
    }

    private object? Check(OpenApiInput input, object? value)
    {
        var ok = value is null ? !input.Required : input.Type switch
        {
            "string" => value is string,
            "integer" => value is long or System.Numerics.BigInteger,
            "number" => value is long or double or System.Numerics.BigInteger,
            "boolean" => value is bool,
            "list" => value is List<object?> l && (input.In == "body" || l.All(x => x is string or long or double or bool)),
            "dict" => value is IDictionary<string, object?>,
            _ => true,
        };
        return ok ? value : throw new ActionException(
            $"Invalid input [name={Name}]: {input.Name} must be {input.Type switch { "integer" => "an integer", "list" => "a list", "any" => "given", _ => "a " + input.Type }}, not {OpenApiText.Describe(value)}");
    }

    private sealed class OpenApiAction(OpenApiActionProvider provider, OpenApiOperation operation, IReadOnlyDictionary<string, object?> values) : IAction
    {
        public bool IsSync => true;

        public async ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken) =>
            await provider.SendAsync(operation, values, cancellationToken).ConfigureAwait(false);
    }
}

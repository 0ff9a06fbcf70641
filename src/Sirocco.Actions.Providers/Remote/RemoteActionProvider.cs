using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sirocco.Actions.Providers.Remote;

/// <summary>
/// A remote catalog: another service publishes actions over HTTP and Sirocco shows and runs them as its own.
/// The protocol (docs/actions.md, "Remote catalogs"):
/// <list type="bullet">
/// <item><c>GET {url}/actions</c> → <c>{"actions": [{"name", "description", "parameters": [{"name", "type", "required", "default"}]}]}</c></item>
/// <item><c>POST {url}/actions/{name}</c> with <c>{"input": {...}, "context": {"security": {...}, "execution": {...}}}</c>
/// → <c>{"result": value}</c> or <c>{"error": value}</c>; any other status is an error naming it.</item>
/// </list>
/// The catalog is fetched at start and refreshed in the background, so lookups never wait on the network; the caller's
/// auth token, if any, is forwarded as <c>X-Auth-Token</c> so the remote side authenticates the same user.
/// </summary>
public sealed class RemoteActionProvider : IActionProvider, IDisposable
{
    private readonly HttpClient _http;
    private readonly Timer _timer;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private volatile IReadOnlyDictionary<string, RemoteActionDescriptor> _actions = new Dictionary<string, RemoteActionDescriptor>();

    /// <summary>Creates the provider and starts fetching the catalog.</summary>
    /// <param name="name">The provider's name in the catalog.</param>
    /// <param name="baseUrl">The remote catalog's base URL.</param>
    /// <param name="refresh">How often the catalog is fetched again (default 10 s).</param>
    /// <param name="timeout">Timeout of one HTTP call (default 100 s; a task <c>timeout</c> also cancels a run).</param>
    public RemoteActionProvider(string name, Uri baseUrl, TimeSpan? refresh = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        Name = name;
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _http = new HttpClient { Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        var period = refresh ?? TimeSpan.FromSeconds(10);
        _timer = new Timer(_ => _ = RefreshQuietlyAsync(), null, TimeSpan.Zero, period);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The remote catalog's base URL.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Why the last refresh failed, or null when it worked.</summary>
    public string? LastError { get; private set; }

    /// <summary>When the catalog was last fetched successfully.</summary>
    public DateTimeOffset? LastRefreshed { get; private set; }

    /// <inheritdoc />
    public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ActionDescriptor?>(_actions.GetValueOrDefault(name));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ActionDescriptor>>(_actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToList<ActionDescriptor>());

    /// <summary>Fetches the catalog now; throws when the remote side does not answer with a valid catalog.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var response = await _http.GetAsync(new Uri(BaseUrl, "actions"), cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {BaseUrl}actions answered {(int)response.StatusCode}: {Cut(text)}");
            }

            var actions = new Dictionary<string, RemoteActionDescriptor>(StringComparer.Ordinal);
            var list = JsonNode.Parse(text)?["actions"] as JsonArray
                       ?? throw new InvalidDataException($"GET {BaseUrl}actions: expected {{\"actions\": [...]}}");
            foreach (var item in list)
            {
                var d = RemoteActionDescriptor.Parse(item as JsonObject ?? throw new InvalidDataException("an action entry is not an object"), this);
                actions[d.Name] = d;
            }

            _actions = actions;
            LastRefreshed = DateTimeOffset.UtcNow;
            LastError = null;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        _http.Dispose();
        _refreshGate.Dispose();
    }

    internal async Task<ActionResult> RunAsync(string action, IReadOnlyDictionary<string, object?> input, ActionContext context, CancellationToken ct)
    {
        var body = new OrderedDictionary<string, object?>
        {
            ["input"] = new OrderedDictionary<string, object?>(input),
            ["context"] = context.ToDictionary(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, "actions/" + Uri.EscapeDataString(action)))
        {
            Content = new StringContent(ActionValues.ToJson(body), Encoding.UTF8, "application/json"),
        };
        if (context.Security.AuthToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return ActionResult.Failure($"Remote action {action} at {BaseUrl} could not be called: {e.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return ActionResult.Failure($"Remote action {action} at {BaseUrl} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Cut(text)}");
            }

            JsonObject? answer;
            try
            {
                answer = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException e)
            {
                return ActionResult.Failure($"Remote action {action} at {BaseUrl} answered invalid JSON: {e.Message}");
            }

            if (answer is null)
            {
                return ActionResult.Failure($"Remote action {action} at {BaseUrl} answered {Cut(text)}; expected {{\"result\": ...}} or {{\"error\": ...}}");
            }

            return answer.TryGetPropertyValue("error", out var error) && error is not null
                ? ActionResult.Failure(JsonValues.ToValue(error) ?? "error")
                : ActionResult.Success(answer.TryGetPropertyValue("result", out var result) ? JsonValues.ToValue(result) : null);
        }
    }

    private async Task RefreshQuietlyAsync()
    {
        try
        {
            await RefreshAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // stopping
        }
#pragma warning disable CA1031 // a remote side that is down keeps the last catalog; the reason is kept in LastError
        catch (Exception e)
#pragma warning restore CA1031
        {
            LastError = e.Message;
        }
    }

    private static string Cut(string text) => text.Length > 500 ? text[..500] + "…" : text;
}

internal sealed class RemoteActionDescriptor : ActionDescriptor
{
    private readonly RemoteActionProvider _provider;

    private RemoteActionDescriptor(string name, string description, ActionSignature signature, RemoteActionProvider provider)
    {
        Name = name;
        Description = description;
        Signature = signature;
        _provider = provider;
    }

    public override string Name { get; }

    public override string Description { get; }

    public override ActionSignature Signature { get; }

    public override string Definition => $"remote {_provider.BaseUrl}actions/{Name}";

    public override IReadOnlyList<string> Tags => ["remote"];

    public override string? ActionClassName => "RemoteAction";

    public static RemoteActionDescriptor Parse(JsonObject o, RemoteActionProvider provider)
    {
        var name = o["name"]?.GetValue<string>() is { Length: > 0 } n ? n : throw new InvalidDataException("an action has no name");
        var parameters = new List<ActionParameter>();
        foreach (var p in o["parameters"] as JsonArray ?? [])
        {
            if (p is not JsonObject po || po["name"]?.GetValue<string>() is not { Length: > 0 } pname)
            {
                throw new InvalidDataException($"action {name}: a parameter has no name");
            }

            var required = po["required"]?.GetValue<bool>() ?? !po.ContainsKey("default");
            parameters.Add(new ActionParameter(pname, po["type"]?.GetValue<string>() ?? "any", required,
                required ? null : JsonValues.ToValue(po["default"]), po["description"]?.GetValue<string>()));
        }

        return new RemoteActionDescriptor(name, o["description"]?.GetValue<string>() ?? "", new ActionSignature(parameters), provider);
    }

    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var full = new OrderedDictionary<string, object?>();
        foreach (var p in Signature.Parameters)
        {
            if (input.TryGetValue(p.Name, out var v))
            {
                full[p.Name] = v;
            }
            else if (!p.IsRequired)
            {
                full[p.Name] = p.DefaultValue;
            }
        }

        return new RemoteAction(_provider, Name, full);
    }

    private sealed class RemoteAction(RemoteActionProvider provider, string name, IReadOnlyDictionary<string, object?> input) : IAction
    {
        public bool IsSync => true;

        public async ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken) =>
            await provider.RunAsync(name, input, context, cancellationToken).ConfigureAwait(false);
    }
}

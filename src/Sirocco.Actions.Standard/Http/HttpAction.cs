using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sirocco.Values;

namespace Sirocco.Actions.Standard.Http;

/// <summary>
/// <c>std.http</c>: sends one HTTP request with a real client and returns Mistral's response shape
/// <c>{content, status, headers, url, history, encoding, reason, cookies, elapsed}</c> (content parsed as JSON when
/// it is JSON). A status outside 200–306 is an error whose value is that same shape; a transport failure raises
/// <c>Failed to send HTTP request: …</c>. Redirects are followed only when <c>allow_redirects</c> is truthy
/// (Mistral passes its default None on to python-requests, which then does not follow them).
/// </summary>
[Description("HTTP action. Sends an HTTP request and returns the response: content (parsed JSON when possible), status, headers, url, history, encoding, reason, cookies, elapsed.")]
public class HttpAction(
    string url,
    string method = "GET",
    [InputName("params")] object? queryParams = null,
    object? body = null,
    object? json = null,
    object? headers = null,
    object? cookies = null,
    object? auth = null,
    object? timeout = null,
    object? allowRedirects = null,
    object? proxies = null,
    object? verify = null) : ActionBase
{
    private const int MaxRedirects = 30; // python-requests' limit

    /// <summary>The largest response body read, in bytes.</summary>
    public long MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Extra request headers (<c>std.mistral_http</c> adds its callback headers here).</summary>
    protected OrderedDictionary<string, string> ExtraHeaders { get; } = [];

    /// <inheritdoc />
    public override async Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken)
    {
        Uri target;
        try
        {
            target = BuildUri(url, queryParams);
        }
        catch (UriFormatException e)
        {
            throw new ActionException($"Failed to send HTTP request: Invalid URL '{url}': {e.Message}");
        }

        var verb = (method ?? "GET").ToUpperInvariant();
        var (content, contentType) = RequestBody();
        var timeoutSeconds = TimeoutSeconds();
        var follow = Py.Truthy(allowRedirects);

        using var handler = CreateHandler(target);
        using var client = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeoutSeconds is { } t)
        {
            timeoutSource.CancelAfter(TimeSpan.FromSeconds(t));
        }

        var history = new List<object?>();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = BuildRequest(verb, target, content, contentType);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
                var elapsed = stopwatch.Elapsed.TotalSeconds;
                var status = (int)response.StatusCode;
                if (follow && IsRedirect(status) && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new ActionException($"Failed to send HTTP request: Exceeded {MaxRedirects} redirects.");
                    }

                    history.Add($"<Response [{status}]>");
                    var next = location.IsAbsoluteUri ? location : new Uri(target, location);
                    if (status == 303 && verb != "HEAD" || (status is 301 or 302 && verb == "POST"))
                    {
                        // python-requests turns these into a GET without a body
                        verb = "GET";
                        content = null;
                        contentType = null;
                    }

                    target = next;
                    stopwatch.Restart();
                    continue;
                }

                var bytes = await ReadBodyAsync(response, timeoutSource.Token).ConfigureAwait(false);
                var result = ResultOf(response, target, bytes, history, elapsed);
                return status is >= 200 and < 307 ? result : ActionResult.Failure(result);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeoutSeconds is not null)
        {
            var pool = target.Scheme == "https" ? "HTTPSConnectionPool" : "HTTPConnectionPool";
            throw new ActionException($"Failed to send HTTP request: {pool}(host='{target.Host}', port={target.Port}): Read timed out. (read timeout={Py.Str(timeout)})");
        }
        catch (HttpRequestException e)
        {
            throw new ActionException($"Failed to send HTTP request: {Describe(e)}");
        }
    }

    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (!messages.Contains(x.Message))
            {
                messages.Add(x.Message);
            }
        }

        return string.Join(": ", messages);
    }

    private static bool IsRedirect(int status) => status is 301 or 302 or 303 or 307 or 308;

    private static Uri BuildUri(string url, object? queryParams)
    {
        var uri = new Uri(url, UriKind.Absolute);
        if (uri.Scheme is not ("http" or "https"))
        {
            throw new ActionException($"Failed to send HTTP request: No connection adapters were found for '{url}'");
        }

        var query = queryParams switch
        {
            null => "",
            string s => s,
            IDictionary<string, object?> map => string.Join("&", map.SelectMany(kv => QueryPairs(kv.Key, kv.Value))),
            IEnumerable<object?> pairs => string.Join("&", pairs.OfType<IList<object?>>().Where(p => p.Count == 2).SelectMany(p => QueryPairs(Py.Str(p[0]), p[1]))),
            _ => throw new ActionException($"Failed to send HTTP request: params must be a dict, a list of pairs or a string, not {Py.TypeName(queryParams)}"),
        };
        if (query.Length == 0)
        {
            return uri;
        }

        var builder = new UriBuilder(uri);
        builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + query : query;
        return builder.Uri;
    }

    private static IEnumerable<string> QueryPairs(string key, object? value) => value switch
    {
        null => [],
        IEnumerable<object?> list when value is not string => list.Where(v => v is not null).Select(v => Encode(key) + "=" + Encode(Py.Str(v))),
        _ => [Encode(key) + "=" + Encode(Py.Str(value))],
    };

    private static string Encode(string s) => WebUtility.UrlEncode(s);

    private (byte[]? Content, string? ContentType) RequestBody()
    {
        // python-requests: data (Mistral's body) wins over json; a dict body is sent as JSON text with no Content-Type.
        if (body is not null)
        {
            return body switch
            {
                string s => (Encoding.UTF8.GetBytes(s), null),
                _ => (Encoding.UTF8.GetBytes(ActionValues.ToJson(body)), null),
            };
        }

        return json is not null ? (Encoding.UTF8.GetBytes(ActionValues.ToJson(json)), "application/json") : (null, null);
    }

    private double? TimeoutSeconds() => timeout switch
    {
        null => null,
        IList<object?> pair when pair.Count == 2 => new[] { StandardValues.ToFloat(pair[0]), StandardValues.ToFloat(pair[1]) }.Where(x => x is not null).Sum(),
        _ => StandardValues.ToFloat(timeout) ?? throw new ActionException($"Failed to send HTTP request: Timeout value must be an int, float or None, not {Py.Repr(timeout)}"),
    };

    private HttpRequestMessage BuildRequest(string verb, Uri target, byte[]? content, string? contentType)
    {
        var request = new HttpRequestMessage(new HttpMethod(verb), target);
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        request.Headers.TryAddWithoutValidation("User-Agent", "sirocco-std.http");
        if (content is not null)
        {
            request.Content = new ByteArrayContent(content);
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            }
        }

        var all = new List<KeyValuePair<string, string>>();
        if (headers is IDictionary<string, object?> given)
        {
            all.AddRange(given.Where(kv => kv.Value is not null).Select(kv => KeyValuePair.Create(kv.Key, Py.Str(kv.Value))));
        }
        else if (headers is not null)
        {
            throw new ActionException($"Failed to send HTTP request: headers must be a dict, not {Py.TypeName(headers)}");
        }

        all.AddRange(ExtraHeaders);
        foreach (var (name, value) in all)
        {
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.Remove(name);
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (cookies is IDictionary<string, object?> jar && jar.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Cookie", string.Join("; ", jar.Select(kv => kv.Key + "=" + Py.Str(kv.Value))));
        }

        if (Credentials() is { } basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic.User + ":" + basic.Password)));
        }

        return request;
    }

    private (string User, string Password)? Credentials()
    {
        switch (auth)
        {
            case null:
                return null;
            case string s when s.Split(':') is [var user, var password]:
                return (user, password);
            case IList<object?> { Count: 2 } pair:
                return (Py.Str(pair[0]), Py.Str(pair[1]));
            default:
                throw new ActionException($"Failed to send HTTP request: auth must be \"user:password\" or [user, password], not {Py.Repr(auth)}");
        }
    }

    private SocketsHttpHandler CreateHandler(Uri target)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // followed here, to record history as python-requests does
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
        if (proxies is IDictionary<string, object?> map && map.Count > 0)
        {
            handler.Proxy = new SchemeProxy(map.Where(kv => kv.Value is string).ToDictionary(kv => kv.Key, kv => new Uri((string)kv.Value!), StringComparer.OrdinalIgnoreCase));
            handler.UseProxy = true;
        }
        else
        {
            handler.UseProxy = false;
        }

        // Mistral applies verify only to https URLs; false accepts any certificate, a path names a CA bundle.
        if (target.Scheme == "https")
        {
            switch (verify)
            {
                case false:
                    handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
                    break;
                case string caBundle:
                    var roots = new X509Certificate2Collection();
                    roots.ImportFromPemFile(caBundle);
                    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                        ValidateAgainst(roots, certificate, errors);
                    break;
                default:
                    break;
            }
        }

        return handler;
    }

    private static bool ValidateAgainst(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new ActionException($"Failed to send HTTP request: response too large ({response.Content.Headers.ContentLength} bytes; the limit is {MaxResponseBytes})");
        }

        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxResponseBytes)
                {
                    throw new ActionException($"Failed to send HTTP request: response too large (over {MaxResponseBytes} bytes)");
                }
            }

            return buffer.ToArray();
        }
    }

    private static OrderedDictionary<string, object?> ResultOf(HttpResponseMessage response, Uri finalUrl, byte[] bytes, List<object?> history, double elapsed)
    {
        var headers = new OrderedDictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var cookies = new OrderedDictionary<string, object?>();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
            if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var cookie in values)
                {
                    var pair = cookie.Split(';', 2)[0];
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                    {
                        cookies[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
                    }
                }
            }
        }

        var encoding = EncodingOf(response.Content.Headers.ContentType);
        return new OrderedDictionary<string, object?>
        {
            ["content"] = Content(bytes, encoding),
            ["status"] = (long)(int)response.StatusCode,
            ["headers"] = new OrderedDictionary<string, object?>(headers, StringComparer.Ordinal),
            ["url"] = finalUrl.AbsoluteUri,
            ["history"] = history,
            ["encoding"] = encoding,
            ["reason"] = response.ReasonPhrase ?? "",
            ["cookies"] = cookies,
            ["elapsed"] = Math.Round(elapsed, 6),
        };
    }

    /// <summary>python-requests' reading of the charset: given, else ISO-8859-1 for text/*, UTF-8 for JSON, else none.</summary>
    private static string? EncodingOf(MediaTypeHeaderValue? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(contentType.CharSet))
        {
            return contentType.CharSet.Trim('"', '\'');
        }

        var media = contentType.MediaType ?? "";
        return media.Contains("text", StringComparison.OrdinalIgnoreCase) ? "ISO-8859-1"
            : media.Contains("application/json", StringComparison.OrdinalIgnoreCase) ? "utf-8"
            : null;
    }

    /// <summary>The body as JSON when it parses as JSON, else as text in its encoding (UTF-8 when unknown).</summary>
    private static object? Content(byte[] bytes, string? encoding)
    {
        var text = Decode(bytes, encoding);
        if (text.Length > 0)
        {
            try
            {
                return Json.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                // not JSON: the raw text, as Mistral falls back to resp.content
            }
        }

        return text;
    }

    private static string Decode(byte[] bytes, string? encoding)
    {
        if (encoding is not null)
        {
            try
            {
                return (encoding.Equals("ISO-8859-1", StringComparison.OrdinalIgnoreCase) ? Encoding.Latin1 : Encoding.GetEncoding(encoding)).GetString(bytes);
            }
            catch (ArgumentException)
            {
                // unknown charset: fall back to UTF-8
            }
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>python-requests' <c>proxies</c>: a proxy URL per scheme (<c>http</c>, <c>https</c>, <c>all</c>).</summary>
    private sealed class SchemeProxy(Dictionary<string, Uri> byScheme) : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri? GetProxy(Uri destination) =>
            byScheme.GetValueOrDefault(destination.Scheme) ?? byScheme.GetValueOrDefault("all");

        public bool IsBypassed(Uri host) => GetProxy(host) is null;
    }
}

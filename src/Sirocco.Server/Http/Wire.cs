using System.Globalization;
using System.Text;
using System.Text.Json;
using Sirocco.Values;

namespace Sirocco.Server.Http;

/// <summary>Mistral's wire conventions: response bodies, datetimes, JSON-string fields, request bodies by content type.</summary>
public static class Wire
{
    /// <summary>Mistral's datetime format: UTC, space separator, whole seconds, no zone.</summary>
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Content type of JSON responses.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>Content type of the text/plain routes' JSON responses (Mistral's ContentTypeHook).</summary>
    public const string JsonUtf8ContentType = "application/json;charset=utf-8";

    /// <summary>Renders a UTC time as Mistral does.</summary>
    public static string Time(DateTime t) => t.ToUniversalTime().ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Renders a nullable UTC time (null stays null).</summary>
    public static string? Time(DateTime? t) => t is { } v ? Time(v) : null;

    /// <summary>
    /// A JSON response from a value-model body, sent as the UTF-8 bytes the JSON writer produced (a UTF-16 string in
    /// between doubled the allocation and put every list response above 42 K characters on the large object heap).
    /// </summary>
    public static IResult Json(object? body, int status = StatusCodes.Status200OK, string contentType = JsonContentType) =>
        new Utf8JsonResult(Values.Json.SerializeToUtf8(body), Utf8ContentType(contentType), status);

    // The header ASP.NET's text results wrote for these content types with UTF-8: "application/json; charset=utf-8".
    private static readonly string JsonUtf8Header = WithUtf8Charset(JsonContentType);

    private static string Utf8ContentType(string contentType) =>
        contentType is JsonContentType or JsonUtf8ContentType ? JsonUtf8Header : WithUtf8Charset(contentType);

    private static string WithUtf8Charset(string contentType)
    {
        var mediaType = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        mediaType.Encoding = Encoding.UTF8;
        return mediaType.ToString();
    }

    private sealed class Utf8JsonResult(ReadOnlyMemory<byte> body, string contentType, int status)
        : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => status;

        public string? ContentType => contentType;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = contentType;
            response.ContentLength = body.Length;
            await response.BodyWriter.WriteAsync(body).ConfigureAwait(false);
        }
    }

    /// <summary>Mistral's WSME error body.</summary>
    public static OrderedDictionary<string, object?> ErrorBody(string message, bool server) => new()
    {
        ["faultcode"] = server ? "Server" : "Client",
        ["faultstring"] = message,
        ["debuginfo"] = null,
    };

    /// <summary>The error body of the text/plain routes.</summary>
    public static OrderedDictionary<string, object?> TextRouteErrorBody(string message) => new() { ["faultstring"] = message };

    /// <summary>Whether a content type is XML (Mistral answers 415 to XML bodies).</summary>
    public static bool IsXml(string? contentType)
    {
        var mediaType = MediaType(contentType);
        return mediaType is "text/xml" or "application/xml" || mediaType.EndsWith("+xml", StringComparison.Ordinal);
    }

    private static string MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return "";
        }

        var semi = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semi >= 0 ? contentType[..semi] : contentType).Trim().ToLowerInvariant();
    }

    /// <summary>Reads a text/plain definition body (workflow or workbook YAML); XML gets 415.</summary>
    public static async Task<string> ReadDefinitionAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsXml(request.ContentType))
        {
            throw ApiException.UnsupportedMediaType(
                $"Unsupported Media Type: '{MediaType(request.ContentType)}'; send the definition as text/plain YAML");
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw ApiException.BadRequest("Invalid DSL: the request body is empty; send the definition as text/plain YAML");
        }

        return text;
    }

    /// <summary>Reads a JSON object body; other content types get 415, malformed JSON or a non-object 400.</summary>
    public static async Task<OrderedDictionary<string, object?>> ReadJsonObjectAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mediaType = MediaType(request.ContentType);
        if (mediaType.Length > 0 && mediaType != "application/json" && !mediaType.EndsWith("+json", StringComparison.Ordinal))
        {
            throw ApiException.UnsupportedMediaType($"Unsupported Media Type: '{mediaType}'; the body must be application/json");
        }

        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (ms.Length == 0)
        {
            throw ApiException.BadRequest("The request body is empty; a JSON object is required");
        }

        object? parsed;
        try
        {
            parsed = Values.Json.Parse(ms.GetBuffer().AsMemory(0, (int)ms.Length));
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {e.Message}");
        }

        return parsed as OrderedDictionary<string, object?>
               ?? throw ApiException.BadRequest($"The request body must be a JSON object, not {Py.TypeName(parsed)}");
    }

    /// <summary>
    /// A JSON-typed request field (<c>input</c>, <c>params</c>, <c>env</c>): an object, or a string holding a JSON object
    /// (python-mistralclient pre-encodes them). Absent, null or empty gives an empty map; anything else is 400.
    /// </summary>
    public static OrderedDictionary<string, object?> JsonObjectField(OrderedDictionary<string, object?> body, string field)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.TryGetValue(field, out var value) || value is null)
        {
            return [];
        }

        if (value is string s)
        {
            if (string.IsNullOrWhiteSpace(s))
            {
                return [];
            }

            try
            {
                value = Values.Json.Parse(s);
            }
            catch (JsonException e)
            {
                throw ApiException.BadRequest($"Invalid input for field/attribute {field}: the string is not valid JSON ({e.Message})");
            }
        }

        return value as OrderedDictionary<string, object?>
               ?? throw ApiException.BadRequest(
                   $"Invalid input for field/attribute {field}. Value: '{Py.Str(value)}'. A JSON object is expected, not {Py.TypeName(value)}");
    }

    /// <summary>An optional string field of a JSON body; anything but a string or null is 400.</summary>
    public static string? StringField(OrderedDictionary<string, object?> body, string field)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (!body.TryGetValue(field, out var value) || value is null)
        {
            return null;
        }

        return value as string ?? throw ApiException.BadRequest(
            $"Invalid input for field/attribute {field}. Value: '{Py.Str(value)}'. A string is expected, not {Py.TypeName(value)}");
    }
}

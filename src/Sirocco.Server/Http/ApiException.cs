namespace Sirocco.Server.Http;

/// <summary>
/// A request the API refuses, with the HTTP status and the message Mistral would give (it becomes the
/// <c>faultstring</c> of the error body).
/// </summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates the error.</summary>
    public ApiException(int statusCode, string message) : base(message) => StatusCode = statusCode;

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>400: bad input.</summary>
    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>404: no such object.</summary>
    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    /// <summary>403: refused by Mistral's rules (e.g. deleting an unfinished execution without force).</summary>
    public static ApiException Forbidden(string message) => new(StatusCodes.Status403Forbidden, message);

    /// <summary>415: a body of a content type the route does not take.</summary>
    public static ApiException UnsupportedMediaType(string message) => new(StatusCodes.Status415UnsupportedMediaType, message);
}

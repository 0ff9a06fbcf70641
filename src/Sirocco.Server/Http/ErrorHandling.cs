using System.Text.Json;
using Sirocco.Engine;
using Sirocco.Language;
using Sirocco.Store;
using Sirocco.Store.Queries;
using Sirocco.Values;

namespace Sirocco.Server.Http;

/// <summary>
/// Turns every exception into Mistral's status code and error body. Bad input of any kind maps to a 4xx; only a
/// genuine fault of the server answers 500.
/// </summary>
public static partial class ErrorHandling
{
    /// <summary>Maps an exception to (status, message).</summary>
    public static (int Status, string Message) Map(Exception error) => error switch
    {
        ApiException e => (e.StatusCode, e.Message),
        LanguageException e => (StatusCodes.Status400BadRequest, e.Message),
        EngineException e => (e.Kind switch
        {
            "NotFoundException" or "DBEntityNotFoundError" => StatusCodes.Status404NotFound,
            "NotAllowedException" => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status400BadRequest,
        }, e.Message),
        DuplicateEntryException e => (StatusCodes.Status409Conflict, e.Message),
        EntityNotFoundException e => (StatusCodes.Status404NotFound, e.Message),
        EntityInUseException e => (StatusCodes.Status400BadRequest, e.Message),
        InvalidQueryException e => (StatusCodes.Status400BadRequest, e.Message),
        JsonException e => (StatusCodes.Status400BadRequest, "Invalid JSON: " + e.Message),
        BadHttpRequestException e => (e.StatusCode, e.Message),
        Sirocco.Runtime.EngineUnavailableException e => (StatusCodes.Status503ServiceUnavailable, e.Message),
        _ => (StatusCodes.Status500InternalServerError, error.Message),
    };

    /// <summary>The middleware: writes the error body for exceptions thrown by endpoints.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away; nobody is left to answer
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (status, message) = Map(e);
            if (status >= 500 && status != StatusCodes.Status503ServiceUnavailable)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Sirocco.Server");
                LogUnexpected(logger, e, context.Request.Method, context.Request.Path);
            }

            await WriteErrorAsync(context, status, message).ConfigureAwait(false);
        }
    }

    /// <summary>Writes an error response in the shape the matched route uses.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        var textRoute = context.GetEndpoint()?.Metadata.GetMetadata<TextPlainRoute>() is not null;
        var body = textRoute ? Wire.TextRouteErrorBody(message) : Wire.ErrorBody(message, status >= 500);
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = Wire.JsonContentType;
        return context.Response.BodyWriter.WriteAsync(Json.SerializeToUtf8(body), context.RequestAborted).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception error, string method, string path);
}

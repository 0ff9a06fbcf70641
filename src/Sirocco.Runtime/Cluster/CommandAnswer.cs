using Sirocco.Engine;
using Sirocco.Engine.Serialization;
using Sirocco.Store;

namespace Sirocco.Runtime.Cluster;

/// <summary>
/// The answer an engine node writes into a command row: the result (JSON of the engine's type) or the error, kept so
/// that the API node throws the same exception a single node would (and so answers the same status and body).
/// </summary>
internal sealed record CommandAnswer
{
    /// <summary>The result, serialized with <see cref="EngineJson"/>.</summary>
    public string? Result { get; init; }

    /// <summary>"engine" (<see cref="EngineException"/>), "not-found" (<see cref="EntityNotFoundException"/>), "unavailable", or "error".</summary>
    public string? ErrorType { get; init; }

    /// <summary>The engine error's Mistral class name.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>The error message.</summary>
    public string? Message { get; init; }

    public static string Ok<T>(T result) => EngineJson.Serialize(new CommandAnswer { Result = EngineJson.Serialize(result) });

    public static string Failed(Exception error) => EngineJson.Serialize(error switch
    {
        EngineException e => new CommandAnswer { ErrorType = "engine", ErrorKind = e.Kind, Message = e.Message },
        EntityNotFoundException e => new CommandAnswer { ErrorType = "not-found", Message = e.Message },
        EngineUnavailableException e => new CommandAnswer { ErrorType = "unavailable", Message = e.Message },
        _ => new CommandAnswer { ErrorType = "error", Message = error.Message },
    });

    /// <summary>The result, or the error thrown as the exception the engine node caught.</summary>
    public static T Read<T>(string answer)
    {
        var a = EngineJson.Deserialize<CommandAnswer>(answer);
        if (a.Result is { } result)
        {
            return EngineJson.Deserialize<T>(result);
        }

        throw a.ErrorType switch
        {
            "engine" => new EngineException(a.ErrorKind ?? "EngineException", a.Message ?? ""),
            "not-found" => new EntityNotFoundException(a.Message ?? ""),
            "unavailable" => new EngineUnavailableException(a.Message ?? ""),
            _ => new InvalidOperationException(a.Message),
        };
    }
}

namespace Sirocco.Runtime;

/// <summary>
/// An API-only node found no engine node to apply a command (none alive, or none took it within
/// <see cref="RuntimeOptions.CommandTimeout"/>). The command was withdrawn: it never runs later. The API answers 503.
/// </summary>
public sealed class EngineUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public EngineUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

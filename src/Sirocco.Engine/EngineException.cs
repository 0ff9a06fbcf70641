namespace Sirocco.Engine;

/// <summary>
/// A request the engine refuses (invalid input at start, invalid task name, rerun of a task not in ERROR, ...).
/// The state is left unchanged. The message is Mistral's; <see cref="Kind"/> is Mistral's exception class
/// (<c>InputException</c>, <c>WorkflowException</c>, <c>NotFoundException</c>), which the API maps to a status code.
/// </summary>
public sealed class EngineException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EngineException(string kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Mistral's exception class name.</summary>
    public string Kind { get; }
}

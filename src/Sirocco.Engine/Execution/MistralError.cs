namespace Sirocco.Engine.Execution;

/// <summary>
/// An error Mistral raises as one of its own exception classes while running a workflow (InputException,
/// InvalidActionException, WorkflowException, ...): caught where Mistral catches MistralException and turned into
/// a task or workflow error with Mistral's text.
/// </summary>
internal sealed class MistralError : Exception
{
    public MistralError(string kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>The Python exception class name.</summary>
    public string Kind { get; }
}

namespace Sirocco.Actions;

/// <summary>
/// Thrown by an action to fail with a message (mistral-lib's <c>ActionException</c>). The executor turns any
/// exception into an error result carrying its message; this type just says "expected failure".
/// </summary>
public class ActionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public ActionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ActionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// The input does not match the action's signature: Mistral's
/// <c>Invalid input [name=…, class=…, missing=[…], unexpected=[…]]</c>. Mistral fails the task (and forces the
/// workflow to fail) without running anything.
/// </summary>
public sealed class ActionInputException : ActionException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Mistral's message.</param>
    /// <param name="missing">Required parameters not given, in declared order.</param>
    /// <param name="unexpected">Given names the action does not declare, in given order.</param>
    public ActionInputException(string message, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected) : base(message)
    {
        Missing = missing;
        Unexpected = unexpected;
    }

    /// <summary>Required parameters not given.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Given names the action does not declare.</summary>
    public IReadOnlyList<string> Unexpected { get; }
}

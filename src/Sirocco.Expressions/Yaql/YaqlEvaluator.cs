using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Sirocco.Expressions.Yaql;

/// <summary>Mistral's inline YAQL evaluator: <c>&lt;% ... %&gt;</c> inside strings, with Mistral's error messages.</summary>
public static partial class YaqlEvaluator
{
    private const int CacheLimit = 10_000;
    private static readonly ConcurrentDictionary<string, object> Cache = new(StringComparer.Ordinal);

    /// <summary>Mistral's recognition: <c>&lt;%.*?%&gt;</c> (no newline inside).</summary>
    public static bool IsExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return InlinePattern().IsMatch(text);
    }

    /// <summary>
    /// Evaluates a string holding YAQL: one whole-string expression gives its native value (run-time values such as
    /// sets kept), else each expression is replaced, in turn, by Python <c>str()</c> of its value.
    /// </summary>
    /// <exception cref="ExpressionException">the first expression that fails.</exception>
    public static object? Evaluate(string text, object? context, IExecutionFunctions? functions, EvaluationLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Evaluate(Prepare(text), context, functions, limits);
    }

    /// <summary>Evaluates a string prepared by <see cref="Prepare"/> (no pattern matching at evaluation time).</summary>
    internal static object? Evaluate(YaqlTemplate template, object? context, IExecutionFunctions? functions, EvaluationLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var segments = template.Segments;
        if (template.Whole)
        {
            return EvaluateCompiled(segments[0].Expression, segments[0].Compiled, context, functions, limits);
        }
        var result = template.Text;
        foreach (var segment in segments)
        {
            var value = EvaluateCompiled(segment.Expression, segment.Compiled, context, functions, limits);
            result = result.Replace(segment.Match, PyText.Str(value), StringComparison.Ordinal);
        }
        return result;
    }

    /// <summary>
    /// Splits a string into its <c>&lt;% %&gt;</c> expressions, each parsed once: Mistral's recognition, done ahead of
    /// evaluation. A text without expressions gives a template with no segments.
    /// </summary>
    internal static YaqlTemplate Prepare(string text)
    {
        var matches = InlinePattern().Matches(text);
        var segments = new YaqlSegment[matches.Count];
        for (var i = 0; i < segments.Length; i++)
        {
            var m = matches[i].Value;
            var inner = m.Trim('<', '%', '>').Trim();
            segments[i] = new YaqlSegment(m, inner, Compile(inner));
        }
        return new YaqlTemplate(text, segments, segments.Length == 1 && matches[0].Length == text.Length);
    }

    /// <summary>Evaluates one bare YAQL expression (the text inside <c>&lt;% %&gt;</c>) against a data context.</summary>
    /// <exception cref="ExpressionException">a syntax or evaluation error, with Mistral's message.</exception>
    public static object? EvaluateExpression(string expression, object? context, IExecutionFunctions? functions = null, EvaluationLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        expression = expression.Trim();
        return EvaluateCompiled(expression, Compile(expression), context, functions, limits ?? EvaluationLimits.Default);
    }

    private static object? EvaluateCompiled(string expression, object compiled, object? context, IExecutionFunctions? functions, EvaluationLimits limits)
    {
        if (compiled is YaqlParseException pe)
        {
            throw SyntaxError(expression, pe, context);
        }
        var interp = new Interpreter(new Budget(limits), functions, context);
        try
        {
            return interp.ConvertOutput(interp.Eval((YaqlNode)compiled, Scope.ForRoot(context)));
        }
        catch (YaqlRuntimeException e)
        {
            throw EvaluationError(expression, e.Kind, e.Message, context, e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw EvaluationError(expression, "LimitExceeded", "evaluation nested too deeply", context, e);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw EvaluationError(expression, "LimitExceeded", "regular expression took too long", context, e);
        }
        catch (OutOfMemoryException e)
        {
            throw EvaluationError(expression, "LimitExceeded", "expression consumed too much memory", context, e);
        }
    }

    /// <summary>Checks the syntax of every YAQL expression in the string.</summary>
    /// <exception cref="ExpressionSyntaxException">the first one that does not parse.</exception>
    public static void ValidateSyntax(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match match in InlinePattern().Matches(text))
        {
            var inner = match.Value.Trim('<', '%', '>').Trim();
            if (Compile(inner) is YaqlParseException pe)
            {
                throw new ExpressionSyntaxException(ExpressionLanguage.Yaql, inner, pe.Message, pe.Kind, pe.Position ?? inner.Length, pe.Message, pe);
            }
        }
    }

    /// <summary>Parses a bare YAQL expression (cached by text).</summary>
    /// <exception cref="ExpressionSyntaxException">it does not parse.</exception>
    public static YaqlNode Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var compiled = Compile(expression);
        return compiled is YaqlParseException pe
            ? throw new ExpressionSyntaxException(ExpressionLanguage.Yaql, expression, pe.Message, pe.Kind, pe.Position ?? expression.Length, pe.Message, pe)
            : (YaqlNode)compiled;
    }

    private static object Compile(string expression)
    {
        if (Cache.TryGetValue(expression, out var cached))
        {
            return cached;
        }
        object compiled;
        try
        {
            compiled = Parser.Parse(expression);
        }
        catch (YaqlParseException e)
        {
            compiled = e;
        }
        if (Cache.Count >= CacheLimit)
        {
            Cache.Clear();
        }
        Cache[expression] = compiled;
        return compiled;
    }

    private static string Message(string expression, string reason, object? context)
    {
        var sb = new StringBuilder("Can not evaluate YAQL expression [expression=");
        sb.Append(expression).Append(", error=").Append(reason).Append(", data=");
        var data = PyText.Repr(context);
        // the data part is for humans; keep messages bounded for huge contexts
        sb.Append(data.Length > 4096 ? data[..4096] + "..." : data).Append(']');
        return sb.ToString();
    }

    private static ExpressionSyntaxException SyntaxError(string expression, YaqlParseException e, object? context) =>
        new(ExpressionLanguage.Yaql, expression, e.Message, e.Kind, e.Position ?? expression.Length, Message(expression, e.Message, context), e);

    private static ExpressionEvaluationException EvaluationError(string expression, string kind, string reason, object? context, Exception inner)
    {
        // Python's str(KeyError('k')) is the quoted key; other exceptions show their message.
        return new(ExpressionLanguage.Yaql, expression, reason, kind, Message(expression, reason, context), inner);
    }

    [GeneratedRegex("<%.*?%>", RegexOptions.CultureInvariant)]
    private static partial Regex InlinePattern();
}

/// <summary>A string's YAQL expressions, found and parsed once.</summary>
/// <param name="Text">The whole string.</param>
/// <param name="Segments">Each <c>&lt;% %&gt;</c> in order.</param>
/// <param name="Whole">The string is exactly one expression: its value keeps its type.</param>
internal sealed record YaqlTemplate(string Text, YaqlSegment[] Segments, bool Whole);

/// <summary>One <c>&lt;% %&gt;</c>: the matched text, the expression inside, and its parse (a node or the syntax error).</summary>
internal sealed record YaqlSegment(string Match, string Expression, object Compiled);

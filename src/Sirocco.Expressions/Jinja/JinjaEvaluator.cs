using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Sirocco.Expressions.Jinja;

/// <summary>
/// Jinja2 (3.1) as Mistral 15 evaluates it: <c>SandboxedEnvironment(undefined=StrictUndefined, trim_blocks=True,
/// lstrip_blocks=True)</c> with Mistral's functions. A string whose first <c>{{ … }}</c> is the whole string is an
/// expression and keeps its value's type; anything else is rendered as a template to a string.
/// Each distinct text is compiled once (bounded cache) and evaluated many times.
/// </summary>
public static partial class JinjaEvaluator
{
    private const int CacheCapacity = 8192;
    private static readonly ConcurrentDictionary<string, Compiled> Cache = new(StringComparer.Ordinal);

    /// <summary>Mistral's recognition: <c>{{(.*?)}}</c> or <c>{%(.*?)%}</c>, not crossing a newline.</summary>
    public static bool IsExpression(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ExpressionPattern().IsMatch(text) || BlockPattern().IsMatch(text);
    }

    /// <summary>Evaluates a string holding Jinja against the data context <paramref name="context"/> (the <c>_</c> variable).</summary>
    /// <exception cref="ExpressionSyntaxException">the text does not parse (TemplateSyntaxError, TemplateAssertionError).</exception>
    /// <exception cref="ExpressionEvaluationException">evaluation failed, or a limit was hit (cause kind <c>LimitExceeded</c>).</exception>
    public static object? Evaluate(string text, object? context, IExecutionFunctions? functions, EvaluationLimits limits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(limits);
        var compiled = Compile(text);
        if (compiled.SyntaxError is { } syntax)
        {
            throw new ExpressionSyntaxException(ExpressionLanguage.Jinja, text, syntax.Message, syntax.Kind, syntax.Position, Message(text, syntax.Message, context), syntax);
        }
        if (compiled.MissingExpression)
        {
            // Mistral indexes the first {{ }} match; a template of blocks only has none
            throw Failure(text, "IndexError", "list index out of range", context, null);
        }
        var data = compiled.Mutates ? Convert.DeepCopy(context) : context;
        var interpreter = new Interpreter(data, functions, new Budget(limits));
        try
        {
            if (compiled.Expression != null)
            {
                return Convert.ToStorable(interpreter.EvaluateExpression(compiled.Expression));
            }
            return interpreter.Render(compiled.Template!);
        }
        catch (JinjaRuntimeError e)
        {
            throw Failure(text, e.Kind, e.Message, context, e);
        }
        catch (Functions.FunctionException e)
        {
            throw Failure(text, e.CauseKind, e.Message, context, e);
        }
        catch (LimitExceededError e)
        {
            throw Failure(text, "LimitExceeded", e.Message, context, e);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw Failure(text, "LimitExceeded", "evaluation nested too deeply for the stack", context, e);
        }
    }

    /// <summary>Checks that the text parses as a Jinja template (what Mistral validates when a workflow is uploaded).</summary>
    /// <exception cref="ExpressionSyntaxException">with the position of the error.</exception>
    public static void ValidateSyntax(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            Parser.ParseTemplate(text);
        }
        catch (JinjaSyntaxError e)
        {
            throw new ExpressionSyntaxException(ExpressionLanguage.Jinja, text, e.Message, e.Kind, e.Position, $"Syntax error '{e.Message}'.", e);
        }
    }

    private static string Message(string text, string reason, object? context) =>
        $"Can not evaluate Jinja expression [expression={text}, error={reason}, data={PyText.Repr(context)}]";

    private static ExpressionEvaluationException Failure(string text, string kind, string reason, object? context, Exception? inner)
    {
        string data;
        try
        {
            data = PyText.Repr(context);
        }
        catch (Exception e) when (e is JinjaRuntimeError or LimitExceededError)
        {
            data = "<unprintable>";
        }
        return new ExpressionEvaluationException(ExpressionLanguage.Jinja, text, reason, kind,
            $"Can not evaluate Jinja expression [expression={text}, error={reason}, data={data}]", inner);
    }

    private static Compiled Compile(string text)
    {
        if (Cache.TryGetValue(text, out var compiled))
        {
            return compiled;
        }
        compiled = CompileUncached(text);
        if (Cache.Count >= CacheCapacity)
        {
            Cache.Clear();
        }
        Cache.TryAdd(text, compiled);
        return compiled;
    }

    private static Compiled CompileUncached(string text)
    {
        var match = ExpressionPattern().Match(text);
        try
        {
            Node root;
            Compiled result;
            if (!match.Success)
            {
                // still report a template that does not parse before Mistral's IndexError? Mistral indexes first.
                return new Compiled { MissingExpression = true };
            }
            if (match.Length == text.Length)
            {
                var expr = Parser.ParseExpression(match.Groups[1].Value, match.Groups[1].Index);
                root = expr;
                result = new Compiled { Expression = expr };
            }
            else
            {
                var template = Parser.ParseTemplate(text);
                root = template;
                result = new Compiled { Template = template };
            }
            var mutates = false;
            foreach (var node in AstWalker.Descendants(root))
            {
                switch (node)
                {
                    case FilterExpr f when !Builtins.HasFilter(f.Name):
                        throw new JinjaSyntaxError($"No filter named {PyText.Repr(f.Name)}.", f.Position, "TemplateAssertionError");
                    case TestExpr t when !Builtins.HasTest(t.Name):
                        throw new JinjaSyntaxError($"No test named {PyText.Repr(t.Name)}.", t.Position, "TemplateAssertionError");
                    case GetAttrExpr ga when Methods.MutatingNames.Contains(ga.Name):
                    case GetItemExpr { Index: ConstExpr { Value: string s } } when Methods.MutatingNames.Contains(s):
                    case FilterExpr { Name: "attr" }:
                        mutates = true;
                        break;
                }
            }
            return result with { Mutates = mutates };
        }
        catch (JinjaSyntaxError e)
        {
            return new Compiled { SyntaxError = e };
        }
    }

    private sealed record Compiled
    {
        public Expr? Expression { get; init; }

        public TemplateNode? Template { get; init; }

        public JinjaSyntaxError? SyntaxError { get; init; }

        public bool MissingExpression { get; init; }

        public bool Mutates { get; init; }
    }

    [GeneratedRegex("{{(.*?)}}", RegexOptions.CultureInvariant)]
    private static partial Regex ExpressionPattern();

    [GeneratedRegex("{%(.*?)%}", RegexOptions.CultureInvariant)]
    private static partial Regex BlockPattern();
}

using System.Text.RegularExpressions;

namespace Sirocco.Language;

/// <summary>
/// How Mistral recognises expressions inside strings: YAQL as <c>&lt;% … %&gt;</c>, Jinja as <c>{{ … }}</c>
/// or <c>{% … %}</c>, each on one line (the patterns have no DOTALL, so a multi-line one is plain text).
/// </summary>
public static partial class ExpressionSyntax
{
    /// <summary>Mistral's message for a string holding both kinds of expression.</summary>
    public const string MixingMessage =
        "The line already contains an expression of type 'jinja'. Mixing expression types in a single line is not allowed.";

    /// <summary>True when the string contains a YAQL expression.</summary>
    public static bool ContainsYaql(string text) => Yaql().IsMatch(text);

    /// <summary>True when the string contains a Jinja expression or block.</summary>
    public static bool ContainsJinja(string text) => Jinja().IsMatch(text) || JinjaBlock().IsMatch(text);

    /// <summary>True when the string contains any expression (so it is evaluated at run time).</summary>
    public static bool ContainsExpression(string text) => ContainsJinja(text) || ContainsYaql(text);

    /// <summary>
    /// True when the whole string is one expression (optionally followed by white space), which is what
    /// Mistral's schema demands for guards and policy values given as expressions.
    /// </summary>
    public static bool IsWholeExpression(string text) => WholeYaql().IsMatch(text) || WholeJinja().IsMatch(text);

    /// <summary>
    /// Upload-time check of one string, as Mistral's <c>expressions.validate</c>: Jinja is checked first,
    /// then a string holding both kinds is rejected, then YAQL is checked. <paramref name="check"/> is the
    /// caller's syntax check (returns an error message or null). Returns the first error, or null.
    /// </summary>
    public static string? Validate(string text, Func<string, string?>? check)
    {
        var jinja = ContainsJinja(text);
        if (jinja && check?.Invoke(text) is { } jinjaError)
        {
            return jinjaError;
        }

        var yaql = ContainsYaql(text);
        if (jinja && yaql)
        {
            return MixingMessage;
        }

        return yaql ? check?.Invoke(text) : null;
    }

    [GeneratedRegex("<%.*?%>")]
    internal static partial Regex Yaql();

    [GeneratedRegex("({{(.*?)}})")]
    internal static partial Regex Jinja();

    [GeneratedRegex("({%(.*?)%})")]
    internal static partial Regex JinjaBlock();

    [GeneratedRegex(@"^<%.*?%>\s*$")]
    private static partial Regex WholeYaql();

    [GeneratedRegex(@"^({{(.*?)}})\s*$")]
    private static partial Regex WholeJinja();
}

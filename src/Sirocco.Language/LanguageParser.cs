namespace Sirocco.Language;

/// <summary>
/// Entry points: Mistral workflow language v2 text → spec model. Each method either returns the spec
/// or throws one <see cref="LanguageException"/> whose message carries <c>line:column</c>.
/// </summary>
/// <remarks>
/// <paramref name="checkExpression"/> (optional, on each method) is called with every string that holds an
/// expression in a place Mistral syntax-checks at upload; it returns an error message or null. The
/// language library does not depend on the expression library, so the caller passes
/// <c>Sirocco.Expressions</c>' syntax check here.
/// </remarks>
public static class LanguageParser
{
    /// <summary>Parses a workflow file (<c>version</c> + one key per workflow).</summary>
    public static WorkflowListSpec ParseWorkflows(string text, Func<string, string?>? checkExpression = null)
        => Parsing.DocumentParser.ParseWorkflows(text, checkExpression);

    /// <summary>Parses a workbook (<c>version</c>, <c>name</c>, <c>workflows</c>, <c>actions</c>, ...).</summary>
    public static WorkbookSpec ParseWorkbook(string text, Func<string, string?>? checkExpression = null)
        => Parsing.DocumentParser.ParseWorkbook(text, checkExpression);

    /// <summary>Parses an ad-hoc action file (<c>version</c> + one key per action).</summary>
    public static ActionListSpec ParseActions(string text, Func<string, string?>? checkExpression = null)
        => Parsing.DocumentParser.ParseActions(text, checkExpression);
}

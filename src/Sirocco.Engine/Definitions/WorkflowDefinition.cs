namespace Sirocco.Engine.Definitions;

/// <summary>A stored workflow definition as the host knows it.</summary>
public sealed record WorkflowDefinition
{
    /// <summary>Definition id.</summary>
    public string? Id { get; init; }

    /// <summary>Full name (<c>wb.wf</c> for a workbook workflow).</summary>
    public required string Name { get; init; }

    /// <summary>Namespace (<c>""</c> by default).</summary>
    public string Namespace { get; init; } = "";

    /// <summary>The YAML text holding the workflow: a workflow file (may hold several workflows) or a workbook.</summary>
    public required string Definition { get; init; }

    /// <summary>Workbook name when the workflow comes from a workbook (then <see cref="Definition"/> is the workbook text).</summary>
    public string? WorkbookName { get; init; }

    /// <summary>Tags of the definition.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>
/// An action the engine does not know by itself: an ad-hoc action (then <see cref="Definition"/> holds its YAML)
/// or an action of a custom provider (then <see cref="Parameters"/> describe its input).
/// </summary>
public sealed record ActionDefinition
{
    /// <summary>Definition id.</summary>
    public string? Id { get; init; }

    /// <summary>Full name (<c>wb.action</c> for a workbook action).</summary>
    public required string Name { get; init; }

    /// <summary>Namespace.</summary>
    public string Namespace { get; init; } = "";

    /// <summary>Ad-hoc actions: the YAML text (an action file or a workbook) holding the action; null for provider actions.</summary>
    public string? Definition { get; init; }

    /// <summary>Workbook name when the ad-hoc action comes from a workbook.</summary>
    public string? WorkbookName { get; init; }

    /// <summary>Provider actions: declared parameters, checked as Mistral does; null = not checked.</summary>
    public IReadOnlyList<ActionParameter>? Parameters { get; init; }

    /// <summary>Async actions finish later through the API.</summary>
    public bool IsAsync { get; init; }
}

/// <summary>One declared action parameter.</summary>
/// <param name="Name">Parameter name.</param>
/// <param name="Required">True when it has no default.</param>
/// <param name="Default">Its default when not required.</param>
public sealed record ActionParameter(string Name, bool Required, object? Default = null);

/// <summary>
/// How the engine finds definitions it needs during a step (sub-workflows, ad-hoc and custom actions).
/// Lookups are exact; the engine applies Mistral's rules (workbook prefix first, namespace then default).
/// </summary>
public interface IDefinitionResolver
{
    /// <summary>The workflow named exactly <paramref name="name"/> in exactly <paramref name="namespace"/>, or null.</summary>
    WorkflowDefinition? FindWorkflow(string name, string @namespace);

    /// <summary>The non-standard action named exactly <paramref name="name"/> in exactly <paramref name="namespace"/>, or null.</summary>
    ActionDefinition? FindAction(string name, string @namespace);

    /// <summary>The variables of the stored environment with this name (for <c>params.env</c> given as a name), or null.</summary>
    OrderedDictionary<string, object?>? FindEnvironment(string name) => null;
}

/// <summary>A resolver that knows nothing: only standard actions and the execution's own workflow work.</summary>
public sealed class EmptyDefinitionResolver : IDefinitionResolver
{
    /// <summary>The shared instance.</summary>
    public static readonly EmptyDefinitionResolver Instance = new();

    /// <inheritdoc/>
    public WorkflowDefinition? FindWorkflow(string name, string @namespace) => null;

    /// <inheritdoc/>
    public ActionDefinition? FindAction(string name, string @namespace) => null;
}

namespace Sirocco.Language;

/// <summary>
/// An ad-hoc action: a named wrapper around a <c>base</c> action (system or another ad-hoc action)
/// with its own <c>input</c> and an <c>output</c> transformation.
/// </summary>
public sealed record AdHocActionSpec
{
    /// <summary>The action name (in a workbook the short name, without the workbook prefix).</summary>
    public required string Name { get; init; }

    /// <summary>Where the action's key is written.</summary>
    public required SourcePosition Position { get; init; }

    /// <summary>The base action name with inline parameters removed.</summary>
    public required string Base { get; init; }

    /// <summary>
    /// <c>base-input</c> with the inline parameters of <c>base</c> merged in (values may be expressions,
    /// evaluated against the call input); empty when neither is given.
    /// </summary>
    public OrderedDictionary<string, object?> BaseInput { get; init; } = new();

    /// <summary><c>input</c> parameters (same syntax as workflow input).</summary>
    public IReadOnlyList<InputParameter> Input { get; init; } = [];

    /// <summary><c>output</c> (any structure; evaluated against the base result), or null.</summary>
    public object? Output { get; init; }

    /// <summary>True when <c>output</c> is written.</summary>
    public bool HasOutput { get; init; }

    /// <summary><c>description</c>, or null.</summary>
    public string? Description { get; init; }

    /// <summary><c>tags</c>; empty when absent.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The action's own part of the document text (what Mistral stores as its definition).</summary>
    public string Definition { get; init; } = "";
}

/// <summary>An ad-hoc action file (<c>POST /v2/actions</c>): <c>version</c> plus one or more actions.</summary>
/// <param name="Version">The <c>version</c> value as text.</param>
/// <param name="Actions">The actions in document order.</param>
public sealed record ActionListSpec(string Version, IReadOnlyList<AdHocActionSpec> Actions);

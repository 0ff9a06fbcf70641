using Sirocco.Engine.Definitions;
using Sirocco.Language;

namespace Sirocco.Engine.Execution;

/// <summary>An action resolved by name: a standard action, a provider action, or an ad-hoc action over one of those.</summary>
internal sealed class ActionDescriptor
{
    /// <summary>The name the task asked for (an ad-hoc action's own name).</summary>
    public required string Name { get; init; }

    /// <summary>The action that actually runs (the end of an ad-hoc chain).</summary>
    public required string BaseName { get; init; }

    /// <summary>Mistral's class name for messages.</summary>
    public required string ClassName { get; init; }

    /// <summary>Declared parameters of <see cref="Name"/>; null = not checked.</summary>
    public IReadOnlyList<(string Name, bool Required)>? Parameters { get; init; }

    public bool IsAsync { get; init; }

    /// <summary>Ad-hoc chain, outermost first (empty for a plain action).</summary>
    public IReadOnlyList<AdHocActionSpec> AdHocChain { get; init; } = [];

    /// <summary>Whether the base is a standard action (may run inline).</summary>
    public bool BaseIsStandard { get; init; }

    public ActionDefinition? Definition { get; init; }
}

namespace Sirocco.Actions;

/// <summary>
/// A source of actions (mistral-lib's <c>ActionProvider</c>): code in an assembly, definitions in a database,
/// commands of the operating system, another service's catalog. Providers are asked by name; the catalog
/// (<c>/v2/actions</c>) lists them all. Implementations must be safe to call concurrently.
/// </summary>
public interface IActionProvider
{
    /// <summary>The provider's name (shown in the catalog; used in configuration).</summary>
    string Name { get; }

    /// <summary>The action with this name visible from <paramref name="namespace"/>, or null when there is none.</summary>
    /// <param name="name">The action name.</param>
    /// <param name="namespace">The workflow's namespace; null or "" is the default namespace.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken);

    /// <summary>
    /// Every action visible from <paramref name="namespace"/> (providers may ignore sorting and filtering; the API
    /// sorts and filters the combined list).
    /// </summary>
    /// <param name="namespace">The namespace; null or "" is the default namespace.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken);
}

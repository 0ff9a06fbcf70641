using System.Collections.Concurrent;

namespace Sirocco.Actions;

/// <summary>
/// An in-memory provider: actions registered in code (classes or delegates). Actions registered in the default
/// namespace ("") are visible from every namespace, as Mistral's code-based (legacy) provider ignores namespaces;
/// an action registered in a named namespace is found only there. Registering a name again replaces it.
/// </summary>
/// <param name="name">The provider's name.</param>
public class ActionCatalog(string name) : IActionProvider
{
    private readonly ConcurrentDictionary<(string Name, string Namespace), ActionDescriptor> _actions = new();

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <summary>Registers a descriptor.</summary>
    /// <param name="descriptor">The action.</param>
    /// <returns>This catalog.</returns>
    public ActionCatalog Add(ActionDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        _actions[(descriptor.Name, descriptor.Namespace)] = descriptor;
        return this;
    }

    /// <summary>Registers an action class.</summary>
    /// <typeparam name="TAction">The class; its constructor gives the signature.</typeparam>
    /// <param name="actionName">The action name.</param>
    /// <param name="namespace">The namespace.</param>
    /// <returns>This catalog.</returns>
    public ActionCatalog Add<TAction>(string actionName, string @namespace = "")
        where TAction : IAction => Add(ClassActionDescriptor.For<TAction>(actionName, @namespace));

    /// <summary>Registers a method or lambda as an action.</summary>
    /// <param name="actionName">The action name.</param>
    /// <param name="run">The method; its parameters give the signature.</param>
    /// <param name="description">Description.</param>
    /// <returns>This catalog.</returns>
    public ActionCatalog Add(string actionName, Delegate run, string description = "") =>
        Add(new DelegateActionDescriptor(actionName, run, "", description));

    /// <summary>Removes an action; true when it was there.</summary>
    /// <param name="actionName">The action name.</param>
    /// <param name="namespace">The namespace.</param>
    public bool Remove(string actionName, string @namespace = "") => _actions.TryRemove((actionName, @namespace ?? ""), out _);

    /// <inheritdoc />
    public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var ns = @namespace ?? "";
        return ValueTask.FromResult(_actions.GetValueOrDefault((name, ns)) ?? (ns.Length > 0 ? _actions.GetValueOrDefault((name, "")) : null));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var ns = @namespace ?? "";
        IReadOnlyList<ActionDescriptor> all = _actions.Values
            .Where(d => d.Namespace.Length == 0 || d.Namespace == ns)
            .OrderBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        return ValueTask.FromResult(all);
    }
}

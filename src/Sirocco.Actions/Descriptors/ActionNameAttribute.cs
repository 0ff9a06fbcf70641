namespace Sirocco.Actions;

/// <summary>
/// Publishes an action class of a plugin assembly under an action name (Mistral's <c>mistral.actions</c> entry point):
/// the plugin provider registers every public concrete <see cref="IAction"/> class that carries it.
/// </summary>
/// <param name="name">The action name, e.g. <c>sample.greet</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ActionNameAttribute(string name) : Attribute
{
    /// <summary>The action name.</summary>
    public string Name { get; } = name;
}

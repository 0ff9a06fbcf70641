namespace Sirocco.Actions;

/// <summary>
/// A provider whose actions change at run time in versions (the plugin folder): a workflow execution records the
/// versions current when it started (<see cref="CurrentVersions"/>) and resolves its actions against them until it
/// ends, while new executions get the newest. The runtime holds the recorded versions for the execution's lifetime
/// (<see cref="Hold"/>, <see cref="Release"/>) so that the provider keeps them loaded exactly that long.
/// </summary>
public interface IVersionedActionProvider : IActionProvider
{
    /// <summary>The versions current now: one opaque version stamp (a content hash) per unit of the provider (a plugin).</summary>
    IReadOnlyDictionary<string, string> CurrentVersions { get; }

    /// <summary>
    /// The action as the given versions define it. A unit missing from <paramref name="versions"/> (added since) is
    /// taken as it is now; a version no longer held (for example after a restart) falls back to the current one.
    /// </summary>
    /// <param name="name">The action name.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="versions">Versions recorded by <see cref="CurrentVersions"/> earlier.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="versions"/> available for <paramref name="holder"/> (a workflow execution) until released.</summary>
    /// <param name="holder">Who holds them (a root workflow execution id).</param>
    /// <param name="versions">The versions it resolves against.</param>
    void Hold(string holder, IReadOnlyDictionary<string, string> versions);

    /// <summary>Drops <paramref name="holder"/>'s hold; versions nobody holds and no longer current are unloaded.</summary>
    /// <param name="holder">The holder.</param>
    void Release(string holder);
}

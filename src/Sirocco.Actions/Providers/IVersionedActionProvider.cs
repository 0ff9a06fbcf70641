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
    /// taken as it is now. A recorded version is never silently replaced by another: when it cannot be found anywhere
    /// (not in memory, not in the provider's durable copy) and it may define the action, this throws
    /// <see cref="ActionVersionUnavailableException"/>.
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

/// <summary>
/// A workflow execution is pinned to a version of a versioned provider's unit (a plugin version) that can no longer be
/// found, so its action cannot run on the version it started with (and is never run on another one).
/// </summary>
public sealed class ActionVersionUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActionVersionUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message naming the unit and version.</summary>
    /// <param name="message">The message.</param>
    public ActionVersionUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ActionVersionUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

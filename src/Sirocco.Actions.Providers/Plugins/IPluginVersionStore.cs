namespace Sirocco.Actions.Providers.Plugins;

/// <summary>
/// Durable storage of plugin versions, content-addressed by (provider, plugin, SHA-256) and reachable by every node
/// (the server keeps them in its database, migration 0010). The plugin provider stores every version before it
/// becomes current, and loads from here a version an execution is pinned to that it does not have in memory.
/// </summary>
public interface IPluginVersionStore
{
    /// <summary>Stores a version unless already stored (<paramref name="archive"/> is then not called), and marks it seen now.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="plugin">The plugin's name.</param>
    /// <param name="sha256">The version's content hash.</param>
    /// <param name="archive">Gives the zip of the version's files.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    Task SaveAsync(string provider, string plugin, string sha256, Func<byte[]> archive, CancellationToken cancellationToken);

    /// <summary>A stored version's zip, or null when it is not stored.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="plugin">The plugin's name.</param>
    /// <param name="sha256">The version's content hash.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    Task<byte[]?> LoadAsync(string provider, string plugin, string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the versions no node has had current since <paramref name="seenBefore"/> and that no unfinished
    /// workflow execution is pinned to.
    /// </summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="seenBefore">The retention cut-off.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many versions were deleted.</returns>
    Task<int> CollectAsync(string provider, DateTimeOffset seenBefore, CancellationToken cancellationToken);
}

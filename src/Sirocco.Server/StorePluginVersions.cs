using Sirocco.Actions.Providers.Plugins;
using Sirocco.Store;

namespace Sirocco.Server;

/// <summary>Plugin versions kept in the server's database (migration 0010), shared by every node of a cluster.</summary>
/// <param name="store">The open store.</param>
public sealed class StorePluginVersions(SiroccoStore store) : IPluginVersionStore
{
    /// <inheritdoc />
    public Task SaveAsync(string provider, string plugin, string sha256, Func<byte[]> archive, CancellationToken cancellationToken) =>
        store.SavePluginVersionAsync(provider, plugin, sha256, archive, cancellationToken);

    /// <inheritdoc />
    public Task<byte[]?> LoadAsync(string provider, string plugin, string sha256, CancellationToken cancellationToken) =>
        store.LoadPluginVersionAsync(provider, plugin, sha256, cancellationToken);

    /// <inheritdoc />
    public Task<int> CollectAsync(string provider, DateTimeOffset seenBefore, CancellationToken cancellationToken) =>
        store.DeleteUnusedPluginVersionsAsync(provider, seenBefore, cancellationToken);
}

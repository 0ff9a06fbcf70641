using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>
/// The files of plugin versions, content-addressed by (provider, plugin, SHA-256) (migration 0010): every node stores
/// the versions it loads, and loads from here a version an execution is pinned to when it does not have it in memory
/// (after a restart, or on a node that never saw it in its folder).
/// </summary>
public sealed partial class SiroccoStore
{
    /// <summary>Stores a plugin version's files (a zip) unless already stored, and marks it as seen now.</summary>
    /// <param name="provider">The provider's name (<c>plugins</c>).</param>
    /// <param name="plugin">The plugin's name.</param>
    /// <param name="sha256">The version's content hash.</param>
    /// <param name="archive">Gives the zip of the version's files; called only when the version is not stored yet.</param>
    /// <param name="ct">Cancellation.</param>
    public async Task SavePluginVersionAsync(string provider, string plugin, string sha256, Func<byte[]> archive, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        if (await TouchPluginVersionAsync(provider, plugin, sha256, ct).ConfigureAwait(false))
        {
            return; // already there: the bytes never travel twice
        }

        var bytes = archive();
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await WriteAsync((c, tx, token) => Db.ExecuteAsync(c, tx, """
            INSERT INTO plugin_versions (provider, plugin, sha256, archive, stored_at, seen_at) VALUES (@p, @n, @h, @a, @t, @t)
            ON CONFLICT (provider, plugin, sha256) DO UPDATE SET seen_at = excluded.seen_at
            """, token, ("@p", provider), ("@n", plugin), ("@h", sha256), ("@a", bytes), ("@t", now)), ct).ConfigureAwait(false);
    }

    /// <summary>Marks a stored plugin version as seen (current on a node) now; false when it is not stored.</summary>
    public async Task<bool> TouchPluginVersionAsync(string provider, string plugin, string sha256, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(sha256);
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        return await WriteAsync((c, tx, token) => Db.ExecuteAsync(c, tx,
            "UPDATE plugin_versions SET seen_at = @t WHERE provider = @p AND plugin = @n AND sha256 = @h", token,
            ("@p", provider), ("@n", plugin), ("@h", sha256), ("@t", now)), ct).ConfigureAwait(false) > 0;
    }

    /// <summary>A stored plugin version's files (a zip), or null when it is not stored.</summary>
    public Task<byte[]?> LoadPluginVersionAsync(string provider, string plugin, string sha256, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(sha256);
        return ReadAsync(async (c, token) => await Db.ScalarAsync(c, null,
            "SELECT archive FROM plugin_versions WHERE provider = @p AND plugin = @n AND sha256 = @h", token,
            ("@p", provider), ("@n", plugin), ("@h", sha256)).ConfigureAwait(false) as byte[], ct);
    }

    /// <summary>The stored versions of a provider's plugins: (plugin, sha256, seen_at in unix ms), by plugin and age.</summary>
    public Task<IReadOnlyList<(string Plugin, string Sha256, long SeenAtMs)>> ListPluginVersionsAsync(string provider, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return ReadAsync<IReadOnlyList<(string, string, long)>>(async (c, token) =>
        {
            await using var cmd = Db.Command(c, null, "SELECT plugin, sha256, seen_at FROM plugin_versions WHERE provider = @p ORDER BY plugin, stored_at, sha256");
            cmd.With("@p", provider);
            await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            var list = new List<(string, string, long)>();
            while (await r.ReadAsync(token).ConfigureAwait(false))
            {
                list.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
            }

            return list;
        }, ct);
    }

    /// <summary>
    /// Deletes the stored plugin versions no node has had current since <paramref name="seenBefore"/> and that no
    /// unfinished workflow execution (any state but SUCCESS, ERROR, CANCELLED) is pinned to.
    /// </summary>
    /// <returns>How many versions were deleted.</returns>
    public Task<int> DeleteUnusedPluginVersionsAsync(string provider, DateTimeOffset seenBefore, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        // the pins are small JSON objects (provider -> plugin -> sha256); a 64-hex hash cannot match anything else
        return WriteAsync((c, tx, token) => Db.ExecuteAsync(c, tx, """
            DELETE FROM plugin_versions
            WHERE provider = @p AND seen_at < @before
              AND NOT EXISTS (
                SELECT 1 FROM execution_action_versions v JOIN workflow_executions w ON w.id = v.execution_id
                WHERE w.state NOT IN ('SUCCESS', 'ERROR', 'CANCELLED') AND v.versions LIKE '%' || plugin_versions.sha256 || '%')
            """, token, ("@p", provider), ("@before", seenBefore.ToUnixTimeMilliseconds())), ct);
    }
}

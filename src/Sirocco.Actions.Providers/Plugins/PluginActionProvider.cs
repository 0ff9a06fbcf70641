using System.Collections.Immutable;
using System.Reflection;

namespace Sirocco.Actions.Providers.Plugins;

/// <summary>
/// The <c>plugins</c> provider: .NET assemblies in a folder, each loaded into its own collectible
/// <see cref="System.Runtime.Loader.AssemblyLoadContext"/>. Every public concrete <see cref="IAction"/> class marked
/// with <see cref="ActionNameAttribute"/> becomes an action. A plugin is either <c>folder/Name.dll</c> or
/// <c>folder/Name/Name.dll</c> (with its dependencies beside it).
/// <para>
/// The folder is watched: adding, replacing or removing a plugin takes effect without a restart. A replaced plugin
/// gets a new version (a new load context); an action already running keeps the code it started with, and the old
/// context is unloaded once nothing runs in it any more. A workflow execution that recorded the versions current when
/// it started (<see cref="CurrentVersions"/>, held with <see cref="Hold"/>) keeps resolving against them: a replaced or
/// removed version stays loaded until every execution holding it is released. Assemblies are read into memory, so the files are never
/// locked and may be overwritten at any time; a half-copied file fails to load and the previous version stays until
/// the copy is complete (copy, then rename, to avoid even that).
/// </para>
/// <para>
/// With a store attached (<see cref="AttachStoreAsync"/>, the server's database) every version is stored, zipped and
/// content-addressed, before it becomes current, so a pinned version that is not in memory (after a restart, on another
/// node, in an executor process) is loaded from its stored copy; one found nowhere fails the action with
/// <see cref="ActionVersionUnavailableException"/>, never runs another version.
/// </para>
/// </summary>
public sealed class PluginActionProvider : IVersionedActionProvider, IDisposable
{
    private const int MaxUnheldKept = 8;
    private readonly Lock _rescanGate = new();
    private readonly Lock _scanGate = new();
    private readonly FileSystemWatcher? _watcher;
    private readonly Timer _timer;
    private readonly TimeSpan _debounce;
    private readonly TimeSpan _poll;
    private readonly List<WeakReference> _retired = [];
    private ImmutableDictionary<string, PluginVersion> _plugins = ImmutableDictionary<string, PluginVersion>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableDictionary<string, ActionDescriptor> _actions = ImmutableDictionary<string, ActionDescriptor>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableDictionary<string, string> _errors = ImmutableDictionary<string, string>.Empty;
    private ImmutableDictionary<string, string> _versions = ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
    // replaced or removed versions still held by an execution, by (plugin name, sha256)
    private ImmutableDictionary<(string Name, string Sha256), PluginVersion> _kept = ImmutableDictionary<(string, string), PluginVersion>.Empty;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _holds = new(StringComparer.Ordinal);
    private IPluginVersionStore? _store;
    private TimeSpan _retention = TimeSpan.FromHours(1);
    private Timer? _maintenance;
    private bool _disposed;

    /// <summary>Loads the plugins of <paramref name="directory"/> and starts watching it.</summary>
    /// <param name="directory">The plugin folder (created when missing).</param>
    /// <param name="name">The provider's name in the catalog.</param>
    /// <param name="pollInterval">Safety rescan period (file events can be missed); default 2 s.</param>
    /// <param name="debounce">Quiet time after a file event before rescanning (copies come in several writes); default 200 ms.</param>
    /// <param name="clock">Clock for load times; the system clock by default.</param>
    public PluginActionProvider(string directory, string name = "plugins", TimeSpan? pollInterval = null, TimeSpan? debounce = null,
        TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        Name = name;
        Clock = clock ?? TimeProvider.System;
        _debounce = debounce ?? TimeSpan.FromMilliseconds(200);
        _poll = pollInterval ?? TimeSpan.FromSeconds(2);
        System.IO.Directory.CreateDirectory(Directory);
        Rescan();
        _timer = new Timer(_ => SafeRescan(), null, _poll, _poll);
        try
        {
            _watcher = new FileSystemWatcher(Directory) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Deleted += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
        }
        catch (IOException)
        {
            _watcher = null; // no inotify left: the periodic rescan still picks changes up
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The watched folder.</summary>
    public string Directory { get; }

    /// <summary>The clock of load times.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The plugins loaded now, by plugin name.</summary>
    public IReadOnlyDictionary<string, PluginVersion> Plugins => _plugins;

    /// <summary>Plugins whose newest files failed to load, with the reason (their previous version, if any, stays).</summary>
    public IReadOnlyDictionary<string, string> Errors => _errors;

    /// <summary>The current version of every plugin: its name and the SHA-256 of its main assembly.</summary>
    public IReadOnlyDictionary<string, string> CurrentVersions => _versions;

    /// <summary>Replaced or removed plugin versions kept loaded because an execution holds them.</summary>
    public IReadOnlyCollection<PluginVersion> KeptVersions => [.. _kept.Values];

    /// <summary>Raised after a rescan changed the set of loaded plugins.</summary>
    public event EventHandler? Changed;

    /// <summary>
    /// How many replaced or removed versions are still in memory (an action still running in them, or not yet
    /// collected). Forces a collection first, so it is for tests and diagnostics only.
    /// </summary>
    public int RetiredVersionsAlive()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        lock (_scanGate)
        {
            _retired.RemoveAll(w => !w.IsAlive);
            return _retired.Count;
        }
    }

    /// <inheritdoc />
    public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        // plugin actions live in the default namespace and are visible from every namespace (as Mistral's code actions)
        return ValueTask.FromResult(_actions.GetValueOrDefault(name));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ActionDescriptor>>(_actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToList());

    /// <inheritdoc />
    public async ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(versions);
        var plugins = _plugins;
        if (versions.Count == plugins.Count && versions.All(v => plugins.TryGetValue(v.Key, out var p) && p.Sha256 == v.Value))
        {
            return _actions.GetValueOrDefault(name); // nothing changed since the execution started
        }

        // the same precedence as the current catalog (the plugin whose name sorts first wins), over the recorded versions
        List<(string Plugin, string Sha256)>? missing = null;
        foreach (var plugin in plugins.Keys.Union(versions.Keys).Order(StringComparer.Ordinal))
        {
            PluginVersion? version;
            if (versions.TryGetValue(plugin, out var sha))
            {
                version = plugins.TryGetValue(plugin, out var current) && current.Is(sha)
                    ? current
                    : _kept.GetValueOrDefault((plugin, sha)) ?? await LoadStoredAsync(plugin, sha, cancellationToken).ConfigureAwait(false);
                if (version is null)
                {
                    (missing ??= []).Add((plugin, sha));
                    continue;
                }
            }
            else
            {
                version = plugins.GetValueOrDefault(plugin); // added since the execution started
            }

            if (version?.Actions.FirstOrDefault(a => a.Name == name) is { } found)
            {
                // a lost version that sorts first and (as far as its current version tells) defines the action would have won
                if (missing?.FirstOrDefault(m => plugins.GetValueOrDefault(m.Plugin)?.Actions.Any(a => a.Name == name) == true) is { Plugin: not null } lost)
                {
                    throw Unavailable(name, lost.Plugin, lost.Sha256);
                }

                return found;
            }
        }

        return missing is { Count: > 0 } ? throw Unavailable(name, missing[0].Plugin, missing[0].Sha256) : null;
    }

    /// <summary>
    /// The action <paramref name="name"/> of exactly one version of one plugin (what an executor process is asked to
    /// run): the current one if it has that hash, one kept in memory, else loaded from <paramref name="archive"/> (the
    /// version's zip, handed over by the server) or from the attached store.
    /// </summary>
    /// <param name="name">The action name.</param>
    /// <param name="plugin">The plugin's name.</param>
    /// <param name="sha256">The version's hash.</param>
    /// <param name="archive">Reads the version's zip when it is not in memory; null or a null answer when there is none.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The action, or null when that version has no such action.</returns>
    /// <exception cref="ActionVersionUnavailableException">The version is nowhere to be found.</exception>
    public async ValueTask<ActionDescriptor?> FindInVersionAsync(string name, string plugin, string sha256,
        Func<CancellationToken, Task<byte[]?>>? archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(sha256);
        var version = _plugins.TryGetValue(plugin, out var current) && current.Is(sha256) ? current : _kept.GetValueOrDefault((plugin, sha256));
        if (version is null && archive is not null && await archive(cancellationToken).ConfigureAwait(false) is { } bytes)
        {
            version = AddStored(plugin, sha256, bytes, "the server's copy");
        }

        version ??= await LoadStoredAsync(plugin, sha256, cancellationToken).ConfigureAwait(false) ?? throw Unavailable(name, plugin, sha256);
        return version.Actions.FirstOrDefault(a => a.Name == name);
    }

    /// <summary>
    /// Keeps every plugin version durably in <paramref name="store"/>: the current ones now, every later one before it
    /// becomes current; and every <paramref name="maintenancePeriod"/> marks the current versions as seen and deletes
    /// the stored versions unseen for <paramref name="retention"/> that no unfinished execution is pinned to. A pinned
    /// version not in memory (after a restart, or on a node that never loaded it) is then loaded from the store.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="maintenancePeriod">How often current versions are marked seen and old ones collected; default 10 minutes.</param>
    /// <param name="retention">How long a version no node has current is kept when nothing pins it; default 1 hour.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task AttachStoreAsync(IPluginVersionStore store, TimeSpan? maintenancePeriod = null, TimeSpan? retention = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if ((retention ?? TimeSpan.FromHours(1)) <= (maintenancePeriod ?? TimeSpan.FromMinutes(10)))
        {
            throw new ArgumentException("the retention must be longer than the maintenance period (other nodes mark their versions once a period)", nameof(retention));
        }

        _retention = retention ?? TimeSpan.FromHours(1);
        _store = store;

        await SaveCurrentAsync(cancellationToken).ConfigureAwait(false);
        var period = maintenancePeriod ?? TimeSpan.FromMinutes(10);
        _maintenance = new Timer(_ => _ = MaintainAsync(), null, period, period);
    }

    /// <summary>Marks the current versions as seen (storing any missing) and deletes stored versions no longer needed.</summary>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>How many stored versions were deleted.</returns>
    public async Task<int> CollectAsync(CancellationToken cancellationToken)
    {
        if (_store is not { } store)
        {
            return 0;
        }

        await SaveCurrentAsync(cancellationToken).ConfigureAwait(false);
        return await store.CollectAsync(Name, Clock.GetUtcNow() - _retention, cancellationToken).ConfigureAwait(false);
    }

    private async Task SaveCurrentAsync(CancellationToken cancellationToken)
    {
        foreach (var version in _plugins.Values)
        {
            await _store!.SaveAsync(Name, version.Name, version.Sha256, () => version.Archive, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MaintainAsync()
    {
        try
        {
            await CollectAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a database away for a moment: the next period tries again
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task<PluginVersion?> LoadStoredAsync(string plugin, string sha256, CancellationToken cancellationToken) =>
        _store is { } store && await store.LoadAsync(Name, plugin, sha256, cancellationToken).ConfigureAwait(false) is { } archive
            ? AddStored(plugin, sha256, archive, "the stored copy")
            : null;

    // a version loaded from its zip (stored copy, or handed over by the server) joins the kept versions
    private PluginVersion AddStored(string plugin, string sha256, byte[] archive, string origin)
    {
        Dictionary<string, byte[]> files;
        try
        {
            files = PluginFiles.Unpack(archive);
        }
        catch (InvalidDataException e)
        {
            throw new ActionVersionUnavailableException($"the copy of plugin {plugin} version {sha256} is not a valid archive: {e.Message}", e);
        }

        if (PluginFiles.Hash(files) != sha256)
        {
            throw new ActionVersionUnavailableException($"the copy of plugin {plugin} version {sha256} does not match its hash");
        }

        var version = Load(plugin, origin, files, sha256, "", 0);
        lock (_scanGate)
        {
            if (_kept.TryGetValue((plugin, sha256), out var already))
            {
                version.Context.Unload(); // loaded twice at once: keep the first
                return already;
            }

            _kept = _kept.SetItem((plugin, sha256), version);
            // versions nobody holds (an executor process is asked for them one action at a time): keep the newest few
            foreach (var stale in _kept.Where(k => !IsHeld(k.Key.Name, k.Key.Sha256)).OrderByDescending(k => k.Value.LoadedAt).Skip(MaxUnheldKept).ToList())
            {
                _kept = _kept.Remove(stale.Key);
                Unload(stale.Value);
            }
        }

        return version;
    }

    private static ActionVersionUnavailableException Unavailable(string action, string plugin, string sha256) =>
        new($"plugin {plugin} version {sha256}, which this execution started with, is no longer available (not in memory, " +
            $"not in the plugin folder, no stored copy), so {action} cannot run on it; it is not run on another version");

    /// <inheritdoc />
    public void Hold(string holder, IReadOnlyDictionary<string, string> versions)
    {
        ArgumentNullException.ThrowIfNull(holder);
        ArgumentNullException.ThrowIfNull(versions);
        lock (_scanGate)
        {
            _holds[holder] = versions;
        }
    }

    /// <inheritdoc />
    public void Release(string holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        lock (_scanGate)
        {
            if (!_holds.Remove(holder))
            {
                return;
            }

            foreach (var (key, version) in _kept)
            {
                if (!IsHeld(key.Name, key.Sha256))
                {
                    _kept = _kept.Remove(key);
                    Unload(version);
                }
            }
        }
    }

    /// <summary>
    /// Compares the folder with what is loaded and loads, replaces or drops plugins accordingly. With a store attached,
    /// a new version becomes current only once it is stored (if storing fails, the previous version stays current and
    /// the next rescan tries again).
    /// </summary>
    /// <returns>True when something changed.</returns>
    public bool Rescan()
    {
        var changed = false;
        lock (_rescanGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var found = Discover();
            var plugins = _plugins;
            var errors = _errors;
            var retire = new List<PluginVersion>();
            foreach (var (name, (mainPath, root, paths)) in found)
            {
                var stamp = Stamp(paths);
                if (plugins.TryGetValue(name, out var current) && current.Stamp == stamp)
                {
                    continue;
                }

                var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                try
                {
                    foreach (var path in paths)
                    {
                        files[Path.GetRelativePath(root, path).Replace('\\', '/')] = File.ReadAllBytes(path);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors = errors.SetItem(name, e.Message);
                    continue;
                }

                var hash = PluginFiles.Hash(files);
                if (current is not null && current.Sha256 == hash)
                {
                    plugins = plugins.SetItem(name, current.WithStamp(stamp)); // touched, same content
                    continue;
                }

                PluginVersion next;
                try
                {
                    next = Load(name, mainPath, files, hash, stamp, (current?.Number ?? 0) + 1);
                }
#pragma warning disable CA1031 // a broken plugin is reported and skipped, never the host's crash
                catch (Exception e)
#pragma warning restore CA1031
                {
                    errors = errors.SetItem(name, $"{e.GetType().Name}: {e.Message}");
                    continue;
                }

                if (_store is { } store)
                {
                    try
                    {
                        // durable before current: an execution can only be pinned to a version every node can load
                        store.SaveAsync(Name, name, hash, () => next.Archive, CancellationToken.None).GetAwaiter().GetResult();
                    }
#pragma warning disable CA1031 // the store is away: the previous version stays current, the next rescan retries
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        errors = errors.SetItem(name, $"cannot store version {hash[..12]}: {e.Message}");
                        next.Context.Unload();
                        continue;
                    }
                }

                plugins = plugins.SetItem(name, next);
                errors = errors.Remove(name);
                if (current is not null)
                {
                    retire.Add(current);
                }

                changed = true;
            }

            foreach (var gone in plugins.Keys.Where(k => !found.ContainsKey(k)).ToList())
            {
                retire.Add(plugins[gone]);
                plugins = plugins.Remove(gone);
                errors = errors.Remove(gone);
                changed = true;
            }

            foreach (var stale in errors.Keys.Where(k => !found.ContainsKey(k)).ToList())
            {
                errors = errors.Remove(stale);
            }

            lock (_scanGate)
            {
                foreach (var version in retire)
                {
                    Retire(version);
                }

                _errors = errors;
                _plugins = plugins;
                if (changed)
                {
                    _versions = plugins.ToImmutableDictionary(p => p.Key, p => p.Value.Sha256, StringComparer.Ordinal);
                    // one action name, several plugins: the plugin whose name sorts first wins (documented)
                    var actions = ImmutableDictionary.CreateBuilder<string, ActionDescriptor>(StringComparer.Ordinal);
                    foreach (var p in plugins.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
                    {
                        foreach (var a in p.Actions)
                        {
                            actions.TryAdd(a.Name, a);
                        }
                    }

                    _actions = actions.ToImmutable();
                }
            }
        }

        if (changed)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }

        return changed;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_rescanGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _watcher?.Dispose();
        _timer.Dispose();
        _maintenance?.Dispose();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _timer.Change(_debounce, _poll);

    private void SafeRescan()
    {
        try
        {
            Rescan();
        }
        catch (ObjectDisposedException)
        {
            // stopping
        }
#pragma warning disable CA1031 // the watcher thread must survive anything a folder can throw at it
        catch (Exception)
#pragma warning restore CA1031
        {
            // the next period tries again
        }
    }

    // called under _scanGate
    private void Retire(PluginVersion version)
    {
        if (IsHeld(version.Name, version.Sha256) && !_kept.ContainsKey((version.Name, version.Sha256)))
        {
            _kept = _kept.SetItem((version.Name, version.Sha256), version); // an execution started on it: keep it until released
            return;
        }

        Unload(version);
    }

    private void Unload(PluginVersion version)
    {
        _retired.Add(new WeakReference(version.Context));
        version.Context.Unload(); // completes once no running action and no descriptor refers to it
    }

    private bool IsHeld(string plugin, string sha256) =>
        _holds.Values.Any(h => h.TryGetValue(plugin, out var held) && held == sha256);

    // plugin name -> (main assembly path, the folder its files are relative to, every file of the plugin)
    private Dictionary<string, (string Main, string Root, List<string> Files)> Discover()
    {
        var found = new Dictionary<string, (string, string, List<string>)>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.dll", SearchOption.TopDirectoryOnly))
        {
            found[Path.GetFileNameWithoutExtension(file)] = (file, Directory, [file]);
        }

        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var name = Path.GetFileName(dir);
            var main = Path.Combine(dir, name + ".dll");
            if (File.Exists(main))
            {
                found[name] = (main, dir, System.IO.Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
            }
        }

        return found;
    }

    private static string Stamp(IEnumerable<string> files) =>
        string.Join("|", files.Select(f =>
        {
            var info = new FileInfo(f);
            return info.Exists ? $"{f}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : f;
        }));

    // number 0: loaded from a stored copy (origin says which), not from the folder
    private PluginVersion Load(string name, string origin, IReadOnlyDictionary<string, byte[]> files, string hash, string stamp, int number)
    {
        if (!files.TryGetValue(name + ".dll", out var main))
        {
            throw new InvalidDataException($"plugin {name} has no {name}.dll");
        }

        var context = new PluginLoadContext(number > 0 ? $"{Name}:{name}:v{number}" : $"{Name}:{name}:{hash[..12]}", files);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(main));
            var loadedAt = Clock.GetUtcNow();
            var version = assembly.GetName().Version?.ToString() ?? "0.0.0.0";
            var definition = number > 0
                ? $"plugin {name} {version} (load {number}, sha256 {hash[..12]}) from {origin}"
                : $"plugin {name} {version} (sha256 {hash[..12]}) from {origin}";
            var archive = PluginFiles.Pack(files);
            var actions = new List<ActionDescriptor>();
            foreach (var type in ExportedTypes(assembly))
            {
                if (!type.IsClass || type.IsAbstract || !typeof(IAction).IsAssignableFrom(type))
                {
                    continue;
                }

                foreach (var attribute in type.GetCustomAttributes<ActionNameAttribute>())
                {
                    actions.Add(new PluginActionDescriptor(new ClassActionDescriptor(attribute.Name, type), name, hash, archive, definition, loadedAt));
                }
            }

            return new PluginVersion(name, number, version, origin, hash, stamp, loadedAt, actions, context)
            {
                Archive = archive,
                MainSha256 = files.Count == 1 ? hash : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(main)),
            };
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    private static Type[] ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw new InvalidOperationException(
                $"cannot load the types of {assembly.GetName().Name}: {string.Join("; ", e.LoaderExceptions.Select(x => x?.Message).Distinct())}", e);
        }
    }
}

/// <summary>One loaded version of a plugin.</summary>
/// <param name="Name">The plugin name (its assembly file name).</param>
/// <param name="Number">1 for the first load, then one more per replacement; 0 for a version loaded from its stored copy.</param>
/// <param name="AssemblyVersion">The assembly's version.</param>
/// <param name="Path">The main assembly's path (or where a stored copy came from).</param>
/// <param name="Sha256">The version stamp: hash of the main assembly's bytes, or of all the files of a plugin folder.</param>
/// <param name="Stamp">Sizes and times of the plugin's files when loaded.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="Actions">Its actions.</param>
/// <param name="Context">Its load context.</param>
public sealed record PluginVersion(string Name, int Number, string AssemblyVersion, string Path, string Sha256, string Stamp,
    DateTimeOffset LoadedAt, IReadOnlyList<ActionDescriptor> Actions, System.Runtime.Loader.AssemblyLoadContext Context)
{
    /// <summary>The version's files as a zip (what is stored and handed to executor processes).</summary>
    public byte[] Archive { get; init; } = [];

    /// <summary>Hash of the main assembly alone (what executions pinned before migration 0010 recorded for a plugin folder).</summary>
    public string MainSha256 { get; init; } = "";

    // a pin names this version: its hash, or (recorded before the hash covered a folder's every file) its main assembly's
    internal bool Is(string sha256) => Sha256 == sha256 || MainSha256 == sha256;

    internal PluginVersion WithStamp(string stamp) => this with { Stamp = stamp };
}

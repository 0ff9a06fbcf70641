using System.Collections.Immutable;
using System.Reflection;
using System.Security.Cryptography;

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
/// </summary>
public sealed class PluginActionProvider : IVersionedActionProvider, IDisposable
{
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
    public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(versions);
        var plugins = _plugins;
        if (versions.Count == plugins.Count && versions.All(v => plugins.TryGetValue(v.Key, out var p) && p.Sha256 == v.Value))
        {
            return ValueTask.FromResult(_actions.GetValueOrDefault(name)); // nothing changed since the execution started
        }

        // the same precedence as the current catalog (the plugin whose name sorts first wins), over the recorded versions
        var kept = _kept;
        foreach (var plugin in plugins.Keys.Union(versions.Keys).Order(StringComparer.Ordinal))
        {
            PluginVersion? version;
            if (versions.TryGetValue(plugin, out var sha))
            {
                version = plugins.TryGetValue(plugin, out var current) && current.Sha256 == sha
                    ? current
                    : kept.GetValueOrDefault((plugin, sha)) ?? plugins.GetValueOrDefault(plugin); // not held (a restart): the current one
            }
            else
            {
                version = plugins.GetValueOrDefault(plugin); // added since the execution started
            }

            if (version?.Actions.FirstOrDefault(a => a.Name == name) is { } found)
            {
                return ValueTask.FromResult<ActionDescriptor?>(found);
            }
        }

        return ValueTask.FromResult<ActionDescriptor?>(null);
    }

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

    /// <summary>Compares the folder with what is loaded and loads, replaces or drops plugins accordingly.</summary>
    /// <returns>True when something changed.</returns>
    public bool Rescan()
    {
        bool changed;
        lock (_scanGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var found = Discover();
            var plugins = _plugins;
            var errors = _errors;
            changed = false;
            foreach (var (name, (mainPath, files)) in found)
            {
                var stamp = Stamp(files);
                if (plugins.TryGetValue(name, out var current) && current.Stamp == stamp)
                {
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(mainPath);
                }
                catch (IOException e)
                {
                    errors = errors.SetItem(name, e.Message);
                    continue;
                }

                var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
                if (current is not null && current.Sha256 == hash)
                {
                    plugins = plugins.SetItem(name, current.WithStamp(stamp)); // touched, same content
                    continue;
                }

                try
                {
                    var next = Load(name, mainPath, bytes, hash, stamp, (current?.Number ?? 0) + 1);
                    plugins = plugins.SetItem(name, next);
                    errors = errors.Remove(name);
                    if (current is not null)
                    {
                        Retire(current);
                    }

                    changed = true;
                }
#pragma warning disable CA1031 // a broken plugin is reported and skipped, never the host's crash
                catch (Exception e)
#pragma warning restore CA1031
                {
                    errors = errors.SetItem(name, $"{e.GetType().Name}: {e.Message}");
                }
            }

            foreach (var gone in plugins.Keys.Where(k => !found.ContainsKey(k)).ToList())
            {
                Retire(plugins[gone]);
                plugins = plugins.Remove(gone);
                errors = errors.Remove(gone);
                changed = true;
            }

            foreach (var stale in errors.Keys.Where(k => !found.ContainsKey(k)).ToList())
            {
                errors = errors.Remove(stale);
            }

            _errors = errors;
            if (changed)
            {
                _plugins = plugins;
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
            else
            {
                _plugins = plugins;
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
        lock (_scanGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _watcher?.Dispose();
        _timer.Dispose();
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
        if (IsHeld(version.Name, version.Sha256))
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

    // plugin name -> (main assembly path, every file of the plugin)
    private Dictionary<string, (string Main, List<string> Files)> Discover()
    {
        var found = new Dictionary<string, (string, List<string>)>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.dll", SearchOption.TopDirectoryOnly))
        {
            found[Path.GetFileNameWithoutExtension(file)] = (file, [file]);
        }

        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var name = Path.GetFileName(dir);
            var main = Path.Combine(dir, name + ".dll");
            if (File.Exists(main))
            {
                found[name] = (main, System.IO.Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
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

    private PluginVersion Load(string name, string mainPath, byte[] bytes, string hash, string stamp, int number)
    {
        var context = new PluginLoadContext($"{Name}:{name}:v{number}", Path.GetDirectoryName(mainPath)!);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(bytes));
            var loadedAt = Clock.GetUtcNow();
            var version = assembly.GetName().Version?.ToString() ?? "0.0.0.0";
            var definition = $"plugin {name} {version} (load {number}, sha256 {hash[..12]}) from {mainPath}";
            var actions = new List<ActionDescriptor>();
            foreach (var type in ExportedTypes(assembly))
            {
                if (!type.IsClass || type.IsAbstract || !typeof(IAction).IsAssignableFrom(type))
                {
                    continue;
                }

                foreach (var attribute in type.GetCustomAttributes<ActionNameAttribute>())
                {
                    actions.Add(new PluginActionDescriptor(new ClassActionDescriptor(attribute.Name, type), name, definition, loadedAt));
                }
            }

            return new PluginVersion(name, number, version, mainPath, hash, stamp, loadedAt, actions, context);
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
/// <param name="Number">1 for the first load, then one more per replacement.</param>
/// <param name="AssemblyVersion">The assembly's version.</param>
/// <param name="Path">The main assembly's path.</param>
/// <param name="Sha256">Hash of the main assembly's bytes.</param>
/// <param name="Stamp">Sizes and times of the plugin's files when loaded.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="Actions">Its actions.</param>
/// <param name="Context">Its load context.</param>
public sealed record PluginVersion(string Name, int Number, string AssemblyVersion, string Path, string Sha256, string Stamp,
    DateTimeOffset LoadedAt, IReadOnlyList<ActionDescriptor> Actions, System.Runtime.Loader.AssemblyLoadContext Context)
{
    internal PluginVersion WithStamp(string stamp) => this with { Stamp = stamp };
}

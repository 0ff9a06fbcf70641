using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Sirocco.Actions.Providers.Isolation;

/// <summary>
/// Runs another provider's actions in executor processes outside the engine's process. The catalog and signatures
/// come from the wrapped provider (in-process, by reflection only); running an action sends it to a worker process
/// (<see cref="ActionHost"/>) from a pool, one action per process at a time. An action that throws fails as usual;
/// one that ends its process (<c>Environment.Exit</c>, a crash) fails its task with a message saying so; one that
/// hangs is stopped at its task's timeout by killing its process. A dead or killed worker is replaced; the engine's
/// process is never affected. A plugin action is sent with the exact plugin version it resolved to (name, hash and the
/// path of the version's zip in a private cache folder), so the worker runs that version whatever its own folder holds.
/// Use <see cref="Create"/>: a versioned provider (plugins) stays versioned once isolated.
/// </summary>
public class IsolatedActionProvider : IActionProvider, IDisposable
{
    private readonly IActionProvider _inner;
    private readonly IReadOnlyList<string> _workerCommand;
    private readonly ConcurrentBag<Worker> _idle = [];
    private readonly ConcurrentDictionary<Worker, byte> _all = new();
    private readonly int _maxIdle;
    private readonly Lazy<string> _archives = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "sirocco-plugin-versions", $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    });
    private bool _disposed;

    /// <summary>Wraps <paramref name="inner"/>, keeping it versioned when it is (<see cref="IVersionedActionProvider"/>).</summary>
    /// <param name="inner">The provider whose actions run isolated.</param>
    /// <param name="workerCommand">The worker's program and arguments (<c>sirocco action-host …</c>).</param>
    /// <param name="maxIdleWorkers">Idle workers kept warm for the next actions.</param>
    public static IsolatedActionProvider Create(IActionProvider inner, IReadOnlyList<string> workerCommand, int maxIdleWorkers = 2) =>
        inner is IVersionedActionProvider versioned
            ? new IsolatedVersionedActionProvider(versioned, workerCommand, maxIdleWorkers)
            : new IsolatedActionProvider(inner, workerCommand, maxIdleWorkers);

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The provider whose actions run isolated.</param>
    /// <param name="workerCommand">The worker's program and arguments (<c>sirocco action-host …</c>).</param>
    /// <param name="maxIdleWorkers">Idle workers kept warm for the next actions.</param>
    public IsolatedActionProvider(IActionProvider inner, IReadOnlyList<string> workerCommand, int maxIdleWorkers = 2)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(workerCommand);
        if (workerCommand.Count == 0)
        {
            throw new ArgumentException("the worker command is empty", nameof(workerCommand));
        }

        _inner = inner;
        _workerCommand = workerCommand;
        _maxIdle = maxIdleWorkers;
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <summary>The wrapped provider (its catalog, in this process).</summary>
    public IActionProvider Inner => _inner;

    /// <summary>Worker processes started so far (a crashed or killed one is replaced by a new one).</summary>
    public int WorkersStarted => _started;

    private int _started;

    /// <inheritdoc />
    public async ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken) =>
        await _inner.FindAsync(name, @namespace, cancellationToken).ConfigureAwait(false) is { } d ? new IsolatedActionDescriptor(d, this) : null;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken) =>
        (await _inner.FindAllAsync(@namespace, cancellationToken).ConfigureAwait(false)).Select(d => (ActionDescriptor)new IsolatedActionDescriptor(d, this)).ToList();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the workers, disposes the wrapped provider and deletes the cached plugin versions.</summary>
    /// <param name="disposing">From <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        _disposed = true;
        foreach (var w in _all.Keys)
        {
            w.Kill();
        }

        (_inner as IDisposable)?.Dispose();
        if (_archives.IsValueCreated)
        {
            try
            {
                System.IO.Directory.Delete(_archives.Value, recursive: true);
            }
            catch (IOException)
            {
                // a file still open; temp is cleaned eventually
            }
        }
    }

    // the zip of a plugin version, written once per version (content-addressed, never changed once there)
    private string ArchivePath(Plugins.PluginActionDescriptor plugin)
    {
        var path = Path.Combine(_archives.Value, $"{plugin.Plugin}-{plugin.Sha256}.zip");
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(temp, plugin.Archive);
            File.Move(temp, path, overwrite: true);
        }

        return path;
    }

    internal async Task<ActionResult> RunAsync(string action, IReadOnlyDictionary<string, object?> input, ActionContext context,
        Plugins.PluginActionDescriptor? plugin, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var worker = await RentAsync(ct).ConfigureAwait(false);
        var reusable = false;
        try
        {
            var request = new OrderedDictionary<string, object?>
            {
                ["id"] = 1L,
                ["action"] = action,
                ["input"] = new OrderedDictionary<string, object?>(input),
                ["context"] = context.ToDictionary(),
            };
            if (plugin is not null)
            {
                request["plugin"] = new OrderedDictionary<string, object?>
                {
                    ["name"] = plugin.Plugin, ["sha256"] = plugin.Sha256, ["archive"] = ArchivePath(plugin),
                };
            }

            string? line;
            try
            {
                line = await worker.CallAsync(ActionValues.ToJson(request), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // timed out or cancelled: the action may ignore cancellation, so its process goes
                worker.Kill();
                throw;
            }

            if (line is null)
            {
                var code = await worker.ExitCodeAsync().ConfigureAwait(false);
                return ActionResult.Failure(
                    $"The action {action} ended its executor process (exit code {code}) before answering{worker.StderrTail()}; the process was replaced, the engine is unaffected");
            }

            var answer = JsonValues.ToValue(JsonNode.Parse(line)) as OrderedDictionary<string, object?>
                         ?? throw new InvalidDataException($"executor process answered {line}");
            reusable = true;
            if (answer.GetValueOrDefault("cancel") is true)
            {
                return ActionResult.Cancelled(answer.GetValueOrDefault("error"));
            }

            return answer.TryGetValue("error", out var error) && error is not null ? ActionResult.Failure(error) : ActionResult.Success(answer.GetValueOrDefault("result"));
        }
        finally
        {
            if (reusable && !_disposed && _idle.Count < _maxIdle)
            {
                _idle.Add(worker);
            }
            else
            {
                worker.Kill();
                _all.TryRemove(worker, out _);
            }
        }
    }

    private async Task<Worker> RentAsync(CancellationToken ct)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.IsAlive)
            {
                return idle;
            }

            _all.TryRemove(idle, out _);
        }

        var worker = Worker.Start(_workerCommand);
        Interlocked.Increment(ref _started);
        _all[worker] = 0;
        try
        {
            await worker.WaitReadyAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            worker.Kill();
            _all.TryRemove(worker, out _);
            throw;
        }

        return worker;
    }

    private sealed class Worker
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        private Worker(Process process) => _process = process;

        public bool IsAlive
        {
            get
            {
                try
                {
                    return !_process.HasExited;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }
        }

        public static Worker Start(IReadOnlyList<string> command)
        {
            var psi = new ProcessStartInfo(command[0])
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,
            };
            foreach (var a in command.Skip(1))
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start the executor process {command[0]}");
            var worker = new Worker(process);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (worker._stderr)
                    {
                        if (worker._stderr.Length < 4096)
                        {
                            worker._stderr.AppendLine(e.Data);
                        }
                    }
                }
            };
            process.BeginErrorReadLine();
            return worker;
        }

        public async Task WaitReadyAsync(CancellationToken ct)
        {
            var line = await _process.StandardOutput.ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null || !line.Contains("ready", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the executor process did not start: {line}{StderrTail()}");
            }
        }

        public async Task<string?> CallAsync(string request, CancellationToken ct)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync(request.AsMemory(), ct).ConfigureAwait(false);
                await _process.StandardInput.FlushAsync(ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return null; // the process is gone
            }

            return await _process.StandardOutput.ReadLineAsync(ct).ConfigureAwait(false);
        }

        public async Task<int> ExitCodeAsync()
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
                return _process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                return -1;
            }
        }

        public string StderrTail()
        {
            lock (_stderr)
            {
                var text = _stderr.ToString().Trim();
                return text.Length == 0 ? "" : $" (stderr: {(text.Length > 500 ? text[^500..] : text)})";
            }
        }

        public void Kill()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
    }
}

/// <summary>A wrapped provider's action whose runs go to an executor process.</summary>
internal sealed class IsolatedActionDescriptor(ActionDescriptor inner, IsolatedActionProvider owner) : ActionDescriptor
{
    public override string Name => inner.Name;

    public override string Namespace => inner.Namespace;

    public override string Description => inner.Description;

    public override string Id => inner.Id;

    public override IReadOnlyList<string> Tags => [.. inner.Tags, "isolated"];

    public override string Definition => inner.Definition;

    public override DateTimeOffset? CreatedAt => inner.CreatedAt;

    public override DateTimeOffset? UpdatedAt => inner.UpdatedAt;

    public override string? ActionClassName => inner.ActionClassName;

    public override ActionSignature Signature => inner.Signature;

    public override bool IsSync => inner.IsSync;

    public override void CheckParameters(IReadOnlyDictionary<string, object?> input) => inner.CheckParameters(input);

    // Nothing of the action's own code runs here: the input goes to the worker, which instantiates it there (a plugin
    // action: in the very version it resolved to here).
    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input) =>
        new IsolatedAction(owner, Name, input, IsSync, inner as Plugins.PluginActionDescriptor);

    private sealed class IsolatedAction(IsolatedActionProvider owner, string name, IReadOnlyDictionary<string, object?> input, bool isSync,
        Plugins.PluginActionDescriptor? plugin) : IAction
    {
        public bool IsSync => isSync;

        public async ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken) =>
            await owner.RunAsync(name, input, context, plugin, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// An isolated versioned provider (plugins): the versions, holds and pinned lookups are the wrapped provider's (in this
/// process, by reflection only), and each run tells the worker which version to run.
/// </summary>
public sealed class IsolatedVersionedActionProvider : IsolatedActionProvider, IVersionedActionProvider
{
    private readonly IVersionedActionProvider _versioned;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The versioned provider whose actions run isolated.</param>
    /// <param name="workerCommand">The worker's program and arguments.</param>
    /// <param name="maxIdleWorkers">Idle workers kept warm.</param>
    public IsolatedVersionedActionProvider(IVersionedActionProvider inner, IReadOnlyList<string> workerCommand, int maxIdleWorkers = 2)
        : base(inner, workerCommand, maxIdleWorkers) => _versioned = inner;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> CurrentVersions => _versioned.CurrentVersions;

    /// <inheritdoc />
    public async ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken) =>
        await _versioned.FindAsync(name, @namespace, versions, cancellationToken).ConfigureAwait(false) is { } d ? new IsolatedActionDescriptor(d, this) : null;

    /// <inheritdoc />
    public void Hold(string holder, IReadOnlyDictionary<string, string> versions) => _versioned.Hold(holder, versions);

    /// <inheritdoc />
    public void Release(string holder) => _versioned.Release(holder);
}

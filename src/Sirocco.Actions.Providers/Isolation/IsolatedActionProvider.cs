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
/// process is never affected.
/// </summary>
public sealed class IsolatedActionProvider : IActionProvider, IDisposable
{
    private readonly IActionProvider _inner;
    private readonly IReadOnlyList<string> _workerCommand;
    private readonly ConcurrentBag<Worker> _idle = [];
    private readonly ConcurrentDictionary<Worker, byte> _all = new();
    private readonly int _maxIdle;
    private bool _disposed;

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
        _disposed = true;
        foreach (var w in _all.Keys)
        {
            w.Kill();
        }

        (_inner as IDisposable)?.Dispose();
    }

    internal async Task<ActionResult> RunAsync(string action, IReadOnlyDictionary<string, object?> input, ActionContext context, CancellationToken ct)
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

    // Nothing of the action's own code runs here: the input goes to the worker, which instantiates it there.
    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input) => new IsolatedAction(owner, Name, input, IsSync);

    private sealed class IsolatedAction(IsolatedActionProvider owner, string name, IReadOnlyDictionary<string, object?> input, bool isSync) : IAction
    {
        public bool IsSync => isSync;

        public async ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken) =>
            await owner.RunAsync(name, input, context, cancellationToken).ConfigureAwait(false);
    }
}

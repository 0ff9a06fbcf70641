using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sirocco.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Sirocco.EndToEnd.Tests;

// What the cluster tests share: real `sirocco server` processes on one PostgreSQL database, and a loopback HTTP
// counter that actions call so that the test counts how often each action really ran.

/// <summary>One real <c>sirocco server</c> process of a test cluster; it can be SIGKILLed and started again.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly string[] _arguments;
    private Process? _process;

    /// <summary>A <c>sirocco server</c> node (on a free port) with more arguments (<c>--roles</c>, leases, ...).</summary>
    public ClusterNode(string name, string database, params string[] extra)
        : this(name, ["server", "--port", "0", "--database", database, .. extra], headless: false)
    {
    }

    private ClusterNode(string name, string[] arguments, bool headless)
    {
        Name = name;
        _arguments = arguments;
        Headless = headless;
    }

    /// <summary>A <c>sirocco executor</c> node (no API) serving <paramref name="pool"/>.</summary>
    public static ClusterNode Executor(string name, string database, string pool) =>
        new(name, ["executor", "--database", database, "--pool", pool], headless: true);

    /// <summary>A <c>sirocco server</c> node whose roles leave out api (<c>--roles engine,executor</c>): no URL.</summary>
    public static ClusterNode WithoutApi(string name, string database, string roles) =>
        new(name, ["server", "--database", database, "--roles", roles], headless: true);

    /// <summary>No REST API: it has no URL.</summary>
    public bool Headless { get; }

    public string Name { get; }

    /// <summary>The v2 URL of the running process (changes at every start: port 0).</summary>
    public string Url { get; private set; } = "";

    /// <summary>The process id: the node id in lease columns is <c>host:pid:suffix</c>.</summary>
    public int Pid { get; private set; }

    public bool Up => _process is { HasExited: false };

    public int Starts { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliDll() }.Concat(_arguments))
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start sirocco");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(90));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line is null)
            {
                await process.WaitForExitAsync(ct);
                lock (stderr)
                {
                    Assert.Fail($"sirocco server {Name} exited ({process.ExitCode}) before listening: {stderr}");
                }
            }

            // "Sirocco listening on http://127.0.0.1:PORT/v2 (...)", or a headless node's "Sirocco node ID running ROLES ..."
            const string marker = "Sirocco listening on ";
            if (line!.StartsWith(marker, StringComparison.Ordinal))
            {
                Url = line[marker.Length..].Split(' ')[0];
                break;
            }

            if (Headless && line.StartsWith("Sirocco node ", StringComparison.Ordinal))
            {
                break;
            }
        }

        _ = DrainAsync(process.StandardOutput);
        _process = process;
        Pid = process.Id;
        Starts++;
    }

    /// <summary>SIGKILL: no shutdown, no flush; its connections drop, its leases stay until they expire.</summary>
    public void Kill()
    {
        if (_process is { } p)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            p.WaitForExit();
            p.Dispose();
            _process = null;
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is not null)
            {
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException or InvalidOperationException)
        {
            // the process was killed and disposed
        }
    }

    private static string CliDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "sirocco.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("sirocco.dll is built next to the tests", path);
    }
}

/// <summary>
/// A loopback HTTP server that counts requests per path (<c>/KIND/KEY</c>) and answers <c>{"key": KEY}</c> after a
/// short hold. A trap armed for a kind holds the next request of that kind until the test releases it, so that the
/// test can kill the node whose action is then certainly in flight.
/// </summary>
internal sealed class CounterServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Trap> _traps = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CounterServer(TimeSpan hold)
    {
        Hold = hold;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public string Url { get; }

    public TimeSpan Hold { get; }

    /// <summary>How often each <c>KIND/KEY</c> was requested.</summary>
    public IReadOnlyDictionary<string, int> Counts => _counts;

    /// <summary>A held request: the key it carried, and its release.</summary>
    public sealed class Trap
    {
        public TaskCompletionSource<string> Sprung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Arms a trap: the next request of <paramref name="kind"/> is held until <see cref="Trap.Release"/>.</summary>
    public Trap Arm(string kind)
    {
        var trap = new Trap();
        Assert.True(_traps.TryAdd(kind, trap), $"a trap for {kind} is already armed");
        return trap;
    }

    /// <summary>Disarms an unsprung trap; false when it has sprung meanwhile (then the caller must handle it).</summary>
    public bool Disarm(string kind, Trap trap) => ((ICollection<KeyValuePair<string, Trap>>)_traps).Remove(new(kind, trap));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            var parts = context.Request.Url!.AbsolutePath.Trim('/').Split('/', 2);
            var kind = parts[0];
            var key = parts.Length > 1 ? parts[1] : "";
            _counts.AddOrUpdate($"{kind}/{key}", 1, (_, n) => n + 1);
            if (_traps.TryRemove(kind, out var trap))
            {
                trap.Sprung.TrySetResult(key);
                await trap.Release.Task.WaitAsync(_stop.Token);
            }
            else
            {
                await Task.Delay(Hold, _stop.Token);
            }

            var body = Encoding.UTF8.GetBytes($"{{\"key\": \"{key}\"}}");
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body, _stop.Token);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException
                                      or InvalidOperationException)
        {
            // the caller died with its node (the point of the test), or the server stops
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var trap in _traps.Values)
        {
            trap.Release.TrySetResult();
        }

        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }
}

using System.Net.Sockets;
using System.Text;

namespace Sirocco.Server.Http;

/// <summary>
/// Right after the server starts listening, and once the runtime's own warm-up has ended, sends it a few rounds of
/// requests that change nothing (lists, a missing execution, an execution of a workflow that does not exist) over one
/// loopback connection, so that Kestrel's, the routing's and the endpoints' code is compiled, and recompiled
/// optimised, before the first client's requests. Those wait at the gate meanwhile (<see cref="WarmupGate"/>) instead
/// of competing with it for the CPU. A plain socket on purpose: an HttpClient would load the HTTP client stack into
/// every server for this alone.
/// </summary>
internal static class HttpWarmup
{
    private const int Rounds = 40;

    public static async Task RunAsync(Uri root, Task runtimeWarmedUp, WarmupGate gate, CancellationToken ct)
    {
        try
        {
            await runtimeWarmedUp.WaitAsync(ct).ConfigureAwait(false);
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(root.Host, root.Port, ct).ConfigureAwait(false);
            gate.WarmupPort = (socket.LocalEndPoint as System.Net.IPEndPoint)?.Port ?? -1;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var missing = Sirocco.Engine.GuidIdGenerator.Instance.NewId();
            var body = "{\"workflow_name\": \"sirocco-warm-up-" + missing + "\"}";
            string[] requests =
            [
                Request("GET", "/v2/workflows?limit=1", null),
                Request("GET", "/v2/executions?limit=1", null),
                Request("GET", "/v2/executions/" + missing, null),
                Request("POST", "/v2/executions", body),
            ];
            var buffer = new byte[64 * 1024];
            for (var round = 0; round < Rounds && !ct.IsCancellationRequested; round++)
            {
                foreach (var request in requests)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct).ConfigureAwait(false);
                    if (!await ReadResponseAsync(stream, buffer, ct).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
        }
#pragma warning disable CA1031 // an optimisation: a server that cannot take these requests gets no warm-up, nothing else
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            gate.Open();
        }
    }

    private static string Request(string method, string path, string? body) =>
        body is null
            ? $"{method} {path} HTTP/1.1\r\nHost: localhost\r\n\r\n"
            : $"{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    // Reads one response (headers and a Content-Length body); false when the connection ends or is not HTTP/1.1 as expected.
    private static async Task<bool> ReadResponseAsync(NetworkStream stream, byte[] buffer, CancellationToken ct)
    {
        var filled = 0;
        while (true)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            filled += n;
            var text = Encoding.ASCII.GetString(buffer, 0, filled);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                if (filled == buffer.Length)
                {
                    return false;
                }

                continue;
            }

            var length = 0;
            foreach (var line in text[..end].Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            var total = end + 4 + length;
            if (total > buffer.Length)
            {
                return false;
            }

            while (filled < total)
            {
                n = await stream.ReadAsync(buffer.AsMemory(filled, total - filled), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    return false;
                }

                filled += n;
            }

            return true;
        }
    }
}

/// <summary>
/// Holds clients' requests while the server warms up after its start (at most <see cref="MaxWait"/>), so that the
/// first ones run on compiled code instead of beside the compiler. The warm-up's own connection passes.
/// </summary>
public sealed class WarmupGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _isOpen;

    /// <summary>A closed gate; a request waits at most <paramref name="maxWait"/> (default 5 s) for it to open.</summary>
    public WarmupGate(TimeSpan? maxWait = null) => MaxWait = maxWait ?? TimeSpan.FromSeconds(5);

    /// <summary>The longest a request waits for the warm-up.</summary>
    public TimeSpan MaxWait { get; }

    /// <summary>A gate that never holds anything (servers that do not warm up).</summary>
    public static WarmupGate Opened()
    {
        var gate = new WarmupGate();
        gate.Open();
        return gate;
    }

    /// <summary>The local port of the warm-up's connection (its requests pass the gate).</summary>
    public int WarmupPort { get; set; } = -1;

    /// <summary>Lets every request through from now on.</summary>
    public void Open()
    {
        _isOpen = true;
        _open.TrySetResult();
    }

    /// <summary>The middleware: waits for the warm-up unless it is over or this is the warm-up's own request.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_isOpen || context.Connection.RemotePort == WarmupPort)
        {
            return next(context);
        }

        return WaitThenAsync(context, next);
    }

    private async Task WaitThenAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await _open.Task.WaitAsync(MaxWait, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // a warm-up that takes this long is not worth more waiting: serve the request
        }

        await next(context).ConfigureAwait(false);
    }
}

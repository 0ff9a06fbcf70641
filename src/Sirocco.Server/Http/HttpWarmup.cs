using System.Net.Sockets;
using System.Text;

namespace Sirocco.Server.Http;

/// <summary>
/// Right after the server starts listening, sends it a few rounds of requests that change nothing (lists, a missing
/// execution, an execution of a workflow that does not exist) over one loopback connection, so that Kestrel's, the
/// routing's and the endpoints' code is compiled, and recompiled optimised, before the first client's requests.
/// A plain socket on purpose: an HttpClient would load the HTTP client stack into every server for this alone.
/// </summary>
internal static class HttpWarmup
{
    private const int Rounds = 40;

    public static async Task RunAsync(Uri root, CancellationToken ct)
    {
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(root.Host, root.Port, ct).ConfigureAwait(false);
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

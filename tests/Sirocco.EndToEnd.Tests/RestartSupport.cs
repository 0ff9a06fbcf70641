using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Sirocco.Values;

namespace Sirocco.EndToEnd.Tests;

// What the restart tests share: the real server process on a file, a condition poll, a temp folder.

/// <summary>Checks a condition from outside the process until it holds or the deadline passes.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"timed out after {seconds}s waiting for {what}");
            }

            // another process is doing the work; there is no channel into it but the API and the file
            await Task.Delay(50, RestartTest.Ct);
        }
    }
}

internal sealed class TempDir : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "sirocco-e2e", Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(_path);

    public string File(string name) => Path.Combine(_path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_path, recursive: true);
        }
        catch (IOException)
        {
            // a file still open; the OS cleans temp eventually
        }
    }
}

/// <summary>The real `sirocco server` process on a free port, found by walking up to the repository.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = baseUri };
    }

    public static async Task<ServerProcess> StartAsync(string db, params string[] extraArguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliPath());
        foreach (var a in new[] { "server", "--port", "0", "--db", db }.Concat(extraArguments))
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start sirocco");
        var stderr = process.StandardError.ReadToEndAsync(RestartTest.Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(RestartTest.Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line is null)
            {
                Assert.Fail($"sirocco server exited before listening: {await stderr}");
            }

            // "Sirocco listening on http://127.0.0.1:PORT/v2 (database ...)"
            const string marker = "Sirocco listening on ";
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                var url = line[marker.Length..].Split(' ')[0];
                var root = url.EndsWith("/v2", StringComparison.Ordinal) ? url[..^2] : url;
                _ = DrainAsync(process.StandardOutput);
                return new ServerProcess(process, new Uri(root));
            }
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync(CancellationToken.None) is not null)
        {
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush; only what was committed survives.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<OrderedDictionary<string, object?>> SendAsync(HttpMethod method, string path, string? body, string contentType, int expect)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _http.SendAsync(request, RestartTest.Ct);
        var text = await response.Content.ReadAsStringAsync(RestartTest.Ct);
        Assert.True((int)response.StatusCode == expect, $"{method} {path}: {(int)response.StatusCode} {text}");
        return Json.Parse(text) as OrderedDictionary<string, object?> ?? [];
    }

    public Task<OrderedDictionary<string, object?>> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null, "application/json", 200);

    public async Task<OrderedDictionary<string, object?>> WaitForExecutionAsync(string id, string state)
    {
        OrderedDictionary<string, object?> execution = [];
        await Poll.UntilAsync(async () =>
        {
            execution = await GetAsync($"v2/executions/{id}");
            var current = (string?)execution["state"];
            Assert.True(current is "RUNNING" or "IDLE" || current == state, $"execution went to {current}: {execution["state_info"]}");
            return current == state;
        }, $"execution {id} to reach {state}");
        return execution;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private static string CliPath()
    {
        // tests/Sirocco.EndToEnd.Tests/bin/<Configuration>/<tfm>/ → src/Sirocco.Cli/bin/<Configuration>/<tfm>/sirocco.dll
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;
        var configuration = baseDir.Parent!.Name;
        var dir = baseDir;
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sirocco.slnx")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"),
            "src", "Sirocco.Cli", "bin", configuration, tfm, "sirocco.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build src/Sirocco.Cli first", path);
    }
}

/// <summary>The running test's cancellation token.</summary>
internal static class RestartTest
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;
}

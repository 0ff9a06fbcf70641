using System.Diagnostics;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>The real <c>sirocco server</c> process on a free loopback port over a temp SQLite file.</summary>
public class SiroccoProcess : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-e2e", Guid.NewGuid().ToString("N"));
    private Process? _process;

    /// <summary>The v2 URL, e.g. <c>http://127.0.0.1:41234/v2</c>.</summary>
    public string Url { get; private set; } = "";

    public string Dir => _dir;

    /// <summary>The server's process id.</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var dll = Path.Combine(AppContext.BaseDirectory, "sirocco.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "server", "--port", "0", "--db", Path.Combine(_dir, "sirocco.db") }.Concat(ExtraArguments(_dir)))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in ExtraEnvironment())
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException("sirocco server exited before listening");
            const string prefix = "Sirocco listening on ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                Url = line[prefix.Length..].Split(' ')[0];
                break;
            }
        }

        _ = DrainAsync(_process.StandardOutput);
    }

    /// <summary>More <c>sirocco server</c> arguments (a derived fixture's plugin folder, ...); may prepare files in <paramref name="dir"/>.</summary>
    protected virtual IEnumerable<string> ExtraArguments(string dir) => [];

    /// <summary>Environment variables set for the server process (on top of the test's own; a null value removes one).</summary>
    protected virtual IEnumerable<(string Name, string? Value)> ExtraEnvironment() => [];

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs the real <c>mistral</c> CLI against the server; returns exit code, stdout, stderr.</summary>
    public Task<(int Code, string Out, string Err)> MistralAsync(params string[] args) => MistralCli.RunAsync(Url, args);

    /// <summary>Runs a mistral command that must succeed and returns its stdout.</summary>
    public Task<string> MistralOkAsync(params string[] args) => MistralCli.OkAsync(Url, args);

    /// <summary>Runs a mistral show/list command with <c>-f json</c> and parses the output.</summary>
    public Task<JsonElement> MistralJsonAsync(params string[] args) => MistralCli.JsonAsync(Url, args);
}

/// <summary>The real <c>mistral</c> CLI (python-mistralclient) pointed at a Sirocco URL, without OpenStack auth.</summary>
internal static class MistralCli
{
    /// <summary>Runs <c>mistral ARGS</c> against <paramref name="url"/>; returns exit code, stdout, stderr.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string url, params string[] args)
    {
        var psi = new ProcessStartInfo("mistral") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["OS_MISTRAL_URL"] = url;
        foreach (var k in new[] { "OS_AUTH_URL", "OS_USERNAME", "OS_PASSWORD", "OS_TOKEN", "OS_CLOUD" })
        {
            psi.Environment.Remove(k);
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a mistral command that must succeed and returns its stdout.</summary>
    public static async Task<string> OkAsync(string url, params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(url, args);
        Assert.True(code == 0, $"mistral {string.Join(' ', args)} exited {code}: {stderr}{stdout}");
        return stdout;
    }

    /// <summary>Runs a mistral show/list command with <c>-f json</c> and parses the output.</summary>
    public static async Task<JsonElement> JsonAsync(string url, params string[] args)
    {
        var stdout = await OkAsync(url, [.. args, "-f", "json"]);
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}

using System.Net;
using System.Text;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// A <c>sirocco server</c> with an OS-command action that prints its environment, started with the given variables.
/// </summary>
public abstract class TuningServerProcess : SiroccoProcess
{
    internal static readonly string[] TuningVariables =
    [
        "DOTNET_GCgen0size", "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "DOTNET_GCName",
        "SIROCCO_PROCESS_TUNED",
    ];

    protected abstract IEnumerable<(string Name, string? Value)> Variables();

    protected override IEnumerable<(string Name, string? Value)> ExtraEnvironment() =>
        TuningVariables.Concat(["COMPlus_GCgen0size", "COMPlus_GCName", "DOTNET_GCPath", "SIROCCO_PROCESS_TUNING"])
            .Select(n => (n, (string?)null))
            .Concat(Variables());

    protected override IEnumerable<string> ExtraArguments(string dir)
    {
        var config = new { commands = new object[] { new { name = "shell.env", description = "The environment", command = new[] { "env" } } } };
        var path = Path.Combine(dir, "providers.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return ["--action-providers", path];
    }

    /// <summary>The environment the server process was started with, as the kernel keeps it.</summary>
    public Dictionary<string, string> StartEnvironment() =>
        Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{Pid}/environ"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2))
            .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");

    /// <summary>The environment an OS-command action started by the server sees.</summary>
    public async Task<Dictionary<string, string>> ActionEnvironmentAsync()
    {
        var (status, body) = await ServerApi.SendAsync(Url, HttpMethod.Post, "/action_executions",
            JsonSerializer.Serialize(new { name = "shell.env", input = "{}" }));
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.True(body.GetProperty("state").GetString() == "SUCCESS", body.ToString());
        var text = JsonDocument.Parse(body.GetProperty("output").GetString()!).RootElement
            .GetProperty("result").GetProperty("stdout").GetString()!;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1]);
    }
}

public sealed class DefaultTuningServer : TuningServerProcess
{
    protected override IEnumerable<(string Name, string? Value)> Variables() => [];
}

public sealed class UserTunedServer : TuningServerProcess
{
    protected override IEnumerable<(string Name, string? Value)> Variables() => [("DOTNET_GCgen0size", "0x800000")];
}

public sealed class UntunedServer : TuningServerProcess
{
    protected override IEnumerable<(string Name, string? Value)> Variables() => [("SIROCCO_PROCESS_TUNING", "off")];
}

/// <summary>
/// A server node starts with its memory settings (a small gen0 budget, one malloc arena, fixed malloc thresholds, the
/// segments GC), which the runtime and glibc read only from the environment at start, while what it runs does not
/// inherit them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProcessTuningTests
{
    [Fact]
    public async Task A_server_runs_with_the_memory_settings_and_its_actions_do_not_inherit_them()
    {
        await using var server = new DefaultTuningServer();
        await server.InitializeAsync();
        // the same process answers: the re-execution kept the pid the caller started
        var start = server.StartEnvironment();
        Assert.Equal("0x400000", start["DOTNET_GCgen0size"]);
        Assert.Equal("1", start["MALLOC_ARENA_MAX"]);
        Assert.Equal("131072", start["MALLOC_MMAP_THRESHOLD_"]);
        Assert.Equal("131072", start["MALLOC_TRIM_THRESHOLD_"]);
        Assert.Equal("libclrgc.so", start["DOTNET_GCName"]);
        Assert.Contains("libclrgc.so", await File.ReadAllTextAsync($"/proc/{server.Pid}/maps", TestContext.Current.CancellationToken));

        var action = await server.ActionEnvironmentAsync();
        Assert.Contains("PATH", action.Keys);
        foreach (var name in TuningServerProcess.TuningVariables)
        {
            Assert.False(action.ContainsKey(name), $"the action inherited {name}");
        }
    }

    [Fact]
    public async Task A_value_the_user_set_is_kept_and_passed_on()
    {
        await using var server = new UserTunedServer();
        await server.InitializeAsync();
        var start = server.StartEnvironment();
        Assert.Equal("0x800000", start["DOTNET_GCgen0size"]);
        Assert.Equal("1", start["MALLOC_ARENA_MAX"]);
        var action = await server.ActionEnvironmentAsync();
        Assert.Equal("0x800000", action["DOTNET_GCgen0size"]);
        Assert.False(action.ContainsKey("MALLOC_ARENA_MAX"));
    }

    [Fact]
    public async Task The_tuning_can_be_switched_off()
    {
        await using var server = new UntunedServer();
        await server.InitializeAsync();
        var start = server.StartEnvironment();
        foreach (var name in TuningServerProcess.TuningVariables)
        {
            Assert.False(start.ContainsKey(name), $"{name} was set with SIROCCO_PROCESS_TUNING=off");
        }

        Assert.DoesNotContain("libclrgc.so", await File.ReadAllTextAsync($"/proc/{server.Pid}/maps", TestContext.Current.CancellationToken));
    }
}

using System.Net;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>The real server with a plugin folder holding the sample plugin (version 1.0.0 at start).</summary>
public sealed class PluginServerProcess : SiroccoProcess
{
    public string PluginDir { get; private set; } = "";

    public static string SamplePlugin(string version) =>
        Path.Combine(AppContext.BaseDirectory, "sample-plugin", "v" + version, "Sirocco.Samples.Plugin.dll");

    protected override IEnumerable<string> ExtraArguments(string dir)
    {
        PluginDir = Path.Combine(dir, "plugins");
        Directory.CreateDirectory(PluginDir);
        File.Copy(SamplePlugin("1.0.0"), Path.Combine(PluginDir, "Sirocco.Samples.Plugin.dll"));
        return ["--plugins", PluginDir];
    }
}

/// <summary>
/// Plugins under a running server: a workflow uses a plugin action; the plugin is replaced and the next execution
/// uses the new version while an execution that started before runs all its tasks (also those after the swap) on the
/// old one; removing the plugin removes the
/// action from /v2/actions. No restart anywhere.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PluginTests(PluginServerProcess server) : IClassFixture<PluginServerProcess>
{
    private Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string type = "application/json")
        => ServerApi.SendAsync(server.Url, method, path, body, type);

    private async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Yield();
        }
    }

    private async Task<string> StartAsync(string workflow, object input)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/executions",
            JsonSerializer.Serialize(new { workflow_name = workflow, input = JsonSerializer.Serialize(input) }));
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    private Task<JsonElement> FinishedAsync(string id) => EventuallyAsync<JsonElement?>(async () =>
    {
        var (_, body) = await SendAsync(HttpMethod.Get, "/executions/" + id);
        return body.GetProperty("state").GetString() is "SUCCESS" or "ERROR" or "CANCELLED" ? body : null;
    }, $"execution {id} to finish").ContinueWith(t => t.Result!.Value, TaskScheduler.Default);

    private static JsonElement Output(JsonElement execution) => JsonDocument.Parse(execution.GetProperty("output").GetString()!).RootElement;

    private async Task<string?> CatalogVersionAsync()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/actions/sample.greet");
        return status == HttpStatusCode.OK ? body.GetProperty("definition").GetString() : null;
    }

    private static void Replace(string source, string target)
    {
        // copy beside, then rename over: the watcher never sees a half-written assembly
        var temp = target + ".tmp";
        File.Copy(source, temp, overwrite: true);
        File.Move(temp, target, overwrite: true);
    }

    [Fact]
    public async Task Plugin_actions_are_used_swapped_and_removed_without_restart()
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/workflows", """
            version: '2.0'
            greet_wf:
              input: [who]
              output:
                text: <% $.greeting.text %>
                version: <% $.greeting.version %>
              tasks:
                hello:
                  action: sample.greet name=<% $.who %>
                  publish:
                    greeting: <% task().result %>
            wait_wf:
              input: [release, started]
              output:
                version: <% $.version %>
                after: <% $.after %>
              tasks:
                hold:
                  action: sample.wait_for_file path=<% $.release %> started_path=<% $.started %>
                  publish:
                    version: <% task().result %>
                  on-success: [greet_after]
                greet_after:
                  action: sample.greet name="later"
                  publish:
                    after: <% task().result.version %>
            """, "text/plain");
        Assert.True(status == HttpStatusCode.Created, body.ToString());

        // the catalog and the CLI show the plugin's actions with their input and provider
        var greet = (await server.MistralJsonAsync("action-get", "sample.greet"));
        Assert.Equal("name, greeting=\"Hello\"", greet.GetProperty("Input").GetString());
        (status, body) = await SendAsync(HttpMethod.Get, "/actions/sample.greet");
        Assert.Equal("plugins", body.GetProperty("provider").GetString());
        Assert.Contains("1.0.0", body.GetProperty("definition").GetString(), StringComparison.Ordinal);

        var first = Output(await FinishedAsync(await StartAsync("greet_wf", new { who = "Ada" })));
        Assert.Equal("Hello, Ada!", first.GetProperty("text").GetString());
        Assert.Equal("1.0.0", first.GetProperty("version").GetString());

        // an execution whose action is running on 1.0.0 when the plugin is replaced
        var release = Path.Combine(server.Dir, "release");
        var started = Path.Combine(server.Dir, "started");
        var holding = await StartAsync("wait_wf", new { release, started });
        await EventuallyAsync(() => Task.FromResult(File.Exists(started) ? "yes" : null), "the plugin action to start");

        Replace(PluginServerProcess.SamplePlugin("2.0.0"), Path.Combine(server.PluginDir, "Sirocco.Samples.Plugin.dll"));
        await EventuallyAsync(async () => await CatalogVersionAsync() is { } d && d.Contains("2.0.0", StringComparison.Ordinal) ? d : null,
            "the catalog to show version 2.0.0");

        var second = Output(await FinishedAsync(await StartAsync("greet_wf", new { who = "Ada" })));
        Assert.Equal("2.0.0", second.GetProperty("version").GetString());

        await File.WriteAllTextAsync(release, "go", TestContext.Current.CancellationToken);
        var held = await FinishedAsync(holding);
        Assert.Equal("SUCCESS", held.GetProperty("state").GetString());
        // both tasks of the execution that started before the swap ran on 1.0.0: the one in flight, and the one after it
        Assert.Equal("1.0.0", Output(held).GetProperty("version").GetString());
        Assert.Equal("1.0.0", Output(held).GetProperty("after").GetString());

        // and executions started after the swap still get 2.0.0
        var third = Output(await FinishedAsync(await StartAsync("greet_wf", new { who = "Ada" })));
        Assert.Equal("2.0.0", third.GetProperty("version").GetString());

        // removal: the action leaves the catalog, and a workflow that needs it fails with a clear message
        File.Delete(Path.Combine(server.PluginDir, "Sirocco.Samples.Plugin.dll"));
        await EventuallyAsync(async () => await CatalogVersionAsync() is null ? "gone" : null, "sample.greet to leave the catalog");
        var list = await server.MistralOkAsync("action-list");
        Assert.DoesNotContain("sample.greet", list, StringComparison.Ordinal);
        Assert.Contains("std.echo", list, StringComparison.Ordinal);
        var failed = await FinishedAsync(await StartAsync("greet_wf", new { who = "Ada" }));
        Assert.Equal("ERROR", failed.GetProperty("state").GetString());
        Assert.Contains("sample.greet", failed.GetProperty("state_info").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>
/// The plugin provider in process, over the two built versions of the sample plugin: versions held for an execution
/// stay loaded and resolvable after a swap, and are unloaded once released; a version not in memory comes from the
/// store (another provider, as another node or a restarted one, over the same database), and stored versions nothing
/// needs any more are collected.
/// </summary>
public sealed class PluginVersionPinningTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-pin-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static async Task<string?> VersionOfAsync(Sirocco.Actions.ActionDescriptor? descriptor)
    {
        Assert.NotNull(descriptor);
        using var env = new Sirocco.Actions.Testing.ActionEnvironment();
        var result = await env.RunAsync(descriptor, new Dictionary<string, object?> { ["name"] = "x" });
        return ((IReadOnlyDictionary<string, object?>)result.Data!)["version"] as string;
    }

    [Fact]
    public async Task Held_versions_stay_resolvable_after_a_swap_and_unload_when_released()
    {
        Directory.CreateDirectory(_dir);
        var target = Path.Combine(_dir, "Sirocco.Samples.Plugin.dll");
        File.Copy(PluginServerProcess.SamplePlugin("1.0.0"), target);
        using var provider = new Sirocco.Actions.Providers.Plugins.PluginActionProvider(_dir, pollInterval: TimeSpan.FromHours(1));
        var v1 = provider.CurrentVersions;
        provider.Hold("execution-1", v1);
        await SwapAndResolveAsync(provider, target, v1); // in its own method: no descriptor stays referenced from here

        provider.Release("execution-1");
        Assert.Empty(provider.KeptVersions);
        // released, removed, and no store: never silently another version, but a clear error naming the lost one
        var lost = await Assert.ThrowsAsync<Sirocco.Actions.ActionVersionUnavailableException>(async () =>
            await provider.FindAsync("sample.greet", null, v1, TestContext.Current.CancellationToken));
        Assert.Contains($"plugin Sirocco.Samples.Plugin version {v1["Sirocco.Samples.Plugin"]}", lost.Message, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (provider.RetiredVersionsAlive() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the released versions were never unloaded");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_pinned_version_not_in_memory_is_loaded_from_the_store_of_another_node()
    {
        var ct = TestContext.Current.CancellationToken;
        var nodeA = Path.Combine(_dir, "a");
        var nodeB = Path.Combine(_dir, "b");
        Directory.CreateDirectory(nodeA);
        Directory.CreateDirectory(nodeB);
        File.Copy(PluginServerProcess.SamplePlugin("1.0.0"), Path.Combine(nodeA, "Sirocco.Samples.Plugin.dll"));
        File.Copy(PluginServerProcess.SamplePlugin("2.0.0"), Path.Combine(nodeB, "Sirocco.Samples.Plugin.dll"));
        await using var store = await Sirocco.Store.SiroccoStore.OpenDatabaseAsync(Path.Combine(_dir, "sirocco.db"), ct: ct);

        // node A stores 1.0.0 when the store is attached; an execution pins it
        IReadOnlyDictionary<string, string> pinned;
        using (var a = new Sirocco.Actions.Providers.Plugins.PluginActionProvider(nodeA, pollInterval: TimeSpan.FromHours(1)))
        {
            await a.AttachStoreAsync(new Sirocco.Server.StorePluginVersions(store), cancellationToken: ct);
            pinned = a.CurrentVersions;
        }

        // node B (or A restarted) only ever had 2.0.0 in its folder: the pinned 1.0.0 comes from the store
        using var b = new Sirocco.Actions.Providers.Plugins.PluginActionProvider(nodeB, pollInterval: TimeSpan.FromHours(1));
        await b.AttachStoreAsync(new Sirocco.Server.StorePluginVersions(store), cancellationToken: ct);
        b.Hold("execution-1", pinned);
        var old = await b.FindAsync("sample.greet", null, pinned, ct);
        Assert.Equal("1.0.0", await VersionOfAsync(old));
        Assert.Contains("stored copy", old!.Definition, StringComparison.Ordinal);
        Assert.Equal("2.0.0", await VersionOfAsync(await b.FindAsync("sample.greet", null, ct)));
        Assert.Equal(2, (await store.ListPluginVersionsAsync("plugins", ct)).Count);

        // a pinned version that is in no store either is a clear error
        using var c = new Sirocco.Actions.Providers.Plugins.PluginActionProvider(nodeB, pollInterval: TimeSpan.FromHours(1));
        var lost = await Assert.ThrowsAsync<Sirocco.Actions.ActionVersionUnavailableException>(async () => await c.FindAsync("sample.greet", null, pinned, ct));
        Assert.Contains("Sirocco.Samples.Plugin version " + pinned["Sirocco.Samples.Plugin"], lost.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_folder_is_versioned_by_all_its_files()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(_dir, "Sirocco.Samples.Plugin");
        Directory.CreateDirectory(folder);
        var main = Path.Combine(folder, "Sirocco.Samples.Plugin.dll");
        File.Copy(PluginServerProcess.SamplePlugin("1.0.0"), main);
        await File.WriteAllTextAsync(Path.Combine(folder, "settings.json"), "{\"a\": 1}", ct);
        using var provider = new Sirocco.Actions.Providers.Plugins.PluginActionProvider(_dir, pollInterval: TimeSpan.FromHours(1));
        var before = provider.CurrentVersions;
        provider.Hold("execution-1", before);

        // a changed file beside the assembly is a new version; the execution keeps the one it started with
        await File.WriteAllTextAsync(Path.Combine(folder, "settings.json"), "{\"a\": 2}", ct);
        Assert.True(provider.Rescan());
        Assert.NotEqual(before["Sirocco.Samples.Plugin"], provider.CurrentVersions["Sirocco.Samples.Plugin"]);
        Assert.Single(provider.KeptVersions);
        Assert.Equal("1.0.0", await VersionOfAsync(await provider.FindAsync("sample.greet", null, before, ct)));

        // a pin recorded before versions covered every file (the main assembly's hash) still names the current version
        var mainHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(main, ct)));
        Assert.Equal("1.0.0", await VersionOfAsync(await provider.FindAsync("sample.greet", null,
            new Dictionary<string, string> { ["Sirocco.Samples.Plugin"] = mainHash }, ct)));
    }

    private static async Task SwapAndResolveAsync(Sirocco.Actions.Providers.Plugins.PluginActionProvider provider, string target,
        IReadOnlyDictionary<string, string> v1)
    {
        var ct = TestContext.Current.CancellationToken;

        File.Copy(PluginServerProcess.SamplePlugin("2.0.0"), target + ".tmp");
        File.Move(target + ".tmp", target, overwrite: true);
        Assert.True(provider.Rescan());
        Assert.NotEqual(v1["Sirocco.Samples.Plugin"], provider.CurrentVersions["Sirocco.Samples.Plugin"]);

        // the holder resolves the old version, anyone else the new one; a version found nowhere is an error, not the current one
        Assert.Equal("1.0.0", await VersionOfAsync(await provider.FindAsync("sample.greet", null, v1, ct)));
        Assert.Equal("2.0.0", await VersionOfAsync(await provider.FindAsync("sample.greet", null, ct)));
        var unknown = await Assert.ThrowsAsync<Sirocco.Actions.ActionVersionUnavailableException>(async () =>
            await provider.FindAsync("sample.greet", null, new Dictionary<string, string> { ["Sirocco.Samples.Plugin"] = "0000" }, ct));
        Assert.Contains("plugin Sirocco.Samples.Plugin version 0000", unknown.Message, StringComparison.Ordinal);
        Assert.Single(provider.KeptVersions);

        // a removed plugin stays for its holder too
        File.Delete(target);
        Assert.True(provider.Rescan());
        Assert.Null(await provider.FindAsync("sample.greet", null, ct));
        Assert.Equal("1.0.0", await VersionOfAsync(await provider.FindAsync("sample.greet", null, v1, ct)));
    }
}

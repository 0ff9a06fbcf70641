using System.Net;
using Sirocco.Values;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// The promise of plugin pinning held everywhere, with real server processes: an execution that started on version
/// 1.0.0 of the sample plugin runs all its later tasks on 1.0.0 after the plugin folder was switched to 2.0.0 — also
/// when the server is killed and restarted in between (the 1.0.0 files are then nowhere but in the database), and
/// also when plugins run isolated in executor processes (<c>--isolate plugins</c>), whose own folder holds 2.0.0 —
/// while a new execution uses 2.0.0.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PluginPinningTests
{
    private const string Workflows = """
        version: '2.0'
        pinned_wf:
          input: [release, started]
          output:
            first: <% $.first %>
            hold: <% $.hold %>
            later: <% $.later %>
          tasks:
            first:
              action: sample.greet name="first"
              publish:
                first: <% task().result.version %>
              on-success: [hold]
            hold:
              action: sample.wait_for_file path=<% $.release %> started_path=<% $.started %>
              safe-rerun: true
              publish:
                hold: <% task().result %>
              on-success: [later]
            later:
              action: sample.greet name="later"
              publish:
                later: <% task().result.version %>
        greet_wf:
          output:
            version: <% $.version %>
          tasks:
            hello:
              action: sample.greet name="new"
              publish:
                version: <% task().result.version %>
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false, true)] // in process, killed and restarted
    [InlineData(true, true)] // isolated, killed and restarted
    [InlineData(true, false)] // isolated, no restart
    public async Task An_execution_started_on_a_plugin_version_ends_on_it_while_new_ones_use_the_replacement(bool isolate, bool restart)
    {
        using var dir = new TempDir();
        var plugins = dir.File("plugins");
        Directory.CreateDirectory(plugins);
        var target = Path.Combine(plugins, "Sirocco.Samples.Plugin.dll");
        File.Copy(PluginServerProcess.SamplePlugin("1.0.0"), target);
        var db = dir.File("sirocco.db");
        string[] arguments = isolate ? ["--plugins", plugins, "--isolate", "plugins"] : ["--plugins", plugins];
        var release = dir.File("release");
        var started = dir.File("started");

        var server = await ServerProcess.StartAsync(db, arguments);
        try
        {
            await server.SendAsync(HttpMethod.Post, "v2/workflows", Workflows, "text/plain", 201);
            var input = Json.Serialize(new OrderedDictionary<string, object?> { ["release"] = release, ["started"] = started });
            var pinned = (string)(await server.SendAsync(HttpMethod.Post, "v2/executions",
                Json.Serialize(new OrderedDictionary<string, object?> { ["workflow_name"] = "pinned_wf", ["input"] = input }), "application/json", 201))["id"]!;

            // its first task ran on 1.0.0 and its second one is running: now the folder switches to 2.0.0
            // (the action creates the file, then writes its version into it)
            await Poll.UntilAsync(async () => File.Exists(started) && (await File.ReadAllTextAsync(started, Ct)).Length > 0, "the hold task to start");
            Assert.Equal("1.0.0", await File.ReadAllTextAsync(started, Ct));
            File.Copy(PluginServerProcess.SamplePlugin("2.0.0"), target + ".tmp");
            File.Move(target + ".tmp", target, overwrite: true);
            await Poll.UntilAsync(async () => ((string?)(await server.GetAsync("v2/actions/sample.greet"))["definition"])?.Contains("2.0.0", StringComparison.Ordinal) == true,
                "the catalog to show 2.0.0");

            if (restart)
            {
                // SIGKILL (executor processes included): 1.0.0 is now only in the database
                server.Kill();
                await server.DisposeAsync();
                File.Delete(started);
                await File.WriteAllTextAsync(release, "go", Ct);
                server = await ServerProcess.StartAsync(db, arguments);
            }
            else
            {
                await File.WriteAllTextAsync(release, "go", Ct);
            }

            var done = await server.WaitForExecutionAsync(pinned, "SUCCESS");
            var output = (OrderedDictionary<string, object?>)Json.Parse((string)done["output"]!)!;
            // every task of the execution ran on the version it started with: the first, the one in flight (re-run after
            // the restart) and the one after the switch
            Assert.Equal("1.0.0", output["first"]);
            Assert.Equal("1.0.0", output["hold"]);
            Assert.Equal("1.0.0", output["later"]);
            if (restart)
            {
                Assert.Equal("1.0.0", await File.ReadAllTextAsync(started, Ct)); // the re-run hold task after the restart
            }

            // a new execution gets 2.0.0
            var fresh = (string)(await server.SendAsync(HttpMethod.Post, "v2/executions",
                Json.Serialize(new OrderedDictionary<string, object?> { ["workflow_name"] = "greet_wf" }), "application/json", 201))["id"]!;
            var freshDone = await server.WaitForExecutionAsync(fresh, "SUCCESS");
            Assert.Equal("2.0.0", ((OrderedDictionary<string, object?>)Json.Parse((string)freshDone["output"]!)!)["version"]);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

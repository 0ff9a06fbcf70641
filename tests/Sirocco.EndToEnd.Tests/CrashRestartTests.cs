using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Sirocco.Store;
using Sirocco.Values;
using Xunit;

namespace Sirocco.EndToEnd.Tests;

/// <summary>
/// Issue 3's crash test: the real server process is killed with SIGKILL while an execution is inside a
/// <c>std.sleep</c> task, started again on the same database, and the execution finishes with the same output and
/// task list as an uninterrupted run; no task lost, none run twice.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CrashRestartTests
{
    private const string Workflow = """
        version: '2.0'
        sleepy:
          input:
            - name
          tasks:
            hello:
              action: std.echo output="Hello <% $.name %>"
              publish:
                greeting: <% task().result %>
              on-success: nap
            nap:
              action: std.sleep seconds=2
              on-success: bye
            bye:
              action: std.echo output=<% $.greeting + ", bye" %>
              publish:
                final: <% task().result %>
          output:
            result: <% $.final %>
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Server_killed_inside_a_sleep_task_finishes_the_execution_after_restart_like_an_uninterrupted_run()
    {
        using var dir = new TempDir();

        // the reference: an uninterrupted run
        string expectedOutput;
        List<(string, string)> expectedTasks;
        await using (var server = await ServerProcess.StartAsync(dir.File("reference.db")))
        {
            var id = await StartExecutionAsync(server);
            var done = await server.WaitForExecutionAsync(id, "SUCCESS");
            expectedOutput = (string)done["output"]!;
            expectedTasks = await TaskListAsync(server, id);
        }

        // the crash: SIGKILL while the sleep runs, then a new process on the same file
        var db = dir.File("crash.db");
        string executionId;
        await using (var server = await ServerProcess.StartAsync(db))
        {
            executionId = await StartExecutionAsync(server);
            await WaitForClaimedSleepAsync(db);
            server.Kill();
        }

        await using (var restarted = await ServerProcess.StartAsync(db))
        {
            var done = await restarted.WaitForExecutionAsync(executionId, "SUCCESS");
            Assert.True(ValueEquality.AreEqual(Json.Parse(expectedOutput), Json.Parse((string)done["output"]!)));
            Assert.Equal(expectedTasks, await TaskListAsync(restarted, executionId));

            // none ran twice: one action execution per task
            var tasks = (List<object?>)(await restarted.GetAsync($"v2/executions/{executionId}/tasks"))["tasks"]!;
            foreach (var task in tasks.Cast<OrderedDictionary<string, object?>>())
            {
                var actions = (List<object?>)(await restarted.GetAsync($"v2/tasks/{task["id"]}/action_executions"))["action_executions"]!;
                Assert.Single(actions);
            }
        }
    }

    private static async Task<string> StartExecutionAsync(ServerProcess server)
    {
        await server.SendAsync(HttpMethod.Post, "v2/workflows", Workflow, "text/plain", expect: 201);
        var created = await server.SendAsync(HttpMethod.Post, "v2/executions",
            "{\"workflow_name\": \"sleepy\", \"input\": {\"name\": \"Bo\"}}", "application/json", expect: 201);
        return (string)created["id"]!;
    }

    private static async Task<List<(string, string)>> TaskListAsync(ServerProcess server, string executionId)
    {
        var tasks = (List<object?>)(await server.GetAsync($"v2/executions/{executionId}/tasks"))["tasks"]!;
        return tasks.Cast<OrderedDictionary<string, object?>>()
            .Select(t => ((string)t["name"]!, (string)t["state"]!))
            .OrderBy(t => t.Item1, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Waits until an executor holds the lease on the sleep action: the process dies with it claimed.</summary>
    private static async Task WaitForClaimedSleepAsync(string db)
    {
        await using var store = await SiroccoStore.OpenSqliteAsync(db, new StoreOptions(), Ct);
        await Poll.UntilAsync(async () => await store.ReadAsync(async (c, ct) =>
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM action_requests WHERE action_name = 'std.sleep' AND lease_owner IS NOT NULL";
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }, Ct), "the std.sleep action to be claimed by the executor");
    }

    /// <summary>Checks a condition from outside the process until it holds or the deadline passes.</summary>
    private static class Poll
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
                await Task.Delay(50, Ct);
            }
        }
    }

    private sealed class TempDir : IDisposable
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
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _http;

        private ServerProcess(Process process, Uri baseUri)
        {
            _process = process;
            _http = new HttpClient { BaseAddress = baseUri };
        }

        public static async Task<ServerProcess> StartAsync(string db)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(CliPath());
            foreach (var a in new[] { "server", "--port", "0", "--db", db })
            {
                info.ArgumentList.Add(a);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start sirocco");
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
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

            using var response = await _http.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
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
}

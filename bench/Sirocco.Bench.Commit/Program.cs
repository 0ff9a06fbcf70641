using System.Diagnostics;
using System.Globalization;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Runtime;
using Sirocco.Store;
using Sirocco.Store.Definitions;

// Measures, on a temp SQLite file:
//  1. the raw durable commit rate: one small transaction (append one pending event) per commit;
//  2. group commit: many events per transaction;
//  3. the runtime end to end: executions of a two-task workflow (start, step, commit) per second.
// Usage: dotnet run -c Release --project bench/Sirocco.Bench.Commit [-- --seconds 3 --executions 2000]
var seconds = Arg("--seconds", 3);
var executions = Arg("--executions", 2000);
var dir = Path.Combine(Path.GetTempPath(), "sirocco-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(dir);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sirocco store/runtime commit benchmark ({Environment.ProcessorCount} cores, {seconds}s per case)"));
try
{
    foreach (var sync in new[] { true, false })
    {
        var label = sync ? "synchronous=FULL  " : "synchronous=NORMAL";
        label += " ";
        await using var store = await SiroccoStore.OpenSqliteAsync(Path.Combine(dir, $"raw-{sync}.db"), new StoreOptions { SyncEveryCommit = sync });
        var single = await MeasureAsync(store, batch: 1, seconds);
        var grouped = await MeasureAsync(store, batch: 100, seconds);
        Report($"{label}  1 event/commit", single.Commits, single.Events, single.Elapsed);
        Report($"{label}100 events/commit", grouped.Commits, grouped.Events, grouped.Elapsed);
    }

    await RuntimeAsync(Path.Combine(dir, "runtime.db"), executions);
}
finally
{
    try
    {
        Directory.Delete(dir, recursive: true);
    }
    catch (IOException)
    {
    }
}

static async Task<(long Commits, long Events, TimeSpan Elapsed)> MeasureAsync(SiroccoStore store, int batch, int seconds)
{
    var sw = Stopwatch.StartNew();
    long commits = 0, events = 0;
    while (sw.Elapsed < TimeSpan.FromSeconds(seconds))
    {
        await store.WriteAsync(async (c, tx, ct) =>
        {
            for (var i = 0; i < batch; i++)
            {
                await SiroccoStore.AppendEventAsync(c, tx, "bench", new PauseWorkflow(), 0, ct);
            }
        });
        commits++;
        events += batch;
    }

    return (commits, events, sw.Elapsed);
}

static async Task RuntimeAsync(string path, int count)
{
    await using var store = await SiroccoStore.OpenSqliteAsync(path);
    await store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition
    {
        Name = "bench",
        Definition = """
            version: '2.0'
            bench:
              tasks:
                one:
                  action: std.echo output=1
                  on-success: two
                two:
                  action: std.noop
            """,
    });
    await using var runtime = new SiroccoRuntime(store);
    await runtime.StartAsync();
    var sw = Stopwatch.StartNew();
    var started = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => runtime.StartExecutionAsync(new() { WorkflowIdentifier = "bench" })));
    var done = await Task.WhenAll(started.Select(e => runtime.WaitForCompletionAsync(e.Id)));
    sw.Stop();
    var ok = done.Count(d => d.State == States.Success);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"runtime (FULL): {count} executions of a 2-task workflow in {sw.Elapsed.TotalSeconds:F2}s = {count / sw.Elapsed.TotalSeconds:F0} executions/s, {ok} SUCCESS, {runtime.Commits} commits"));
}

static void Report(string label, long commits, long events, TimeSpan elapsed) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label}: {commits / elapsed.TotalSeconds,8:F0} commits/s {events / elapsed.TotalSeconds,9:F0} events/s"));

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
}

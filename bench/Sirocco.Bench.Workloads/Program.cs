using System.Diagnostics;
using System.Globalization;
using Sirocco.Engine;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Engine.Testing;
using Sirocco.Language;
using Sirocco.Runtime;
using Sirocco.Runtime.Commands;
using Sirocco.Server.Resources;
using Sirocco.Store;

// Runs the workloads of ../shared/bench/workloads in this process on the runtime over a temp SQLite file, without
// HTTP: wall time, CPU time, commits and bytes allocated per run. For profiling the engine and the store (perf, dotnet-counters);
// the figures to compare with Mistral come from bench.py against the server (docs/benchmarks.md).
// Usage: dotnet run -c Release --project bench/Sirocco.Bench.Workloads [-- --repeat 3 --only chain50,items1000 --parallel 200]
//        [--no-inline] [--no-cache] [--database "<PostgreSQL connection string>"] | --engine (the engine alone, in memory) | --scale (with-items over 1,000 and 10,000 items)
var repeat = int.Parse(Arg("--repeat") ?? "3", CultureInfo.InvariantCulture);
var parallel = int.Parse(Arg("--parallel") ?? "200", CultureInfo.InvariantCulture);
var only = Arg("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
var workloads = Arg("--workloads") ?? FindWorkloads();
if (args.Contains("--engine"))
{
    // The engine alone, in memory (no store, no serialisation): what one step costs in CPU and allocations.
    EngineOnly(workloads, only, repeat);
    return;
}

var dir = Directory.CreateTempSubdirectory("sirocco-bench-workloads-").FullName;
try
{
    // --database "<PostgreSQL connection string>": the same runs on PostgreSQL (an empty database; docs/benchmarks.md)
    await using var store = Arg("--database") is { } database
        ? await SiroccoStore.OpenDatabaseAsync(database, new StoreOptions())
        : await SiroccoStore.OpenSqliteAsync(Path.Combine(dir, "bench.db"), new StoreOptions());
    // --no-inline: std.noop/std.echo go through action requests and the executor (one step per result, as any real
    // action); --no-cache: every step loads its execution's state from the store.
    await using var runtime = new SiroccoRuntime(store, new RuntimeOptions
    {
        RunCheapActionsInline = !args.Contains("--no-inline"),
        CachedExecutions = args.Contains("--no-cache") ? 0 : new RuntimeOptions().CachedExecutions,
    });
    await runtime.StartAsync();
    if (args.Contains("--scale"))
    {
        await ScaleAsync(store, runtime, repeat);
        return;
    }

    Console.WriteLine($"{"workload",-16}{"run",4}{"wall ms",10}{"cpu ms",10}{"commits",9}{"alloc MB",10}{"jitted",8}");
    foreach (var file in Directory.GetFiles(workloads, "*.yaml").Order(StringComparer.Ordinal))
    {
        var name = Path.GetFileNameWithoutExtension(file);
        if (only is not null && !only.Contains(name))
        {
            continue;
        }

        var text = await File.ReadAllTextAsync(file);
        foreach (var w in LanguageParser.ParseWorkflows(text, DefinitionRecords.CheckExpression).Workflows)
        {
            await store.WorkflowDefinitions.CreateAsync(DefinitionRecords.ToRecord(w, w.Name, "", "private", text));
        }

        for (var run = 1; run <= repeat; run++)
        {
            var count = name == "parallel_execs" ? parallel : 1;
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var commits0 = runtime.Commits;
            var alloc0 = GC.GetTotalAllocatedBytes(precise: false);
            var jit0 = System.Runtime.JitInfo.GetCompiledMethodCount();
            var sw = Stopwatch.StartNew();
            var started = await Task.WhenAll(Enumerable.Range(0, count).Select(_ =>
                runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = name })));
            var done = await Task.WhenAll(started.Select(e => runtime.WaitForCompletionAsync(e.Id)));
            sw.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            var allocMb = (GC.GetTotalAllocatedBytes(precise: false) - alloc0) / 1e6;
            var failed = done.Count(e => e.State != States.Success);
            var commits = runtime.Commits - commits0;
            // as bench.py does: the database stays the size of one run
            foreach (var e in started)
            {
                await runtime.DeleteExecutionAsync(e.Id, force: true);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-16}{run,4}{sw.Elapsed.TotalMilliseconds,10:F1}{cpu.TotalMilliseconds,10:F0}{commits,9}{allocMb,10:F1}{System.Runtime.JitInfo.GetCompiledMethodCount() - jit0,8}{(failed > 0 ? $"  {failed} not SUCCESS" : "")}"));
        }
    }
}
finally
{
    Directory.Delete(dir, recursive: true);
}

// The issue's scale check: with-items over 1,000 and 10,000 items at concurrency 100; the cost per item should stay
// about the same (within 1.5x). Prints CPU and allocations per item for each size.
static async Task ScaleAsync(SiroccoStore store, SiroccoRuntime runtime, int repeat)
{
    Console.WriteLine($"{"with-items c100",-16}{"run",4}{"wall ms",10}{"cpu ms",10}{"commits",9}{"alloc MB",10}{"us/item",9}{"KB/item",9}");
    foreach (var items in new[] { 1000, 10000 })
    {
        var name = $"scale_items{items}";
        var text = $"""
            ---
            version: '2.0'
            {name}:
              tasks:
                t:
                  with-items: i in <% range({items}) %>
                  concurrency: 100
                  action: std.noop
            """;
        foreach (var w in LanguageParser.ParseWorkflows(text, DefinitionRecords.CheckExpression).Workflows)
        {
            await store.WorkflowDefinitions.CreateAsync(DefinitionRecords.ToRecord(w, w.Name, "", "private", text));
        }

        for (var run = 1; run <= repeat; run++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var commits0 = runtime.Commits;
            var alloc0 = GC.GetTotalAllocatedBytes(precise: false);
            var sw = Stopwatch.StartNew();
            var started = await runtime.StartExecutionAsync(new StartExecutionRequest { WorkflowIdentifier = name });
            var done = await runtime.WaitForCompletionAsync(started.Id);
            sw.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            var alloc = GC.GetTotalAllocatedBytes(precise: false) - alloc0;
            var commits = runtime.Commits - commits0;
            await runtime.DeleteExecutionAsync(started.Id, force: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-16}{run,4}{sw.Elapsed.TotalMilliseconds,10:F1}{cpu.TotalMilliseconds,10:F0}{commits,9}{alloc / 1e6,10:F1}{cpu.TotalMicroseconds / items,9:F1}{alloc / 1024.0 / items,9:F1}{(done.State != States.Success ? $"  {done.State}" : "")}"));
        }
    }
}

static void EngineOnly(string workloads, HashSet<string>? only, int repeat)
{
    Console.WriteLine($"{"workload (engine)",-18}{"runs",6}{"us/run",10}{"KB/run",10}");
    foreach (var file in Directory.GetFiles(workloads, "*.yaml").Order(StringComparer.Ordinal))
    {
        var name = Path.GetFileNameWithoutExtension(file);
        if ((only is not null && !only.Contains(name)) || name == "parallel_execs")
        {
            continue;
        }

        var defs = new InMemoryDefinitions();
        defs.AddWorkflows(File.ReadAllText(file), "", DefinitionRecords.CheckExpression);
        var ctx = new StepContext { Now = DateTime.UtcNow, Ids = GuidIdGenerator.Instance, Definitions = defs };
        var def = defs.FindWorkflow(name, "")!;
        void RunOnce()
        {
            var r = WorkflowEngine.Step(null, new StartWorkflow { Workflow = def }, ctx);
            if (r.State.Workflow.State != States.Success)
            {
                throw new InvalidOperationException($"{name}: {r.State.Workflow.State} {r.State.Workflow.StateInfo}");
            }
        }

        for (var i = 0; i < 20; i++)
        {
            RunOnce();
        }

        var runs = Math.Max(repeat, 1) * 50;
        var alloc0 = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < runs; i++)
        {
            RunOnce();
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        var alloc = GC.GetAllocatedBytesForCurrentThread() - alloc0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-18}{runs,6}{cpu.TotalMicroseconds / runs,10:F0}{alloc / 1024.0 / runs,10:F0}"));
    }
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string FindWorkloads()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
    {
        var candidate = Path.Combine(d.FullName, "shared", "bench", "workloads");
        if (Directory.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new DirectoryNotFoundException("../shared/bench/workloads not found above the program; pass --workloads DIR");
}

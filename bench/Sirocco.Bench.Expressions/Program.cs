using System.Diagnostics;
using BenchmarkDotNet.Running;
using Sirocco.Bench.Expressions;

// `--quick`: a plain stopwatch run printing evaluations/second per language (comparable to
// bench_mistral_expressions.py's warm figure); otherwise BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--quick")
{
    foreach (var lang in new[] { "yaql", "jinja" })
    {
        var cases = Corpus.Load(lang);
        // warm: every case evaluated enough times for the JIT to have compiled every path it takes (the project
        // turns tiered compilation off, so no background re-JIT is counted below), then the median of 5 timed runs,
        // as bench_mistral_expressions.py reports Mistral's side
        var warm = Stopwatch.StartNew();
        var warmPasses = 0;
        for (; warmPasses < 20 || warm.Elapsed < TimeSpan.FromSeconds(2); warmPasses++)
        {
            Corpus.Pass(cases);
        }
        // each timed run lasts about a second: the process's CPU time is read from the kernel in clock ticks
        // (10 ms), so runs of tens of milliseconds would carry a rounding error of several per cent
        var passes = Math.Max(100, (int)(warmPasses / warm.Elapsed.TotalSeconds));
        if (args.Length > 1 && args[1] == "--profile")
        {
            // a long steady loop to attach `perf record -p` to
            var until = Stopwatch.StartNew();
            while (until.Elapsed < TimeSpan.FromSeconds(20))
            {
                Corpus.Pass(cases);
            }
            continue;
        }
        var runs = new List<(double Cpu, double Wall)>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var run = 0; run < 5; run++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < passes; i++)
            {
                Corpus.Pass(cases);
            }
            sw.Stop();
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            runs.Add((cases.Count * passes / cpuSeconds, cases.Count * passes / sw.Elapsed.TotalSeconds));
        }
        var bytesPerEval = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (cases.Count * passes * 5);
        var perCpu = runs.Select(r => r.Cpu).Order().ToList();
        var perWall = runs.Select(r => r.Wall).Order().ToList();
        Console.WriteLine($"{lang}: {cases.Count} cases, warm {perCpu[2]:N0} evaluations per CPU second (median of 5; range {perCpu[0]:N0} - {perCpu[4]:N0}), {perWall[2]:N0} per wall-clock second, {bytesPerEval:N0} bytes allocated per evaluation");
        if (args.Length > 1 && args[1] == "--exceptions")
        {
            // exceptions thrown inside one warm pass of each case (overload resolution must not throw on hot paths)
            var thrown = 0;
            AppDomain.CurrentDomain.FirstChanceException += (_, _) => thrown++;
            foreach (var c in cases)
            {
                var before = thrown;
                Corpus.Pass([c]);
                if (thrown > before)
                {
                    Console.WriteLine($"  {thrown - before,3} thrown  {Sirocco.Values.Json.Serialize(c.Expr)}");
                }
            }
        }
        if (args.Length > 1 && args[1] == "--allocations")
        {
            foreach (var (expr, bytes) in Corpus.Hungriest(cases, 25))
            {
                Console.WriteLine($"  {bytes,8:N0} B  {Sirocco.Values.Json.Serialize(expr)}");
            }
        }
        if (args.Length > 1 && args[1] == "--slowest")
        {
            foreach (var (expr, ctx, us) in Corpus.Slowest(cases, 15))
            {
                Console.WriteLine($"  {us,8:N1} us  {Sirocco.Values.Json.Serialize(expr)}");
            }
        }
    }
    return 0;
}
if (args.Length > 0 && args[0] == "--micro")
{
    var ctx = Sirocco.Values.Json.Parse("""{"a": 1, "l": [3, 1, 2], "users": [{"name": "ann", "age": 31}, {"name": "bob", "age": 25}]}""");
    foreach (var text in new[] { "plain", "<% $.a %>", "<% 1 + 2 * 3 %>", "<% $.users.where($.age > 30).name %>", "x <% $.a %> y", "<% $.l.join(',') %>" })
    {
        for (var i = 0; i < 20000; i++)
        {
            Sirocco.Expressions.ExpressionEvaluator.EvaluateRecursively(text, ctx);
        }
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var n = 200000;
        for (var i = 0; i < n; i++)
        {
            Sirocco.Expressions.ExpressionEvaluator.EvaluateRecursively(text, ctx);
        }
        var us = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / n;
        Console.WriteLine($"{us,8:N2} us/eval (CPU)  {text}");
    }
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(ExpressionBenchmarks).Assembly).Run(args);
return 0;

using Sirocco.Expressions;
using Sirocco.Values;

namespace Sirocco.Bench.Expressions;

/// <summary>The benchmark corpus: the public conformance cases that Mistral evaluates without error.</summary>
public static class Corpus
{
    public static List<(object? Expr, object? Ctx)> Load(string lang)
    {
        var result = new List<(object?, object?)>();
        foreach (var line in File.ReadLines(Path.Combine(SharedFolder(), "conformance", "expressions", lang + ".jsonl")))
        {
            if (Json.Parse(line) is not IDictionary<string, object?> c || c["error"] is not null)
            {
                continue;
            }
            if (c.TryGetValue("note", out var note) && note is string n && n.Contains("mutates ctx", StringComparison.Ordinal))
            {
                continue;
            }
            result.Add((c["expr"], c["ctx"]));
        }
        return result;
    }

    public static int Pass(List<(object? Expr, object? Ctx)> cases)
    {
        var n = 0;
        foreach (var (expr, ctx) in cases)
        {
            try
            {
                ExpressionEvaluator.EvaluateRecursively(expr, ctx);
            }
            catch (ExpressionException)
            {
                // the few cases Sirocco still differs on must not stop the pass
            }
            n++;
        }
        return n;
    }

    /// <summary>The slowest cases (microseconds per evaluation), to find hot spots.</summary>
    public static IEnumerable<(object? Expr, object? Ctx, double Micros)> Slowest(List<(object? Expr, object? Ctx)> cases, int count)
    {
        var timed = new List<(object?, object?, double)>();
        foreach (var c in cases)
        {
            var one = new List<(object?, object?)> { c };
            Pass(one);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < 2000; i++)
            {
                Pass(one);
            }
            timed.Add((c.Item1, c.Item2, (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / 2000));
        }
        return timed.OrderByDescending(t => t.Item3).Take(count);
    }

    /// <summary>The cases that allocate most (bytes per evaluation, exact: allocation does not depend on the host's load).</summary>
    public static IEnumerable<(object? Expr, long Bytes)> Hungriest(List<(object? Expr, object? Ctx)> cases, int count)
    {
        var measured = new List<(object?, long)>();
        foreach (var c in cases)
        {
            var one = new List<(object?, object?)> { c };
            Pass(one);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                Pass(one);
            }
            measured.Add((c.Item1, (GC.GetAllocatedBytesForCurrentThread() - before) / 100));
        }
        return measured.OrderByDescending(t => t.Item2).Take(count);
    }

    public static string SharedFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "shared", "conformance")))
            {
                return Path.Combine(dir.FullName, "shared");
            }
        }
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "shared", "conformance")))
            {
                return Path.Combine(dir.FullName, "shared");
            }
        }
        throw new DirectoryNotFoundException("shared/conformance not found");
    }
}

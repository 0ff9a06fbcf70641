using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sirocco.Runtime.Scheduling;

namespace Sirocco.Runtime.Tests.Scheduling;

/// <summary>
/// Patterns mean what they mean to Mistral: the next due times are compared with the real croniter (the Debian
/// python3-croniter that python3-mistral uses), run once for all cases.
/// </summary>
public sealed class CronPatternTests
{
    private static readonly string[] Patterns =
    [
        "* * * * *", "*/5 * * * *", "0 * * * *", "30 2 * * *", "0 0 1 * *", "15 10 * * 1-5", "0 12 * * 1-5/2",
        "0 0 1 * mon", "0 0 1,15 * 3", "0 0 13 * fri", "0 0 */2 * 1", "0 0 1-31 * mon", "0 0 * * 0-6",
        "0 0 L * *", "0 0 * * mon#2", "0 0 * * L5", "0 0 * * 7", "0 0 * * sun-tue", "0 0 * JAN-MAR *", "0 0 29 2 *",
        "5,10,15 3-5 * * *", "10/15 * * * *", "* * * * * *", "* * * * * */10", "*/7 * * * * 5", "0 0 * * * 30",
        "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@midnight", "0 9 * * MON-FRI", "59 23 31 12 *",
    ];

    private static readonly string[] Bases = ["2026-01-31 12:00:00", "2026-02-28 23:59:59", "2028-02-28 10:30:15", "2026-12-31 23:59:30"];

    [Fact]
    public void Next_due_times_match_croniter()
    {
        var expected = Croniter(Patterns, Bases, count: 4);
        var mismatches = new List<string>();
        foreach (var pattern in Patterns)
        {
            var parsed = CronPattern.TryParse(pattern, out var error);
            Assert.True(parsed is not null, $"{pattern}: {error}");
            foreach (var b in Bases)
            {
                var t = DateTime.SpecifyKind(DateTime.ParseExact(b, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc);
                var ours = new List<string>();
                for (var i = 0; i < 4 && parsed!.Next(t) is { } n; i++)
                {
                    ours.Add(n.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                    t = n;
                }

                var theirs = expected[$"{pattern}|{b}"];
                if (!ours.SequenceEqual(theirs))
                {
                    mismatches.Add($"{pattern} after {b}: ours [{string.Join(", ", ours)}], croniter [{string.Join(", ", theirs)}]");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("* * * * * * 2027")]
    [InlineData("60 * * * *")]
    [InlineData("5-3 * * * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("0 0 ? * *")]
    [InlineData("0 0 1W * *")]
    [InlineData("0 0 * * funday")]
    public void Patterns_croniter_refuses_are_refused(string pattern)
    {
        Assert.Null(CronPattern.TryParse(pattern, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        Assert.False(CroniterAccepts(pattern), $"croniter accepts '{pattern}', so should we");
    }

    private static Dictionary<string, List<string>> Croniter(string[] patterns, string[] bases, int count)
    {
        const string script = """
            import json, sys, datetime
            from croniter import croniter
            req = json.load(sys.stdin)
            out = {}
            for p in req["patterns"]:
                for b in req["bases"]:
                    it = croniter(p, datetime.datetime.strptime(b, "%Y-%m-%d %H:%M:%S"))
                    out[p + "|" + b] = [it.get_next(datetime.datetime).strftime("%Y-%m-%d %H:%M:%S") for _ in range(req["count"])]
            print(json.dumps(out))
            """;
        var output = RunPython(script, JsonSerializer.Serialize(new { patterns, bases, count }));
        return JsonSerializer.Deserialize<Dictionary<string, List<string>>>(output)!;
    }

    private static bool CroniterAccepts(string pattern)
    {
        const string script = """
            import sys, datetime
            from croniter import croniter
            try:
                croniter(sys.stdin.read(), datetime.datetime(2026, 1, 1)).get_next(datetime.datetime)
                print("yes")
            except Exception:
                print("no")
            """;
        return RunPython(script, pattern).Trim() == "yes";
    }

    /// <summary>Runs the system python3 (the one python3-mistral's croniter is installed for); its absence fails the test.</summary>
    private static string RunPython(string script, string stdin)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python3 croniter failed (is python3-croniter installed?): {stderr}");
        return stdout.Result;
    }
}

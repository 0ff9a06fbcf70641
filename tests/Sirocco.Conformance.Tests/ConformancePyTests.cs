using System.Diagnostics;
using System.Text.RegularExpressions;
using Sirocco.EndToEnd.Tests;
using Sirocco.Engine.Tests.Conformance;
using Sirocco.Engine.Tests.Support;

namespace Sirocco.Conformance.Tests;

/// <summary>
/// The reference runner itself, <c>python3 shared/tools/conformance.py --base-url URL</c>, against the real
/// <c>sirocco server</c> process: it must report no failure.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class ConformancePyTests(SiroccoProcess server) : IClassFixture<SiroccoProcess>
{
    [Fact]
    public async Task Reference_runner_reports_no_failure_against_the_server_process()
    {
        var script = Path.GetFullPath(Path.Combine(SharedFolder.Conformance, "..", "tools", "conformance.py"));
        Assert.True(File.Exists(script), $"{script} not found");
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--base-url", server.Url, "--timeout", "90", "--verbose" })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start python3");
        var stdoutTask = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderrTask = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        TestContext.Current.TestOutputHelper?.WriteLine(stdout + stderr);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = Summary().Match(lines.LastOrDefault() ?? "");
        Assert.True(summary.Success, $"no 'N passed, N failed' summary (exit {p.ExitCode}):\n{stdout}{stderr}");
        var passed = int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var failed = int.Parse(summary.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ConformanceCase.LoadAll().Count, passed + failed);

        // every failure must be a pending case failing with exactly its known error; anything else fails the test
        var failures = lines.Where(l => l.StartsWith("FAIL ", StringComparison.Ordinal)).ToList();
        Assert.Equal(failed, failures.Count);
        var unexpected = failures.Where(l =>
        {
            var name = l[5..].Split(' ', 2)[0];
            return !PendingCases.All.TryGetValue(name, out var pending) || !l.Contains(pending.Error, StringComparison.Ordinal);
        }).ToList();
        Assert.True(unexpected.Count == 0, $"conformance.py: {lines[^1]}\n{string.Join("\n", unexpected)}");
        if (failed > 0)
        {
            Assert.Skip($"conformance.py: {lines[^1]}; only pending cases failed, with their known error:\n{string.Join("\n", failures)}");
        }

        Assert.Equal(0, p.ExitCode);
    }

    [GeneratedRegex(@"^(\d+) passed, (\d+) failed$")]
    private static partial Regex Summary();
}

using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sirocco.Values;

namespace Sirocco.Expressions.Tests.Jinja;

/// <summary>
/// Runs every case of <c>shared/conformance/expressions/jinja.jsonl</c> (recorded from real Mistral 15) through the
/// public facade and compares value (with int/float/bool fidelity) or error kind. Known differences must be listed
/// in docs/compatibility.md; an unlisted mismatch fails.
/// </summary>
public class JinjaConformanceTests
{
    private readonly ITestOutputHelper _output;

    public JinjaConformanceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    internal sealed record Case(string Id, object? Expr, object? Ctx, object? Result, string? Error, string? ErrorCause, string? Note);

    internal static List<Case> LoadCases()
    {
        var path = Path.Combine(FindUp("shared/conformance"), "expressions", "jinja.jsonl");
        var cases = new List<Case>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var c = (IDictionary<string, object?>)Json.Parse(line)!;
            cases.Add(new Case(
                (string)c["id"]!,
                c["expr"],
                c["ctx"],
                c["result"],
                c["error"] as string,
                c.TryGetValue("error_cause", out var cause) ? cause as string : null,
                c.TryGetValue("note", out var note) ? note as string : null));
        }
        return cases;
    }

    internal static string FindUp(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate) || File.Exists(candidate))
            {
                return candidate;
            }
            dir = dir.Parent;
        }
        throw new InvalidOperationException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Runs one case; null when it matches, else the reason it does not.</summary>
    internal static string? Run(Case c)
    {
        object? actual;
        try
        {
            actual = ExpressionEvaluator.EvaluateRecursively(c.Expr, c.Ctx);
        }
        catch (ExpressionException e)
        {
            if (c.Error == null)
            {
                return $"unexpected error {e.Kind}/{e.CauseKind}: {e.Message}";
            }
            var kind = c.Error[..c.Error.IndexOf(':', StringComparison.Ordinal)];
            var cause = c.ErrorCause?[..c.ErrorCause.IndexOf(':', StringComparison.Ordinal)];
            if (e.Kind != kind)
            {
                return $"error kind {e.Kind}, expected {kind}";
            }
            if (cause != null && e.CauseKind != cause)
            {
                return $"cause {e.CauseKind} ({e.Reason}), expected {c.ErrorCause}";
            }
            var prefix = c.Error[(kind.Length + 2)..];
            var upTo = prefix.IndexOf(", error=", StringComparison.Ordinal);
            if (upTo > 0 && !e.Message.StartsWith(prefix[..upTo], StringComparison.Ordinal))
            {
                return $"message {e.Message}, expected {prefix}";
            }
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"escaped {e.GetType().Name}: {e.Message}";
        }
        if (c.Error != null)
        {
            return $"no error, got {Json.Serialize(actual)}, expected {c.Error}";
        }
        var asSet = c.Note != null && c.Note.StartsWith("set", StringComparison.Ordinal);
        return StrictEqual(c.Result, actual, asSet) ? null : $"got {Json.Serialize(actual)}, expected {Json.Serialize(c.Result)}";
    }

    /// <summary>Equality with type fidelity: int, float and bool never equal one another.</summary>
    internal static bool StrictEqual(object? expected, object? actual, bool asSet = false)
    {
        switch (expected)
        {
            case null:
                return actual is null;
            case bool b:
                return actual is bool ab && ab == b;
            case long l:
                return actual is long actualLong && actualLong == l;
            case BigInteger bi:
                return actual is BigInteger abi && abi == bi;
            case double d:
                return actual is double ad && (ad.Equals(d) || (double.IsNaN(ad) && double.IsNaN(d)));
            case string s:
                return actual is string sa && sa == s;
            case IDictionary<string, object?> map:
                {
                    if (actual is not IDictionary<string, object?> am || am.Count != map.Count)
                    {
                        return false;
                    }
                    foreach (var kv in map)
                    {
                        if (!am.TryGetValue(kv.Key, out var v) || !StrictEqual(kv.Value, v))
                        {
                            return false;
                        }
                    }
                    return true;
                }
            case IList<object?> list:
                {
                    if (actual is not IList<object?> al || al.Count != list.Count)
                    {
                        return false;
                    }
                    if (asSet)
                    {
                        var remaining = al.ToList();
                        foreach (var item in list)
                        {
                            var idx = remaining.FindIndex(x => StrictEqual(item, x));
                            if (idx < 0)
                            {
                                return false;
                            }
                            remaining.RemoveAt(idx);
                        }
                        return true;
                    }
                    for (var i = 0; i < list.Count; i++)
                    {
                        if (!StrictEqual(list[i], al[i]))
                        {
                            return false;
                        }
                    }
                    return true;
                }
            default:
                return false;
        }
    }

    /// <summary>The case ids listed in docs/compatibility.md under "Expressions — Jinja".</summary>
    internal static HashSet<string> ListedDifferences()
    {
        var text = File.ReadAllText(FindUp("docs/compatibility.md"));
        var start = text.IndexOf("## Expressions — Jinja", StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }
        var end = text.IndexOf("\n## ", start + 5, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];
        return Regex.Matches(section, @"jinja-\d{4}").Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void Recorded_Mistral_Cases_Pass_Or_Are_Listed_As_Known_Differences()
    {
        var cases = LoadCases();
        Assert.True(cases.Count > 250, "the corpus should have been found");
        var failures = new List<(string Id, string Reason)>();
        foreach (var c in cases)
        {
            if (Run(c) is { } reason)
            {
                failures.Add((c.Id, reason));
            }
        }
        var listed = ListedDifferences();
        var report = new StringBuilder();
        foreach (var (id, reason) in failures)
        {
            report.AppendLine($"{id}{(listed.Contains(id) ? " (listed)" : string.Empty)}: {reason}");
        }
        var passRate = (cases.Count - failures.Count) / (double)cases.Count;
        _output.WriteLine($"jinja conformance: {cases.Count - failures.Count}/{cases.Count} ({passRate:P1})");
        _output.WriteLine(report.ToString());
        var unlisted = failures.Where(f => !listed.Contains(f.Id)).ToList();
        Assert.True(unlisted.Count == 0, $"{unlisted.Count} failing cases are not listed in docs/compatibility.md:\n{report}");
        Assert.True(passRate >= 0.98, $"pass rate {passRate:P1} is below 98%:\n{report}");
    }
}

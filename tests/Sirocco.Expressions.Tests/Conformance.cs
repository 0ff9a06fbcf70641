using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Sirocco.Values;

namespace Sirocco.Expressions.Tests;

/// <summary>Runs a conformance file of ../shared/conformance/expressions against <see cref="ExpressionEvaluator"/>.</summary>
public static partial class Conformance
{
    public sealed record Case(string Id, object? Expr, object? Ctx, object? Result, string? Error, string? ErrorCause, string? Note);

    public sealed record Outcome(Case Case, bool Passed, string Detail);

    public static string SharedFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(dir.FullName, "shared");
            }
        }
        throw new DirectoryNotFoundException("shared/conformance not found above " + AppContext.BaseDirectory);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sirocco.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("repository root not found");
    }

    public static List<Case> Load(string file)
    {
        var cases = new List<Case>();
        foreach (var line in File.ReadLines(Path.Combine(SharedFolder(), "conformance", "expressions", file)))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var c = (IDictionary<string, object?>)Json.Parse(line)!;
            cases.Add(new Case((string)c["id"]!, c["expr"], c["ctx"], c["result"], c["error"] as string, c.TryGetValue("error_cause", out var ec) ? ec as string : null, c.TryGetValue("note", out var n) ? n as string : null));
        }
        return cases;
    }

    public static Outcome Run(Case c)
    {
        object? actual;
        try
        {
            actual = ExpressionEvaluator.EvaluateRecursively(c.Expr, c.Ctx);
        }
        catch (ExpressionException e)
        {
            if (c.Error is null)
            {
                return new Outcome(c, false, $"unexpected error {e.Kind}/{e.CauseKind}: {e.Message}");
            }
            var kind = c.Error[..c.Error.IndexOf(':', StringComparison.Ordinal)];
            var cause = c.ErrorCause is null ? null : c.ErrorCause[..c.ErrorCause.IndexOf(':', StringComparison.Ordinal)];
            if (e.Kind != kind)
            {
                return new Outcome(c, false, $"error kind {e.Kind}, expected {kind}");
            }
            if (cause is not null && e.CauseKind != cause)
            {
                return new Outcome(c, false, $"cause {e.CauseKind} ({e.Reason}), expected {c.ErrorCause}");
            }
            return new Outcome(c, true, string.Empty);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Outcome(c, false, $"escaped {e.GetType().Name}: {e.Message}");
        }
        if (c.Error is not null)
        {
            return new Outcome(c, false, $"expected error {c.ErrorCause ?? c.Error}, got {Json.Serialize(actual)}");
        }
        var same = c.Note == "set" && actual is IList<object?> al && c.Result is IList<object?> el
            ? SameMultiset(al, el)
            : Same(actual, c.Result);
        return same ? new Outcome(c, true, string.Empty) : new Outcome(c, false, $"got {Json.Serialize(actual)}, expected {Json.Serialize(c.Result)}");
    }

    private static bool SameMultiset(IList<object?> a, IList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        var rest = b.ToList();
        foreach (var x in a)
        {
            var i = rest.FindIndex(y => Same(x, y));
            if (i < 0)
            {
                return false;
            }
            rest.RemoveAt(i);
        }
        return true;
    }

    /// <summary>Equality with type fidelity: int, float and bool never equal each other.</summary>
    public static bool Same(object? a, object? b)
    {
        switch (a)
        {
            case null:
                return b is null;
            case bool x:
                return b is bool y && x == y;
            case long or int or BigInteger:
                return b is long or int or BigInteger && ValueEquality.AreEqual(a, b);
            case double d:
                return b is double e && (d.Equals(e));
            case string s:
                return b is string t && s == t;
            case IDictionary<string, object?> m:
                {
                    if (b is not IDictionary<string, object?> n || m.Count != n.Count)
                    {
                        return false;
                    }
                    foreach (var kv in m)
                    {
                        if (!n.TryGetValue(kv.Key, out var v) || !Same(kv.Value, v))
                        {
                            return false;
                        }
                    }
                    return true;
                }
            case IList<object?> l:
                {
                    if (b is not IList<object?> k || l.Count != k.Count)
                    {
                        return false;
                    }
                    for (var i = 0; i < l.Count; i++)
                    {
                        if (!Same(l[i], k[i]))
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

    /// <summary>The case ids listed in a section of docs/compatibility.md.</summary>
    public static HashSet<string> ListedIds(string section, string prefix)
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "compatibility.md");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return ids;
        }
        var inSection = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.Contains(section, StringComparison.Ordinal);
                continue;
            }
            if (inSection)
            {
                foreach (Match m in Regex.Matches(line, prefix + @"-\d{4}"))
                {
                    ids.Add(m.Value);
                }
            }
        }
        return ids;
    }

    public static string Describe(IEnumerable<Outcome> failures)
    {
        var sb = new StringBuilder();
        foreach (var f in failures)
        {
            sb.Append(f.Case.Id).Append(' ').Append(f.Case.Expr is string s ? s : Json.Serialize(f.Case.Expr)).Append(" -> ").AppendLine(f.Detail);
        }
        return sb.ToString();
    }
}

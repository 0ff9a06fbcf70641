namespace Sirocco.Expressions.Tests.Yaql;

public class YaqlConformanceTests
{
    [Fact]
    public void Yaql_Cases_Recorded_From_Mistral_Pass_Or_Are_Listed_In_Compatibility_Doc()
    {
        var cases = Conformance.Load("yaql.jsonl");
        var outcomes = cases.Select(Conformance.Run).ToList();
        var failures = outcomes.Where(o => !o.Passed).ToList();
        var listed = Conformance.ListedIds("Expressions — YAQL", "yaql");
        var unlisted = failures.Where(f => !listed.Contains(f.Case.Id)).ToList();
        var rate = (double)(outcomes.Count - failures.Count) / outcomes.Count;
        TestContext.Current.SendDiagnosticMessage($"YAQL conformance: {outcomes.Count - failures.Count}/{outcomes.Count} ({rate:P1})\n{Conformance.Describe(failures)}");
        Assert.True(unlisted.Count == 0, "failing cases not listed in docs/compatibility.md:\n" + Conformance.Describe(unlisted));
        Assert.True(rate >= 0.98, $"pass rate {rate:P1} below 98%:\n{Conformance.Describe(failures)}");
    }
}

using Sirocco.Engine.Tests.Conformance;

namespace Sirocco.Conformance.Tests;

/// <summary>
/// Every case of <c>shared/conformance/workflows</c> through the REST API of a running server (in process, real
/// HTTP on loopback, SQLite), compared with the outcome recorded from real Mistral 15.
/// </summary>
public sealed class RestConformanceTests(InProcessServer server) : IClassFixture<InProcessServer>
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceCase.LoadAll())
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Fact]
    public void The_corpus_is_there()
    {
        // a missing or moved corpus must not turn into an empty, green theory
        Assert.True(ConformanceCase.LoadAll().Count >= 77, "shared/conformance/workflows has fewer than 77 cases");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Case_over_REST_matches_Mistral(string name)
    {
        var c = ConformanceCase.LoadAll().Single(x => x.Name == name);
        var problems = await new RestConformanceRunner(server.Http).RunAsync(c);
        if (problems.Count > 0 && PendingCases.All.TryGetValue(name, out var pending)
            && problems.All(p => p.Contains(pending.Error, StringComparison.Ordinal)))
        {
            Assert.Skip($"pending: {pending.Reason}; now: {string.Join("; ", problems)}");
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task The_runner_reports_a_wrong_expectation()
    {
        // the comparison itself must be able to fail, or a green run means nothing
        var c = ConformanceCase.LoadAll().Single(x => x.Name.StartsWith("002-", StringComparison.Ordinal));
        var tasks = (OrderedDictionary<string, object?>)c.Expect["tasks"]!;
        ((OrderedDictionary<string, object?>)tasks["recover"]!)["state"] = "ERROR";
        c.Expect["state"] = "ERROR";
        var problems = await new RestConformanceRunner(server.Http).RunAsync(c);
        Assert.Contains(problems, p => p.StartsWith("state SUCCESS, expected ERROR", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("task recover: state SUCCESS", StringComparison.Ordinal));
    }
}

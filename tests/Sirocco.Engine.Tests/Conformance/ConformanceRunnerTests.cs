namespace Sirocco.Engine.Tests.Conformance;

/// <summary>The comparison itself must be able to fail, or a green conformance run means nothing.</summary>
public class ConformanceRunnerTests
{
    [Fact]
    public void A_wrong_expected_output_is_reported()
    {
        var c = ConformanceCase.LoadAll().Single(x => x.Name.StartsWith("001-", StringComparison.Ordinal));
        ((OrderedDictionary<string, object?>)c.Expect["output"]!)["size"] = 11L;
        var problems = ConformanceRunner.Run(c);
        Assert.Contains(problems, p => p.Contains("output.size", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_task_state_is_reported()
    {
        var c = ConformanceCase.LoadAll().Single(x => x.Name.StartsWith("002-", StringComparison.Ordinal));
        var tasks = (OrderedDictionary<string, object?>)c.Expect["tasks"]!;
        ((OrderedDictionary<string, object?>)tasks["recover"]!)["state"] = "ERROR";
        var problems = ConformanceRunner.Run(c);
        Assert.Contains(problems, p => p.Contains("task recover", StringComparison.Ordinal));
    }
}

namespace Sirocco.Engine.Tests.Conformance;

/// <summary>
/// Every case of <c>shared/conformance/workflows</c> through the engine, in memory. Cases that do not pass yet
/// are listed in <see cref="NotYetPassing"/> with the reason; they are skipped, so an unlisted case that fails is a
/// regression.
/// </summary>
public class ConformanceTests
{
    /// <summary>Known gaps, by case name, with the reason.</summary>
    private static readonly Dictionary<string, string> NotYetPassing = new(StringComparer.Ordinal)
    {
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in ConformanceCase.LoadAll())
        {
            data.Add(c.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Conformance_case_matches_Mistral(string name)
    {
        if (NotYetPassing.TryGetValue(name, out var reason))
        {
            Assert.Skip(reason);
        }
        var c = ConformanceCase.LoadAll().Single(x => x.Name == name);
        List<string> problems;
        try
        {
            problems = ConformanceRunner.Run(c);
        }
        catch (Exception e)
        {
            problems = [$"exception: {e}"];
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

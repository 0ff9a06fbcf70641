using System.Text.RegularExpressions;

namespace Sirocco.Engine.Tests.Context;

public partial class IdGeneratorTests
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version4Uuid();

    [Fact]
    public void Production_ids_are_distinct_version_4_uuids_across_buffer_refills_and_threads()
    {
        // 2,000 ids per thread: several refills of the per-thread random buffer (256 ids each)
        var perThread = Enumerable.Range(0, 4).AsParallel().Select(_ =>
            Enumerable.Range(0, 2000).Select(_ => GuidIdGenerator.Instance.NewId()).ToList()).ToList();
        var all = perThread.SelectMany(ids => ids).ToList();

        Assert.All(all, id => Assert.Matches(Version4Uuid(), id));
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
    }
}

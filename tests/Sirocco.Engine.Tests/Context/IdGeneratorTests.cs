using System.Globalization;
using System.Text.RegularExpressions;

namespace Sirocco.Engine.Tests.Context;

public partial class IdGeneratorTests
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version7Uuid();

    [Fact]
    public void Production_ids_are_distinct_version_7_uuids_across_buffer_refills_and_threads()
    {
        // 2,000 ids per thread: several refills of the per-thread random buffer (512 ids each)
        var perThread = Enumerable.Range(0, 4).AsParallel().Select(_ =>
            Enumerable.Range(0, 2000).Select(_ => GuidIdGenerator.Instance.NewId()).ToList()).ToList();
        var all = perThread.SelectMany(ids => ids).ToList();

        Assert.All(all, id => Assert.Matches(Version7Uuid(), id));
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
        // ids made one after another sort one after another, as text (thousands per millisecond included)
        Assert.All(perThread, ids => Assert.Equal(ids.Order(StringComparer.Ordinal), ids));
    }

    [Fact]
    public void A_production_id_starts_with_the_time_it_was_made()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = GuidIdGenerator.Instance.NewId();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var millis = long.Parse(id[..8] + id[9..13], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        // the sequence may borrow a few milliseconds ahead when ids are made faster than 4,096 per millisecond
        Assert.InRange(millis, before, after + 100);
    }
}

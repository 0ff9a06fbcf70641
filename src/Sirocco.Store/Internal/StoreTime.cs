using System.Globalization;

namespace Sirocco.Store.Internal;

/// <summary>Timestamp conventions: resource times as Mistral's second-precision text, work-table times as Unix ms.</summary>
internal static class StoreTime
{
    public const string Format = "yyyy-MM-dd HH:mm:ss";

    /// <summary>Now, in UTC, truncated to whole seconds (Mistral drops microseconds when it stores a time).</summary>
    public static DateTime Now(TimeProvider clock)
    {
        var t = clock.GetUtcNow().UtcDateTime;
        return new DateTime(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    public static string ToText(DateTime t)
    {
        // A step stamps most rows with the same time: format it once.
        var last = _last;
        if (last is not null && last.Time == t)
        {
            return last.Text;
        }

        var text = t.ToString(Format, CultureInfo.InvariantCulture);
        _last = new FormattedTime(t, text);
        return text;
    }

    private static FormattedTime? _last;

    private sealed record FormattedTime(DateTime Time, string Text);

    public static object ToDb(DateTime? t) => t is { } v ? ToText(v) : DBNull.Value;

    public static DateTime Parse(string text) =>
        DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public static long UnixMs(TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();
}

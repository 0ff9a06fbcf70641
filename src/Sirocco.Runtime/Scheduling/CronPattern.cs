using System.Globalization;
using Cronos;

namespace Sirocco.Runtime.Scheduling;

/// <summary>
/// A cron trigger's pattern with Mistral's (croniter's) meaning, evaluated by Cronos: five fields
/// (minute hour day-of-month month day-of-week) or six with the SECONDS LAST (croniter's order; Cronos wants them
/// first); the <c>@hourly</c>-style aliases; names (<c>mon</c>, <c>jan</c>); <c>L</c> (last day of month),
/// <c>mon#2</c> and croniter's <c>L5</c> (last Friday). As in Vixie cron and croniter, a day-of-month and a
/// day-of-week that are both restricted match either (Cronos alone would want both). Always UTC.
/// </summary>
public sealed class CronPattern
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
        ["@daily"] = "0 0 * * *",
        ["@weekly"] = "0 0 * * 0",
        ["@monthly"] = "0 0 1 * *",
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
    };

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    // one or two Cronos expressions; with two (day-of-month OR day-of-week) the earlier occurrence wins
    private readonly CronExpression[] _expressions;

    private CronPattern(string text, CronExpression[] expressions, bool hasSeconds)
    {
        Text = text;
        _expressions = expressions;
        HasSeconds = hasSeconds;
    }

    /// <summary>The pattern as given.</summary>
    public string Text { get; }

    /// <summary>Whether the pattern has a seconds field (six fields).</summary>
    public bool HasSeconds { get; }

    /// <summary>Parses a pattern; null with a reason when croniter would refuse it.</summary>
    public static CronPattern? TryParse(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the pattern is empty";
            return null;
        }

        var lowered = text.Trim().ToLowerInvariant();
        if (Aliases.TryGetValue(lowered, out var alias))
        {
            lowered = alias;
        }

        var fields = lowered.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            error = "exactly 5 or 6 fields are expected (minute hour day-of-month month day-of-week [second])";
            return null;
        }

        // croniter knows neither '?' nor 'W' (Cronos would take them)
        if (fields.Any(f => f.Contains('?', StringComparison.Ordinal) || f.Replace("wed", "", StringComparison.Ordinal).Contains('w', StringComparison.Ordinal)))
        {
            error = "'?' and 'W' are not supported";
            return null;
        }

        // Cronos reads "5-3" as a range that wraps around; croniter refuses it
        for (var i = 0; i < fields.Length; i++)
        {
            if (HasReversedRange(fields[i], i))
            {
                error = $"the range in '{fields[i]}' goes backwards";
                return null;
            }
        }

        var dow = TranslateLastWeekday(fields[4]);
        var dom = fields[2];
        var seconds = fields.Length == 6 ? fields[5] + " " : "";
        var format = fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        string Expression(string d, string w) => $"{seconds}{fields[0]} {fields[1]} {d} {fields[3]} {w}";
        try
        {
            CronExpression[] expressions = IsRestricted(dom, 1, 31) && IsRestricted(dow, 0, 6)
                ? [CronExpression.Parse(Expression(dom, "*"), format), CronExpression.Parse(Expression("*", dow), format)]
                : [CronExpression.Parse(Expression(dom, dow), format)];
            var pattern = new CronPattern(text, expressions, fields.Length == 6);
            return pattern;
        }
        catch (CronFormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC), or null when there is none.</summary>
    public DateTime? Next(DateTime after)
    {
        var from = DateTime.SpecifyKind(after, DateTimeKind.Utc);
        DateTime? best = null;
        foreach (var e in _expressions)
        {
            if (e.GetNextOccurrence(from, inclusive: false) is { } n && (best is null || n < best))
            {
                best = n;
            }
        }

        return best;
    }

    /// <summary>The occurrences in <c>[from, to]</c> (both inclusive), in order.</summary>
    public IEnumerable<DateTime> Between(DateTime from, DateTime to)
    {
        var t = DateTime.SpecifyKind(from, DateTimeKind.Utc).AddTicks(-1);
        while (Next(t) is { } n && n <= to)
        {
            yield return n;
            t = n;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    // croniter's "L5" (the last Friday of the month) is Cronos' "5L"
    private static string TranslateLastWeekday(string dow) =>
        string.Join(",", dow.Split(',').Select(item =>
            item.Length == 2 && item[0] == 'l' && char.IsAsciiDigit(item[1]) ? $"{item[1]}l" : item));

    /// <summary>
    /// croniter's test for the OR rule: a day field is unrestricted when it expands to every value of its range
    /// (<c>*</c>, <c>*/1</c>, <c>1-31</c>, <c>0-6</c>, <c>sun-sat</c>); <c>L</c> and <c>#</c> always restrict.
    /// </summary>
    private static bool IsRestricted(string field, int min, int max)
    {
        var seen = new HashSet<int>();
        foreach (var item in field.Split(','))
        {
            if (item.Contains('l', StringComparison.Ordinal) || item.Contains('#', StringComparison.Ordinal))
            {
                return true;
            }

            var (range, step) = item.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var st) && st > 0 => (r, st),
                _ => ("", 0),
            };
            if (step == 0)
            {
                return true;
            }

            int lo, hi;
            if (range == "*")
            {
                (lo, hi) = (min, max);
            }
            else if (range.Split('-') is [var a, var b] && Value(a, max) is { } va && Value(b, max) is { } vb)
            {
                (lo, hi) = (va, vb == 0 && max == 6 ? 7 : vb);
            }
            else if (Value(range, max) is { } single)
            {
                (lo, hi) = (single, item.Contains('/', StringComparison.Ordinal) ? max : single);
            }
            else
            {
                return true;
            }

            for (var v = lo; v <= hi; v += step)
            {
                seen.Add(max == 6 && v == 7 ? 0 : v);
            }
        }

        return seen.Count < max - min + 1;
    }

    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static bool HasReversedRange(string field, int position)
    {
        foreach (var item in field.Split(','))
        {
            if (item.Split('/')[0].Split('-') is not [var a, var b])
            {
                continue;
            }

            int? Number(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : position == 4 && Array.IndexOf(DayNames, s) is >= 0 and var d ? d
                : position == 3 && Array.IndexOf(MonthNames, s) is >= 0 and var m ? m + 1
                : null;
            if (Number(a) is { } lo && Number(b) is { } hi && lo > hi && !(position == 4 && hi == 0))
            {
                return true;
            }
        }

        return false;
    }

    private static int? Value(string text, int max)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        var day = max == 6 ? Array.IndexOf(DayNames, text) : -1;
        return day >= 0 ? day : null;
    }
}

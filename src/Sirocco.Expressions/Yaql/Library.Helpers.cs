using System.Globalization;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Sirocco.Expressions.Functions;
using Sirocco.Values;

namespace Sirocco.Expressions.Yaql;

internal static partial class Library
{
    private static YaqlIterator Lazy(Call c, IEnumerable<object?> source)
    {
        var budget = c.Interp.Budget;
        return new YaqlIterator(Counted(budget, source));
    }

    private static IEnumerable<object?> Counted(Budget budget, IEnumerable<object?> source)
    {
        foreach (var item in source)
        {
            budget.Step();
            yield return item;
        }
    }

    private static long CodePoints(string s)
    {
        long n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (!(char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])))
            {
                n++;
            }
        }
        return n;
    }

    private static object? FirstLast(Call c, bool first)
    {
        c.Arity(1, 2, "default");
        var src = c.Iterable(0);
        var hasDefault = c.Has(1, "default");
        if (first)
        {
            foreach (var x in src)
            {
                return x;
            }
        }
        else
        {
            var items = c.Interp.Materialize(src);
            if (items.Count > 0)
            {
                return items[^1];
            }
        }
        return hasDefault ? c.Arg(1, "default") : throw new YaqlRuntimeException("StopIteration", string.Empty);
    }

    private static bool Greater(Interpreter interp, object? a, object? b) => (bool)Operators.Binary(interp, ">", a, b)!;

    private static object? MinMax(Call c, bool max)
    {
        c.Arity(1, 2, "initial");
        var items = c.Interp.Materialize(c.Iterable(0));
        object? acc;
        var start = 0;
        if (c.Has(1, "initial"))
        {
            acc = c.Arg(1, "initial");
        }
        else
        {
            if (items.Count == 0)
            {
                throw YaqlRuntimeException.TypeError($"{(max ? "max" : "min")}() arg is an empty sequence");
            }
            acc = items[0];
            start = 1;
        }
        for (var i = start; i < items.Count; i++)
        {
            if (max ? Greater(c.Interp, items[i], acc) : Greater(c.Interp, acc, items[i]))
            {
                acc = items[i];
            }
        }
        return acc;
    }

    private static object? Aggregate(Call c)
    {
        c.Arity(2, 3);
        var f = c.Lambda(1);
        var items = c.Interp.Materialize(c.Iterable(0));
        object? acc;
        var start = 0;
        if (c.Count == 3)
        {
            acc = c.Arg(2);
        }
        else
        {
            if (items.Count == 0)
            {
                throw YaqlRuntimeException.TypeError("reduce() of empty iterable with no initial value");
            }
            acc = items[0];
            start = 1;
        }
        for (var i = start; i < items.Count; i++)
        {
            acc = f([acc, items[i]]);
        }
        return acc;
    }

    /// <summary>A sorted sequence that remembers its sort keys for thenBy.</summary>
    private sealed record Ordering(List<object?> Source, List<(Func<object?, object?> Key, bool Descending)> Keys);

    private sealed class OrderedIterator(IEnumerable<object?> source, Ordering ordering) : YaqlIterator(source)
    {
        public Ordering Ordering { get; } = ordering;
    }

    private static object Order(Call c, bool descending, bool then)
    {
        c.Arity(2, 2);
        var key = c.Lambda1(1);
        List<object?> source;
        List<(Func<object?, object?>, bool)> keys;
        if (then)
        {
            if (c.Arg(0) is not OrderedIterator it)
            {
                throw NoMatchException.Instance;
            }
            var previous = it.Ordering;
            source = previous.Source;
            keys = [.. previous.Keys, (key, descending)];
        }
        else
        {
            source = c.Interp.Materialize(c.Iterable(0));
            keys = [(key, descending)];
        }
        var interp = c.Interp;
        return new OrderedIterator(SortLazily(interp, source, keys), new Ordering(source, keys));
    }

    private static IEnumerable<object?> SortLazily(Interpreter interp, List<object?> source, List<(Func<object?, object?> Key, bool Descending)> keys)
    {
        var keyed = source.Select(x => (Item: x, Keys: keys.Select(k => k.Key(x)).ToArray())).ToList();
        var sorted = keyed.Order(Comparer<(object? Item, object?[] Keys)>.Create((a, b) =>
        {
            for (var i = 0; i < keys.Count; i++)
            {
                var cmp = Greater(interp, a.Keys[i], b.Keys[i]) ? 1 : Greater(interp, b.Keys[i], a.Keys[i]) ? -1 : 0;
                if (cmp != 0)
                {
                    return keys[i].Descending ? -cmp : cmp;
                }
            }
            return 0;
        })).ToList();
        foreach (var x in sorted)
        {
            yield return x.Item;
        }
    }

    private static IEnumerable<object?> Distinct(IEnumerable<object?> src, Func<object?, object?>? key)
    {
        var seen = new List<object?>();
        var hashed = new HashSet<object?>(ValueEquality.Instance);
        foreach (var x in src)
        {
            var k = key is null ? x : key(x);
            if (k is List<object?> or IDictionary<string, object?> or YaqlSet)
            {
                if (seen.Any(s => Operators.AreEqual(s, k)))
                {
                    continue;
                }
                seen.Add(k);
            }
            else if (!hashed.Add(k))
            {
                continue;
            }
            yield return x;
        }
    }

    private static IEnumerable<object?> Flatten(IEnumerable<object?> src, int depth)
    {
        if (depth > 200)
        {
            throw new YaqlRuntimeException("LimitExceeded", "collection nested too deeply to flatten");
        }
        foreach (var x in src)
        {
            if (Call.AsIterable(x) is { } inner)
            {
                foreach (var y in Flatten(inner, depth + 1))
                {
                    yield return y;
                }
            }
            else
            {
                yield return x;
            }
        }
    }

    private static IEnumerable<object?> Range(long start, long stop, long step)
    {
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            yield return i;
        }
    }

    private static IEnumerable<object?> Sequence(long start, long step)
    {
        for (var i = start; ; i += step)
        {
            yield return i;
        }
    }

    private static IEnumerable<object?> Cycle(List<object?> items)
    {
        if (items.Count == 0)
        {
            yield break;
        }
        while (true)
        {
            foreach (var x in items)
            {
                yield return x;
            }
        }
    }

    private static YaqlSet Set(Call c, int i) => c.Arg(i) as YaqlSet ?? new YaqlSet(c.Iterable(i));

    private static object IntArg(Call c, int i) => Operators.IsInt(c.Arg(i)) ? c.Arg(i)! : throw NoMatchException.Instance;

    private static object ToInt(object? v)
    {
        switch (v)
        {
            case null:
                return 0L;
            case bool b:
                return b ? 1L : 0L;
            case long or BigInteger:
                return v;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    throw YaqlRuntimeException.ValueError("cannot convert float NaN to integer");
                }
                return Operators.Normalize(new BigInteger(Math.Truncate(d)));
            case string s:
                {
                    var t = PyStrip(s).Replace("_", string.Empty, StringComparison.Ordinal);
                    if (t.Length > 0 && BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bi) && !t.Contains(' ', StringComparison.Ordinal))
                    {
                        return Operators.Normalize(bi);
                    }
                    throw YaqlRuntimeException.ValueError($"invalid literal for int() with base 10: {PyText.Repr(s)}");
                }
            default:
                throw YaqlRuntimeException.TypeError($"int() argument must be a string, a bytes-like object or a real number, not '{YaqlTypeName(v)}'");
        }
    }

    private static object ToFloat(object? v)
    {
        switch (v)
        {
            case null:
                return 0.0;
            case bool b:
                return b ? 1.0 : 0.0;
            case long or BigInteger or double:
                return Operators.Dbl(v);
            case string s:
                {
                    var t = PyStrip(s).ToLowerInvariant();
                    switch (t)
                    {
                        case "inf" or "+inf" or "infinity" or "+infinity": return double.PositiveInfinity;
                        case "-inf" or "-infinity": return double.NegativeInfinity;
                        case "nan" or "+nan" or "-nan": return double.NaN;
                    }
                    if (t.Length > 0 && double.TryParse(t.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    {
                        return d;
                    }
                    throw YaqlRuntimeException.ValueError($"could not convert string to float: {PyText.Repr(s)}");
                }
            default:
                throw YaqlRuntimeException.TypeError($"float() argument must be a string or a real number, not '{YaqlTypeName(v)}'");
        }
    }

    /// <summary>Type names as yaql's values show them in Python errors (context lists are tuples, dicts FrozenDicts).</summary>
    public static string YaqlTypeName(object? v) => v switch
    {
        List<object?> => "tuple",
        IDictionary<string, object?> => "FrozenDict",
        _ => PyText.TypeName(v),
    };

    private static object Let(Call c, bool setDollar)
    {
        var scope = new Scope(c.Scope);
        for (var i = 0; i < c.Count; i++)
        {
            var v = c.Arg(i);
            scope.Set((i + 1).ToString(CultureInfo.InvariantCulture), v);
            if (setDollar && i == 0)
            {
                scope.Set(string.Empty, v);
            }
        }
        foreach (var name in c.Named.Keys)
        {
            scope.Set(name, c.Arg(int.MaxValue, name));
        }
        return new YaqlContextValue(scope);
    }

    private static OrderedDictionary<string, object?> Merge(IDictionary<string, object?> a, IDictionary<string, object?> b)
    {
        var result = new OrderedDictionary<string, object?>(a);
        foreach (var kv in b)
        {
            if (result.TryGetValue(kv.Key, out var existing))
            {
                if (existing is IDictionary<string, object?> da && kv.Value is IDictionary<string, object?> db)
                {
                    result[kv.Key] = Merge(da, db);
                    continue;
                }
                if (existing is List<object?> la && kv.Value is List<object?> lb)
                {
                    result[kv.Key] = Distinct(la.Concat(lb), null).ToList();
                    continue;
                }
            }
            result[kv.Key] = kv.Value;
        }
        return result;
    }

    private static string Upper(string s) => s.ToUpperInvariant().Replace("ß", "SS", StringComparison.Ordinal);

    /// <summary>Python's str.strip() with no argument (whitespace).</summary>
    public static string PyStrip(string s) => s.Trim();

    private static List<object?> Split(string s, string? sep, long max)
    {
        var result = new List<object?>();
        if (sep is null)
        {
            var parts = s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (max < 0 || parts.Length <= max + 1)
            {
                result.AddRange(parts);
                return result;
            }
            // keep the remainder as Python does: split max times from the left
            var rest = s.TrimStart();
            for (var i = 0; i < max; i++)
            {
                var idx = rest.IndexOfAny([' ', '\t', '\n', '\r', '\f', '\v']);
                result.Add(rest[..idx]);
                rest = rest[idx..].TrimStart();
            }
            result.Add(rest);
            return result;
        }
        if (sep.Length == 0)
        {
            throw YaqlRuntimeException.ValueError("empty separator");
        }
        var pieces = max < 0 ? s.Split(sep) : s.Split(sep, (int)Math.Min(max + 1, int.MaxValue));
        result.AddRange(pieces);
        return result;
    }

    private static string JoinItems(Call c, string sep, IEnumerable<object?> items)
    {
        var sb = new StringBuilder();
        var first = true;
        foreach (var x in items)
        {
            c.Interp.Budget.Step();
            if (!first)
            {
                sb.Append(sep);
            }
            first = false;
            sb.Append(x switch { null => "null", bool b => b ? "true" : "false", _ => YaqlValues.Str(x) });
            c.Interp.Budget.CheckSize(sb.Length);
        }
        return sb.ToString();
    }

    private static string ReplaceCount(Call c, string s, string old, string @new, long count)
    {
        if (count < 0)
        {
            if (old.Length == 0)
            {
                c.Interp.Budget.CheckSize(((long)s.Length + 1) * (@new.Length + 1));
            }
            var result = old.Length == 0 ? string.Concat(s.Select(ch => @new + ch)) + @new : s.Replace(old, @new, StringComparison.Ordinal);
            c.Interp.Budget.CheckSize(result.Length);
            return result;
        }
        var sb = new StringBuilder();
        var pos = 0;
        for (var i = 0; i < count; i++)
        {
            var idx = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (idx < 0 || old.Length == 0)
            {
                break;
            }
            sb.Append(s, pos, idx - pos).Append(@new);
            pos = idx + old.Length;
        }
        sb.Append(s, pos, s.Length - pos);
        return sb.ToString();
    }

    private static string RegexReplace(YaqlRegex rx, string s, string replacement, long count)
    {
        // Python's \1 / \g<name> group references become .NET's $1 / ${name}.
        var repl = Regex.Replace(replacement.Replace("$", "$$", StringComparison.Ordinal), @"\\(\d+)|\\g<(\w+)>", m => m.Groups[1].Success ? "${" + m.Groups[1].Value + "}" : "${" + m.Groups[2].Value + "}");
        return rx.Regex.Replace(s, repl, count <= 0 ? -1 : (int)Math.Min(count, int.MaxValue));
    }

    private static OrderedDictionary<string, object?> MatchDict(Group g) => new()
    {
        ["value"] = g.Value,
        ["start"] = (long)g.Index,
        ["end"] = (long)(g.Index + g.Length),
    };

    private static object? Groups(Call c, int lambdaIndex, Match m)
    {
        // the selector gets the groups as positional arguments: $1 (and $) is the whole match, $2 the first group, ...
        var node = c.Node(lambdaIndex);
        var groups = new object?[m.Groups.Count];
        for (var i = 0; i < m.Groups.Count; i++)
        {
            groups[i] = m.Groups[i].Success ? MatchDict(m.Groups[i]) : null;
        }
        return c.Interp.Eval(node, Scope.ForLambda(c.Scope, groups));
    }

    /// <summary>Compiles a Python regular expression as a .NET one (named groups and \Z translated); errors as Python's re.error.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, RegexOptions), Regex> RegexCache = new();

    public static Regex CompileRegex(string pattern, RegexOptions options)
    {
        if (RegexCache.TryGetValue((pattern, options), out var cached))
        {
            return cached;
        }
        if (RegexCache.Count > 1000)
        {
            RegexCache.Clear();
        }
        var compiled = CompileRegexUncached(pattern, options);
        RegexCache[(pattern, options)] = compiled;
        return compiled;
    }

    private static Regex CompileRegexUncached(string pattern, RegexOptions options)
    {
        var translated = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal).Replace("(?P=", "\\k<", StringComparison.Ordinal).Replace("\\Z", "\\z", StringComparison.Ordinal);
        try
        {
            return new Regex(translated, options | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
        }
        catch (ArgumentException e)
        {
            throw new YaqlRuntimeException("error", e.Message);
        }
    }

    private static string PyReEscape(string s)
    {
        var sb = new StringBuilder();
        foreach (var ch in s)
        {
            if ("()[]{}?*+-|^$\\.&~# \t\n\r\v\f".Contains(ch, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    private static object DateTimeFunction(Call c)
    {
        if (c.Count >= 1 && c.Arg(0) is string text)
        {
            c.Arity(1, 2);
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return new YaqlDateTime(parsed);
            }
            throw YaqlRuntimeException.ValueError($"String does not contain a date: {text}");
        }
        c.Arity(0, 7, "year", "month", "day", "hour", "minute", "second", "microsecond", "offset");
        long P(int i, string n, long d) => c.Has(i, n) ? c.Int(i, n) : d;
        var year = P(0, "year", 1);
        var month = P(1, "month", 1);
        var day = P(2, "day", 1);
        var hour = P(3, "hour", 0);
        var minute = P(4, "minute", 0);
        var second = P(5, "second", 0);
        var micro = P(6, "microsecond", 0);
        if (year is < 1 or > 9999)
        {
            throw YaqlRuntimeException.ValueError($"year {year} is out of range");
        }
        if (month is < 1 or > 12)
        {
            throw YaqlRuntimeException.ValueError("month must be in 1..12");
        }
        if (day < 1 || day > DateTime.DaysInMonth((int)year, (int)month))
        {
            throw YaqlRuntimeException.ValueError("day is out of range for month");
        }
        if (hour is < 0 or > 23)
        {
            throw YaqlRuntimeException.ValueError("hour must be in 0..23");
        }
        if (minute is < 0 or > 59)
        {
            throw YaqlRuntimeException.ValueError("minute must be in 0..59");
        }
        if (second is < 0 or > 59)
        {
            throw YaqlRuntimeException.ValueError("second must be in 0..59");
        }
        if (micro is < 0 or > 999999)
        {
            throw YaqlRuntimeException.ValueError("microsecond must be in 0..999999");
        }
        var value = new DateTimeOffset((int)year, (int)month, (int)day, (int)hour, (int)minute, (int)second, TimeSpan.Zero).AddTicks(micro * 10);
        return new YaqlDateTime(value);
    }

    /// <summary>Properties of datetimes and timespans (<c>.year</c>, <c>.days</c>, ...), or null when unknown.</summary>
    public static object? Property(object? receiver, string name)
    {
        if (receiver is YaqlDateTime dt)
        {
            var v = dt.Value;
            return name switch
            {
                "year" => (long)v.Year,
                "month" => (long)v.Month,
                "day" => (long)v.Day,
                "hour" => (long)v.Hour,
                "minute" => (long)v.Minute,
                "second" => (long)v.Second,
                "microsecond" => v.Ticks % TimeSpan.TicksPerSecond / 10,
                "weekday" => (long)(((int)v.DayOfWeek + 6) % 7),
                "dayOfYear" => (long)v.DayOfYear,
                "timestamp" => (v - DateTimeOffset.UnixEpoch).TotalSeconds,
                "date" => new YaqlDateTime(new DateTimeOffset(v.Date, TimeSpan.Zero)),
                "time" => new YaqlTimeSpan(v.TimeOfDay),
                "offset" => new YaqlTimeSpan(v.Offset),
                _ => null,
            };
        }
        if (receiver is YaqlTimeSpan ts)
        {
            var v = ts.Value;
            return name switch
            {
                "days" => v.TotalDays,
                "hours" => v.TotalHours,
                "minutes" => v.TotalMinutes,
                "seconds" => v.TotalSeconds,
                "milliseconds" => v.TotalMilliseconds,
                "microseconds" => v.Ticks / 10.0,
                _ => null,
            };
        }
        return null;
    }

    private static string StrFTime(DateTimeOffset v, string format)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var f = format[++i];
            sb.Append(f switch
            {
                'Y' => v.Year.ToString("0000", CultureInfo.InvariantCulture),
                'y' => (v.Year % 100).ToString("00", CultureInfo.InvariantCulture),
                'm' => v.Month.ToString("00", CultureInfo.InvariantCulture),
                'd' => v.Day.ToString("00", CultureInfo.InvariantCulture),
                'H' => v.Hour.ToString("00", CultureInfo.InvariantCulture),
                'I' => ((v.Hour + 11) % 12 + 1).ToString("00", CultureInfo.InvariantCulture),
                'M' => v.Minute.ToString("00", CultureInfo.InvariantCulture),
                'S' => v.Second.ToString("00", CultureInfo.InvariantCulture),
                'f' => (v.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", CultureInfo.InvariantCulture),
                'p' => v.Hour < 12 ? "AM" : "PM",
                'b' => v.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => v.ToString("MMMM", CultureInfo.InvariantCulture),
                'a' => v.ToString("ddd", CultureInfo.InvariantCulture),
                'A' => v.ToString("dddd", CultureInfo.InvariantCulture),
                'j' => v.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                'z' => "+0000",
                'Z' => "UTC",
                '%' => "%",
                _ => "%" + f,
            });
        }
        return sb.ToString();
    }

    private static object? Mistral(Func<object?> f)
    {
        try
        {
            return f();
        }
        catch (FunctionException e)
        {
            throw new YaqlRuntimeException(e.CauseKind, e.Message);
        }
    }
}

using System.Numerics;

namespace Sirocco.Values;

/// <summary>Python's <c>==</c> over the value model: numbers and bools compare by value (<c>1 == 1.0 == True</c>), maps ignore order.</summary>
public sealed class ValueEquality : IEqualityComparer<object?>
{
    /// <summary>The shared instance.</summary>
    public static readonly ValueEquality Instance = new();

    /// <summary>Python equality of two values.</summary>
    public static bool AreEqual(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a is null || b is null)
        {
            return false;
        }
        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b) == 0;
        }
        switch (a)
        {
            case string sa:
                return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case IDictionary<string, object?> ma:
                {
                    if (b is not IDictionary<string, object?> mb || ma.Count != mb.Count)
                    {
                        return false;
                    }
                    foreach (var kv in ma)
                    {
                        if (!mb.TryGetValue(kv.Key, out var other) || !AreEqual(kv.Value, other))
                        {
                            return false;
                        }
                    }
                    return true;
                }
            case IList<object?> la:
                {
                    if (b is not IList<object?> lb || la.Count != lb.Count)
                    {
                        return false;
                    }
                    for (var i = 0; i < la.Count; i++)
                    {
                        if (!AreEqual(la[i], lb[i]))
                        {
                            return false;
                        }
                    }
                    return true;
                }
            default:
                return a.Equals(b);
        }
    }

    /// <summary>True for bool, int, BigInteger and float (Python's bool is an int).</summary>
    public static bool IsNumber(object? v) => v is bool or long or int or BigInteger or double;

    /// <summary>Compares two numbers (bools count as 0/1) by value.</summary>
    public static int CompareNumbers(object a, object b)
    {
        if (a is double || b is double)
        {
            return ToDouble(a).CompareTo(ToDouble(b));
        }
        return ToBig(a).CompareTo(ToBig(b));
    }

    private static double ToDouble(object v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        int i => i,
        BigInteger bi => (double)bi,
        double d => d,
        _ => throw new ArgumentException("not a number", nameof(v)),
    };

    private static BigInteger ToBig(object v) => v switch
    {
        bool b => b ? BigInteger.One : BigInteger.Zero,
        long l => l,
        int i => i,
        BigInteger bi => bi,
        _ => throw new ArgumentException("not an integer", nameof(v)),
    };

    bool IEqualityComparer<object?>.Equals(object? x, object? y) => AreEqual(x, y);

    /// <summary>A hash consistent with <see cref="AreEqual"/>.</summary>
    public int GetHashCode(object? obj) => obj switch
    {
        null => 0,
        bool b => b ? 1 : 0,
        long l => l.GetHashCode(),
        int i => ((long)i).GetHashCode(),
        BigInteger bi => bi >= long.MinValue && bi <= long.MaxValue ? ((long)bi).GetHashCode() : bi.GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9.2e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        string s => StringComparer.Ordinal.GetHashCode(s),
        IDictionary<string, object?> m => m.Count,
        IList<object?> l => l.Count,
        _ => obj.GetHashCode(),
    };
}

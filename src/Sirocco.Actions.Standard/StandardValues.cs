using System.Globalization;
using System.Numerics;

namespace Sirocco.Actions.Standard;

/// <summary>Python-like readings of loosely typed inputs, as Mistral's std actions apply <c>int()</c> and <c>float()</c>.</summary>
internal static class StandardValues
{
    /// <summary>Python's <c>float(value)</c>, or null when it would raise.</summary>
    public static double? ToFloat(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        BigInteger bi => (double)bi,
        double d => d,
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
        _ => null,
    };

    /// <summary>Python's <c>int(value)</c> (floats truncated), or null when it would raise.</summary>
    public static long? ToInt(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        BigInteger bi when bi >= long.MinValue && bi <= long.MaxValue => (long)bi,
        double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 9.2e18 => (long)Math.Truncate(d),
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) => p,
        _ => null,
    };

    /// <summary>A delay in seconds: unusable or negative values are 0 (Mistral's sleep and echo).</summary>
    public static TimeSpan Seconds(double? seconds) =>
        seconds is not { } s || double.IsNaN(s) || s <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(s, int.MaxValue));
}

using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Expressions.Jinja;

/// <summary>Python integers: long when it fits, BigInteger otherwise.</summary>
internal static class PyNum
{
    public static object Normalize(BigInteger value) => value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    public static bool IsInt(object? v) => v is long or int or BigInteger or bool;

    public static bool IsNumber(object? v) => v is long or int or BigInteger or bool or double;

    public static BigInteger ToBig(object? v) => v switch
    {
        bool b => b ? BigInteger.One : BigInteger.Zero,
        long l => l,
        int i => i,
        BigInteger bi => bi,
        _ => throw new InvalidCastException(),
    };

    public static double ToDouble(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        int i => i,
        BigInteger bi => (double)bi,
        double d => d,
        _ => throw new InvalidCastException(),
    };

    /// <summary>Python's <c>int(float)</c>: truncation toward zero.</summary>
    public static object FromDouble(double d)
    {
        if (double.IsNaN(d))
        {
            throw JinjaRuntimeError.Value("cannot convert float NaN to integer");
        }
        if (double.IsInfinity(d))
        {
            throw new JinjaRuntimeError("OverflowError", "cannot convert float infinity to integer");
        }
        var t = Math.Truncate(d);
        return t >= -9.2e18 && t <= 9.2e18 ? (object)(long)t : new BigInteger(t);
    }

    /// <summary>Python's round-half-even of a float to <paramref name="digits"/> decimals, on its exact binary value.</summary>
    public static double Round(double value, int digits)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value == 0)
        {
            return value;
        }
        if (digits > 330)
        {
            return value;
        }
        // exact value = mantissa * 2^exponent
        var bits = BitConverter.DoubleToInt64Bits(value);
        var negative = bits < 0;
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }
        exponent -= 1075;
        // value * 10^digits = mantissa * 2^exponent * 10^digits = num / den
        BigInteger num = mantissa;
        BigInteger den = BigInteger.One;
        if (exponent > 0)
        {
            num <<= exponent;
        }
        else
        {
            den <<= -exponent;
        }
        if (digits >= 0)
        {
            num *= BigInteger.Pow(10, digits);
        }
        else
        {
            den *= BigInteger.Pow(10, -digits);
        }
        var q = BigInteger.DivRem(num, den, out var rem);
        var twice = rem * 2;
        if (twice > den || (twice == den && !q.IsEven))
        {
            q += 1;
        }
        if (negative)
        {
            q = -q;
        }
        var text = digits >= 0
            ? q.ToString(CultureInfo.InvariantCulture) + "e-" + digits.ToString(CultureInfo.InvariantCulture)
            : q.ToString(CultureInfo.InvariantCulture) + "e" + (-digits).ToString(CultureInfo.InvariantCulture);
        var result = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return result == 0 && negative ? -0.0 : result;
    }
}

/// <summary>Python's operators, comparisons, truthiness and iteration over template values.</summary>
internal static class PyOps
{
    public static bool Truthy(object? v) => v switch
    {
        Undefined u => u.Strict ? throw u.Fail() : false,
        Markup m => m.Text.Length > 0,
        PyRange r => r.Count > 0,
        DictView d => d.Count > 0,
        PyIterator or Namespace or IJinjaCallable => true,
        _ => Sirocco.Values.Py.Truthy(v),
    };

    private static void CheckUndefined(object? v)
    {
        if (v is Undefined u)
        {
            throw u.Fail();
        }
    }

    private static string AsText(object? v) => v is Markup m ? m.Text : (string)v!;

    private static bool IsText(object? v) => v is string or Markup;

    private static JinjaRuntimeError Unsupported(string op, object? a, object? b) =>
        JinjaRuntimeError.Type($"unsupported operand type(s) for {op}: {PyText.Repr(PyText.TypeName(a))} and {PyText.Repr(PyText.TypeName(b))}");

    public static object? Binary(string op, object? a, object? b, Budget budget)
    {
        CheckUndefined(a);
        CheckUndefined(b);
        return op switch
        {
            "+" => Add(a, b, budget),
            "-" => Sub(a, b),
            "*" => Mul(a, b, budget),
            "/" => TrueDiv(a, b),
            "//" => FloorDiv(a, b),
            "%" => Mod(a, b, budget),
            "**" => Pow(a, b, budget),
            _ => throw new InvalidOperationException(op),
        };
    }

    private static object Add(object? a, object? b, Budget budget)
    {
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            if (a is double || b is double)
            {
                return PyNum.ToDouble(a) + PyNum.ToDouble(b);
            }
            if (a is long la && b is long lb)
            {
                var r = la + lb;
                if (((la ^ r) & (lb ^ r)) >= 0)
                {
                    return r;
                }
            }
            return PyNum.Normalize(PyNum.ToBig(a) + PyNum.ToBig(b));
        }
        if (IsText(a) && IsText(b))
        {
            var s = AsText(a);
            var t = AsText(b);
            budget.CheckSize((long)s.Length + t.Length);
            return s + t;
        }
        if (a is PyTuple ta && b is PyTuple tb)
        {
            budget.CheckSize((long)ta.Count + tb.Count);
            return new PyTuple([.. ta.Items, .. tb.Items]);
        }
        if (a is List<object?> or IList<object?> && a is not PyTuple && b is IList<object?> lbb && b is not PyTuple)
        {
            var laa = (IList<object?>)a;
            budget.CheckSize((long)laa.Count + lbb.Count);
            var list = new List<object?>(laa.Count + lbb.Count);
            list.AddRange(laa);
            list.AddRange(lbb);
            return list;
        }
        if (a is string)
        {
            throw JinjaRuntimeError.Type($"can only concatenate str (not {Quote(PyText.TypeName(b))}) to str");
        }
        if (a is IList<object?> and not PyTuple)
        {
            throw JinjaRuntimeError.Type($"can only concatenate list (not {Quote(PyText.TypeName(b))}) to list");
        }
        if (a is PyTuple)
        {
            throw JinjaRuntimeError.Type($"can only concatenate tuple (not {Quote(PyText.TypeName(b))}) to tuple");
        }
        throw Unsupported("+", a, b);
    }

    private static string Quote(string s) => "\"" + s + "\"";

    private static object Sub(object? a, object? b)
    {
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            if (a is double || b is double)
            {
                return PyNum.ToDouble(a) - PyNum.ToDouble(b);
            }
            return PyNum.Normalize(PyNum.ToBig(a) - PyNum.ToBig(b));
        }
        throw Unsupported("-", a, b);
    }

    private static object Mul(object? a, object? b, Budget budget)
    {
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            if (a is double || b is double)
            {
                return PyNum.ToDouble(a) * PyNum.ToDouble(b);
            }
            var r = PyNum.ToBig(a) * PyNum.ToBig(b);
            budget.CheckBits(r);
            return PyNum.Normalize(r);
        }
        if (PyNum.IsInt(b) && (IsText(a) || a is IList<object?>))
        {
            return Repeat(a, PyNum.ToBig(b), budget);
        }
        if (PyNum.IsInt(a) && (IsText(b) || b is IList<object?>))
        {
            return Repeat(b, PyNum.ToBig(a), budget);
        }
        if (IsText(a) || a is IList<object?> || IsText(b) || b is IList<object?>)
        {
            var other = IsText(a) || a is IList<object?> ? b : a;
            throw JinjaRuntimeError.Type($"can't multiply sequence by non-int of type {PyText.Repr(PyText.TypeName(other))}");
        }
        throw Unsupported("*", a, b);
    }

    private static object Repeat(object? seq, BigInteger times, Budget budget)
    {
        var n = times < 0 ? 0 : times;
        if (IsText(seq))
        {
            var s = AsText(seq);
            budget.CheckSize(s.Length == 0 ? 0 : n > long.MaxValue / Math.Max(1, s.Length) ? long.MaxValue : (long)n * s.Length);
            var sb = new StringBuilder();
            for (var i = 0; i < (long)n; i++)
            {
                sb.Append(s);
            }
            return sb.ToString();
        }
        var list = (IList<object?>)seq!;
        budget.CheckSize(list.Count == 0 ? 0 : n > long.MaxValue / Math.Max(1, list.Count) ? long.MaxValue : (long)n * list.Count);
        var result = new List<object?>();
        for (var i = 0; i < (long)n; i++)
        {
            result.AddRange(list);
        }
        return seq is PyTuple ? new PyTuple([.. result]) : result;
    }

    private static object TrueDiv(object? a, object? b)
    {
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            var d = PyNum.ToDouble(b);
            if (d == 0)
            {
                throw new JinjaRuntimeError("ZeroDivisionError", a is double || b is double ? "float division by zero" : "division by zero");
            }
            return PyNum.ToDouble(a) / d;
        }
        throw Unsupported("/", a, b);
    }

    private static object FloorDiv(object? a, object? b)
    {
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            if (a is double || b is double)
            {
                var y = PyNum.ToDouble(b);
                if (y == 0)
                {
                    throw new JinjaRuntimeError("ZeroDivisionError", "float floor division by zero");
                }
                return Math.Floor(PyNum.ToDouble(a) / y);
            }
            var bb = PyNum.ToBig(b);
            if (bb.IsZero)
            {
                throw new JinjaRuntimeError("ZeroDivisionError", "integer division or modulo by zero");
            }
            var q = BigInteger.DivRem(PyNum.ToBig(a), bb, out var rem);
            if (!rem.IsZero && (rem.Sign < 0) != (bb.Sign < 0))
            {
                q -= 1;
            }
            return PyNum.Normalize(q);
        }
        throw Unsupported("//", a, b);
    }

    private static object Mod(object? a, object? b, Budget budget)
    {
        if (IsText(a))
        {
            return PyFormat.Percent(AsText(a), b, budget);
        }
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            if (a is double || b is double)
            {
                var y = PyNum.ToDouble(b);
                if (y == 0)
                {
                    throw new JinjaRuntimeError("ZeroDivisionError", "float modulo");
                }
                var x = PyNum.ToDouble(a);
                var m = x % y;
                if (m != 0 && (m < 0) != (y < 0))
                {
                    m += y;
                }
                return m;
            }
            var bb = PyNum.ToBig(b);
            if (bb.IsZero)
            {
                throw new JinjaRuntimeError("ZeroDivisionError", "integer division or modulo by zero");
            }
            var r = BigInteger.Remainder(PyNum.ToBig(a), bb);
            if (!r.IsZero && (r.Sign < 0) != (bb.Sign < 0))
            {
                r += bb;
            }
            return PyNum.Normalize(r);
        }
        throw Unsupported("%", a, b);
    }

    private static object Pow(object? a, object? b, Budget budget)
    {
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            if (a is double || b is double || PyNum.ToBig(b).Sign < 0)
            {
                var x = PyNum.ToDouble(a);
                var y = PyNum.ToDouble(b);
                if (x == 0 && y < 0)
                {
                    throw new JinjaRuntimeError("ZeroDivisionError", "0.0 cannot be raised to a negative power");
                }
                if (x < 0 && y != Math.Floor(y))
                {
                    throw JinjaRuntimeError.Value("not supported: complex numbers");
                }
                var r = Math.Pow(x, y);
                if (double.IsInfinity(r) && !double.IsInfinity(x))
                {
                    throw new JinjaRuntimeError("OverflowError", "(34, 'Numerical result out of range')");
                }
                return r;
            }
            var bx = PyNum.ToBig(a);
            var exp = PyNum.ToBig(b);
            if (bx.IsZero || bx.IsOne || bx == BigInteger.MinusOne)
            {
                return PyNum.Normalize(bx.IsZero ? (exp.IsZero ? BigInteger.One : BigInteger.Zero) : bx.IsOne ? BigInteger.One : (exp.IsEven ? BigInteger.One : BigInteger.MinusOne));
            }
            var bitsEstimate = (double)exp * bx.GetBitLength();
            budget.CheckBitsEstimate(bitsEstimate);
            return PyNum.Normalize(BigInteger.Pow(bx, (int)exp));
        }
        throw Unsupported("** or pow()", a, b);
    }

    public static object Negate(object? v)
    {
        CheckUndefined(v);
        return v switch
        {
            double d => -d,
            long l when l != long.MinValue => -l,
            bool or long or int or BigInteger => PyNum.Normalize(-PyNum.ToBig(v)),
            _ => throw JinjaRuntimeError.Type($"bad operand type for unary -: {PyText.Repr(PyText.TypeName(v))}"),
        };
    }

    public static object Plus(object? v)
    {
        CheckUndefined(v);
        return v switch
        {
            double d => d,
            bool b => b ? 1L : 0L,
            long or int or BigInteger => v,
            _ => throw JinjaRuntimeError.Type($"bad operand type for unary +: {PyText.Repr(PyText.TypeName(v))}"),
        };
    }

    // ---------------------------------------------------------------- comparisons

    public static bool Eq(object? a, object? b)
    {
        CheckUndefined(a);
        CheckUndefined(b);
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a is null || b is null)
        {
            return false;
        }
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            return CompareNumbers(a, b) == 0;
        }
        if (IsText(a) && IsText(b))
        {
            return string.Equals(AsText(a), AsText(b), StringComparison.Ordinal);
        }
        if (a is PyTuple ta)
        {
            return b is PyTuple tb && SeqEq(ta, tb);
        }
        if (b is PyTuple)
        {
            return false;
        }
        if (a is IList<object?> la && b is IList<object?> lb)
        {
            return SeqEq(la, lb);
        }
        if (a is IDictionary<string, object?> da && b is IDictionary<string, object?> db)
        {
            if (da.Count != db.Count)
            {
                return false;
            }
            foreach (var kv in da)
            {
                if (!db.TryGetValue(kv.Key, out var other) || !Eq(kv.Value, other))
                {
                    return false;
                }
            }
            return true;
        }
        if (a is PyRange ra && b is PyRange rb)
        {
            return SeqEq([.. ra], [.. rb]);
        }
        return a.Equals(b);
    }

    private static bool SeqEq(IList<object?> a, IList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!Eq(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static int CompareNumbers(object a, object b)
    {
        if (a is double || b is double)
        {
            var x = PyNum.ToDouble(a);
            var y = PyNum.ToDouble(b);
            if (double.IsNaN(x) || double.IsNaN(y))
            {
                return 2; // unordered: every comparison except != is false
            }
            return x.CompareTo(y);
        }
        if (a is long la && b is long lb)
        {
            return la.CompareTo(lb);
        }
        return PyNum.ToBig(a).CompareTo(PyNum.ToBig(b));
    }

    /// <summary>Python's ordering; throws TypeError for types that do not order.</summary>
    public static int Compare(object? a, object? b, string op)
    {
        CheckUndefined(a);
        CheckUndefined(b);
        if (PyNum.IsNumber(a) && PyNum.IsNumber(b))
        {
            return CompareNumbers(a!, b!);
        }
        if (IsText(a) && IsText(b))
        {
            return Math.Sign(string.CompareOrdinal(AsText(a), AsText(b)));
        }
        if ((a is PyTuple && b is PyTuple) || (a is IList<object?> && a is not PyTuple && b is IList<object?> && b is not PyTuple))
        {
            var la = (IList<object?>)a!;
            var lb = (IList<object?>)b!;
            for (var i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                if (!Eq(la[i], lb[i]))
                {
                    return Compare(la[i], lb[i], op);
                }
            }
            return la.Count.CompareTo(lb.Count);
        }
        throw JinjaRuntimeError.Type($"{PyText.Repr(op)} not supported between instances of {PyText.Repr(PyText.TypeName(a))} and {PyText.Repr(PyText.TypeName(b))}");
    }

    public static bool CompareOp(string op, object? a, object? b)
    {
        switch (op)
        {
            case "eq": return Eq(a, b);
            case "ne": return !Eq(a, b);
            case "in": return Contains(b, a);
            case "notin": return !Contains(b, a);
        }
        var symbol = op switch { "lt" => "<", "lteq" => "<=", "gt" => ">", _ => ">=" };
        var c = Compare(a, b, symbol);
        if (c == 2)
        {
            return false;
        }
        return op switch
        {
            "lt" => c < 0,
            "lteq" => c <= 0,
            "gt" => c > 0,
            _ => c >= 0,
        };
    }

    public static bool Contains(object? container, object? item)
    {
        CheckUndefined(container);
        CheckUndefined(item);
        switch (container)
        {
            case string or Markup:
                if (!IsText(item))
                {
                    throw JinjaRuntimeError.Type($"'in <string>' requires string as left operand, not {PyText.TypeName(item)}");
                }
                return AsText(container).Contains(AsText(item), StringComparison.Ordinal);
            case IDictionary<string, object?> map:
                return KeyOf(item) is { } key && map.ContainsKey(key);
            case DictView view when view.Kind == "keys":
                return KeyOf(item) is { } k && view.Dict.ContainsKey(k);
            case IEnumerable<object?> seq:
                foreach (var x in seq)
                {
                    if (Eq(x, item))
                    {
                        return true;
                    }
                }
                return false;
            default:
                throw JinjaRuntimeError.Type($"argument of type {PyText.Repr(PyText.TypeName(container))} is not iterable");
        }
    }

    /// <summary>The dict key a value stands for (keys are strings in the value model); null when none can match.</summary>
    public static string? KeyOf(object? key) => key switch
    {
        string s => s,
        Markup m => m.Text,
        IList<object?> or IDictionary<string, object?> when key is not PyTuple => throw JinjaRuntimeError.Type($"unhashable type: {PyText.Repr(PyText.TypeName(key))}"),
        long or int or BigInteger or double or bool => Sirocco.Values.Py.Repr(key is bool b ? (b ? 1L : 0L) : key),
        _ => null,
    };

    /// <summary>Python's <c>iter()</c>: the items a for loop or a filter sees.</summary>
    public static IEnumerable<object?> Iterate(object? v) => v switch
    {
        Undefined u => u.Strict ? throw u.Fail() : [],
        string s => s.EnumerateRunes().Select(r => (object?)r.ToString()),
        Markup m => m.Text.EnumerateRunes().Select(r => (object?)r.ToString()),
        IDictionary<string, object?> map => map.Keys.ToList(),
        Namespace => throw JinjaRuntimeError.Type("'Namespace' object is not iterable"),
        IEnumerable<object?> seq => seq,
        _ => throw JinjaRuntimeError.Type($"{PyText.Repr(PyText.TypeName(v))} object is not iterable"),
    };

    /// <summary>Python's <c>len()</c>.</summary>
    public static long Length(object? v) => v switch
    {
        Undefined u => throw u.Fail(),
        string s => s.EnumerateRunes().Count(),
        Markup m => m.Text.Length,
        System.Collections.ICollection c => c.Count,
        PyTuple t => t.Count,
        PyRange r => r.Count,
        DictView d => d.Count,
        ICollection<KeyValuePair<string, object?>> map => map.Count,
        IReadOnlyCollection<object?> c => c.Count,
        _ => throw JinjaRuntimeError.Type($"object of type {PyText.Repr(PyText.TypeName(v))} has no len()"),
    };

    /// <summary>Python's <c>int()</c> of a text, with underscores and an optional base prefix.</summary>
    public static bool TryParseInt(string text, int @base, out BigInteger value)
    {
        value = BigInteger.Zero;
        var s = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        var negative = false;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (@base == 0 || @base == 16 || @base == 8 || @base == 2)
        {
            if (s.Length > 2 && s[0] == '0' && "xXoObB".Contains(s[1], StringComparison.Ordinal))
            {
                var prefixBase = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
                if (@base != 0 && @base != prefixBase)
                {
                    return false;
                }
                @base = prefixBase;
                s = s[2..];
            }
            else if (@base == 0)
            {
                @base = 10;
            }
        }
        if (s.Length == 0)
        {
            return false;
        }
        foreach (var c in s)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= @base)
            {
                return false;
            }
            value = (value * @base) + d;
        }
        if (negative)
        {
            value = -value;
        }
        return true;
    }

    /// <summary>Python's <c>float()</c> of a text.</summary>
    public static bool TryParseFloat(string text, out double value)
    {
        var s = text.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        switch (s.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity":
                value = double.PositiveInfinity;
                return true;
            case "-inf" or "-infinity":
                value = double.NegativeInfinity;
                return true;
            case "nan" or "+nan" or "-nan":
                value = double.NaN;
                return true;
        }
        if (s.Length == 0 || s.Any(c => !(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')))
        {
            value = 0;
            return false;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}

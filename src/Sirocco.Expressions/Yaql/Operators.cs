using System.Numerics;
using System.Text.RegularExpressions;
using Sirocco.Values;

namespace Sirocco.Expressions.Yaql;

/// <summary>yaql's operators with Python value semantics.</summary>
internal static class Operators
{
    public static object? Binary(Interpreter interp, string op, object? l, object? r)
    {
        switch (op)
        {
            case "=":
                return AreEqual(l, r);
            case "!=":
                return !AreEqual(l, r);
            case "<":
            case ">":
            case "<=":
            case ">=":
                return Compare(interp, op, l, r);
            case "+":
                return Add(interp, l, r);
            case "-":
                return Subtract(interp, l, r);
            case "*":
                return Multiply(interp, l, r);
            case "/":
                return Divide(interp, l, r);
            case "mod":
                return Mod(interp, l, r);
            case "in":
                return In(interp, l, r);
            case "=~":
            case "!~":
                {
                    if (l is not string s || r is not string pattern)
                    {
                        throw interp.NoMatchingFunction("#operator_" + op);
                    }
                    var found = Library.CompileRegex(pattern, RegexOptions.None).IsMatch(s);
                    return op == "=~" ? found : !found;
                }
            default:
                throw interp.NoMatchingFunction("#operator_" + op);
        }
    }

    public static bool IsInt(object? v) => v is long or BigInteger;

    public static bool IsNumber(object? v) => v is long or BigInteger or double;

    public static bool AreEqual(object? a, object? b)
    {
        switch (a)
        {
            case YaqlIterator or YaqlSet or YaqlDateTime or YaqlTimeSpan:
                return a.Equals(b);
            case IDictionary<string, object?> when b is IDictionary<string, object?> && (a is PlainDict) != (b is PlainDict):
                return false;
            case List<object?> la when b is List<object?> lb:
                {
                    if (la.Count != lb.Count)
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
                return ValueEquality.AreEqual(a, b);
        }
    }

    private static object Compare(Interpreter interp, string op, object? l, object? r)
    {
        int c;
        if (l is null || r is null)
        {
            // yaql orders null below everything
            c = l is null && r is null ? 0 : l is null ? -1 : 1;
        }
        else if (IsNumber(l) && IsNumber(r))
        {
            c = ValueEquality.CompareNumbers(l, r);
        }
        else if (l is string ls && r is string rs)
        {
            c = string.CompareOrdinal(ls, rs);
        }
        else if (l is YaqlDateTime ld && r is YaqlDateTime rd)
        {
            c = ld.Value.CompareTo(rd.Value);
        }
        else if (l is YaqlTimeSpan lt && r is YaqlTimeSpan rt)
        {
            c = lt.Value.CompareTo(rt.Value);
        }
        else
        {
            throw interp.NoMatchingFunction("#operator_" + op);
        }
        return op switch
        {
            "<" => c < 0,
            ">" => c > 0,
            "<=" => c <= 0,
            _ => c >= 0,
        };
    }

    public static object Normalize(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (long)v : v;

    public static BigInteger Big(object v) => v switch
    {
        long l => l,
        BigInteger b => b,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException(),
    };

    public static double Dbl(object v) => v switch
    {
        long l => l,
        BigInteger b => (double)b,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException(),
    };

    private static object Add(Interpreter interp, object? l, object? r)
    {
        if (IsNumber(l) && IsNumber(r))
        {
            if (l is double || r is double)
            {
                return Dbl(l!) + Dbl(r!);
            }
            if (l is long a && r is long b)
            {
                var s = a + b;
                if (((a ^ s) & (b ^ s)) >= 0)
                {
                    return s;
                }
            }
            return Normalize(Big(l!) + Big(r!));
        }
        switch (l)
        {
            case string ls when r is string rs:
                interp.Budget.CheckSize((long)ls.Length + rs.Length);
                return ls + rs;
            case List<object?> ll when Call.AsIterable(r) is { } ri && r is not YaqlSet:
                {
                    var list = new List<object?>(ll);
                    list.AddRange(interp.Materialize(ri));
                    interp.Budget.CheckSize(list.Count);
                    return list;
                }
            case YaqlIterator li when Call.AsIterable(r) is { } ri2 && r is not YaqlSet:
                {
                    var list = interp.Materialize(li).ToList();
                    list.AddRange(interp.Materialize(ri2));
                    interp.Budget.CheckSize(list.Count);
                    return list;
                }
            case IDictionary<string, object?> ld when r is IDictionary<string, object?> rd:
                {
                    var d = new OrderedDictionary<string, object?>(ld);
                    foreach (var kv in rd)
                    {
                        d[kv.Key] = kv.Value;
                    }
                    return d;
                }
            case YaqlDateTime dt when r is YaqlTimeSpan ts:
                return new YaqlDateTime(dt.Value + ts.Value);
            case YaqlTimeSpan ts2 when r is YaqlDateTime dt2:
                return new YaqlDateTime(dt2.Value + ts2.Value);
            case YaqlTimeSpan t1 when r is YaqlTimeSpan t2:
                return new YaqlTimeSpan(t1.Value + t2.Value);
        }
        throw interp.NoMatchingFunction("#operator_+");
    }

    private static object Subtract(Interpreter interp, object? l, object? r)
    {
        if (IsNumber(l) && IsNumber(r))
        {
            if (l is double || r is double)
            {
                return Dbl(l!) - Dbl(r!);
            }
            return Normalize(Big(l!) - Big(r!));
        }
        switch (l)
        {
            case YaqlDateTime a when r is YaqlDateTime b:
                return new YaqlTimeSpan(a.Value - b.Value);
            case YaqlDateTime a when r is YaqlTimeSpan b:
                return new YaqlDateTime(a.Value - b.Value);
            case YaqlTimeSpan a when r is YaqlTimeSpan b:
                return new YaqlTimeSpan(a.Value - b.Value);
            case YaqlSet a when r is YaqlSet b:
                return new YaqlSet(a.Where(x => !b.Contains(x)));
        }
        throw interp.NoMatchingFunction("#operator_-");
    }

    private static object Multiply(Interpreter interp, object? l, object? r)
    {
        if (IsNumber(l) && IsNumber(r))
        {
            if (l is double || r is double)
            {
                return Dbl(l!) * Dbl(r!);
            }
            var product = Big(l!) * Big(r!);
            interp.Budget.CheckSize((long)(product.GetBitLength() / 8));
            return Normalize(product);
        }
        if (l is string s && IsInt(r))
        {
            return Repeat(interp, s, Big(r!));
        }
        if (r is string s2 && IsInt(l))
        {
            return Repeat(interp, s2, Big(l!));
        }
        throw interp.NoMatchingFunction("#operator_*");
    }

    private static string Repeat(Interpreter interp, string s, BigInteger times)
    {
        if (times <= 0 || s.Length == 0)
        {
            return string.Empty;
        }
        interp.Budget.CheckSize((long)BigInteger.Min(times * s.Length, long.MaxValue));
        return string.Concat(Enumerable.Repeat(s, (int)times));
    }

    private static object Divide(Interpreter interp, object? l, object? r)
    {
        if (!IsNumber(l) || !IsNumber(r))
        {
            throw interp.NoMatchingFunction("#operator_/");
        }
        if (l is double || r is double)
        {
            var d = Dbl(r!);
            if (d == 0)
            {
                throw new YaqlRuntimeException("ZeroDivisionError", "float division by zero");
            }
            return Dbl(l!) / d;
        }
        var b = Big(r!);
        if (b.IsZero)
        {
            throw new YaqlRuntimeException("ZeroDivisionError", "integer division or modulo by zero");
        }
        return Normalize(FloorDiv(Big(l!), b));
    }

    public static BigInteger FloorDiv(BigInteger a, BigInteger b)
    {
        var q = BigInteger.DivRem(a, b, out var rem);
        if (!rem.IsZero && (rem.Sign < 0) != (b.Sign < 0))
        {
            q -= 1;
        }
        return q;
    }

    private static object Mod(Interpreter interp, object? l, object? r)
    {
        if (!IsNumber(l) || !IsNumber(r))
        {
            throw interp.NoMatchingFunction("#operator_mod");
        }
        if (l is double || r is double)
        {
            var b = Dbl(r!);
            if (b == 0)
            {
                throw new YaqlRuntimeException("ZeroDivisionError", "float modulo");
            }
            var a = Dbl(l!);
            var m = a % b;
            if (m != 0 && (m < 0) != (b < 0))
            {
                m += b;
            }
            return m;
        }
        var bi = Big(r!);
        if (bi.IsZero)
        {
            throw new YaqlRuntimeException("ZeroDivisionError", "integer division or modulo by zero");
        }
        var ai = Big(l!);
        return Normalize(ai - (FloorDiv(ai, bi) * bi));
    }

    private static object In(Interpreter interp, object? l, object? r)
    {
        if (r is string rs)
        {
            return l is string ls ? rs.Contains(ls, StringComparison.Ordinal) : throw interp.NoMatchingFunction("#operator_in");
        }
        if (Call.AsIterable(r) is { } items)
        {
            foreach (var item in items)
            {
                interp.Budget.Step();
                if (AreEqual(l, item))
                {
                    return true;
                }
            }
            return false;
        }
        throw interp.NoMatchingFunction("#operator_in");
    }

    public static object Negate(object? v) => v switch
    {
        long l when l != long.MinValue => -l,
        long l => -(BigInteger)l,
        BigInteger b => Normalize(-b),
        double d => -d,
        _ => throw new YaqlRuntimeException("NoMatchingFunctionException", "No function \"#unary_operator_-\" matches supplied arguments"),
    };

    public static object Plus(object? v) => IsNumber(v) ? v! : throw new YaqlRuntimeException("NoMatchingFunctionException", "No function \"#unary_operator_+\" matches supplied arguments");
}

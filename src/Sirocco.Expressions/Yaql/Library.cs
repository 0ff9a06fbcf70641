using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Sirocco.Expressions.Functions;
using Sirocco.Values;

namespace Sirocco.Expressions.Yaql;

/// <summary>One overload of a library function. <paramref name="Accepts"/>, when set, is the overload's own first
/// check on a method's receiver, tested before the call so that overloads for other receiver types are skipped
/// without the cost of a <see cref="NoMatchException"/>.</summary>
internal sealed record FunctionDef(bool Method, bool Function, Func<Call, object?> Impl, Func<object?, bool>? Accepts = null);

/// <summary>yaql's standard library as Mistral users reach for it, plus Mistral's functions. Overloads are tried in order.</summary>
internal static partial class Library
{
    public static readonly Dictionary<string, List<FunctionDef>> Functions = Build();

    private static void Add(Dictionary<string, List<FunctionDef>> t, string name, bool method, bool function, Func<Call, object?> impl, Func<object?, bool>? accepts = null)
    {
        if (!t.TryGetValue(name, out var list))
        {
            t[name] = list = [];
        }
        list.Add(new FunctionDef(method, function, impl, accepts));
    }

    private static Dictionary<string, List<FunctionDef>> Build()
    {
        var t = new Dictionary<string, List<FunctionDef>>(StringComparer.Ordinal);
        void M(string n, Func<Call, object?> f) => Add(t, n, true, false, f);
        void F(string n, Func<Call, object?> f) => Add(t, n, false, true, f);
        void E(string n, Func<Call, object?> f) => Add(t, n, true, true, f);
        void MR(string n, Func<object?, bool> accepts, Func<Call, object?> f) => Add(t, n, true, false, f, accepts);

        // ---- indexer
        F("#indexer", c =>
        {
            var target = c.Arg(0);
            if (target is List<object?> list)
            {
                c.Arity(2, 2);
                var i = c.Int(1);
                if (i < 0)
                {
                    i += list.Count;
                }
                if (i < 0 || i >= list.Count)
                {
                    throw new YaqlRuntimeException("IndexError", "tuple index out of range");
                }
                return list[(int)i];
            }
            if (target is IDictionary<string, object?> map)
            {
                c.Arity(2, 3);
                var key = c.Arg(1);
                if (map.TryGetValue(Interpreter.DictKey(key), out var v))
                {
                    return v;
                }
                return c.Count == 3 ? c.Arg(2) : throw YaqlRuntimeException.KeyError(Interpreter.DictKey(key));
            }
            throw NoMatchException.Instance;
        });

        // ---- collections
        E("len", c =>
        {
            c.Arity(1, 1);
            return c.Arg(0) switch
            {
                string s => (long)new StringInfo(s).LengthInTextElements == s.Length ? s.Length : CodePoints(s),
                IDictionary<string, object?> d => (long)d.Count,
                YaqlSet s => (long)s.Count,
                List<object?> l => (long)l.Count,
                YaqlIterator it => (long)c.Interp.Materialize(it).Count,
                _ => throw NoMatchException.Instance,
            };
        });
        M("count", c => { c.Arity(1, 1); return (long)c.Interp.Materialize(c.Iterable(0)).Count; });
        M("select", c => { c.Arity(2, 2); var f = c.Lambda1(1); var src = c.Iterable(0); return Lazy(c, src.Select(f)); });
        M("where", c => { c.Arity(2, 2); var f = c.Lambda1(1); var src = c.Iterable(0); return Lazy(c, src.Where(x => YaqlValues.Truthy(f(x)))); });
        M("filter", c => { c.Arity(2, 2); var f = c.Lambda1(1); var src = c.Iterable(0); return Lazy(c, src.Where(x => YaqlValues.Truthy(f(x)))); });
        M("selectMany", c =>
        {
            c.Arity(2, 2);
            var f = c.Lambda1(1);
            var src = c.Iterable(0);
            return Lazy(c, src.SelectMany(x => { var r = f(x); return Call.AsIterable(r) ?? (r is string s ? s.Select(ch => (object?)ch.ToString()) : [r]); }));
        });
        M("first", c => FirstLast(c, first: true));
        M("last", c => FirstLast(c, first: false));
        M("single", c =>
        {
            c.Arity(1, 1);
            var items = c.Interp.Materialize(c.Iterable(0));
            return items.Count switch
            {
                0 => throw new YaqlRuntimeException("StopIteration", string.Empty),
                1 => items[0],
                _ => throw new YaqlRuntimeException("StopIteration", string.Empty),
            };
        });
        M("sum", c =>
        {
            c.Arity(1, 2);
            var items = c.Interp.Materialize(c.Iterable(0));
            object? acc;
            var start = 0;
            if (c.Count == 2)
            {
                acc = c.Arg(1);
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
                acc = Operators.Binary(c.Interp, "+", acc, items[i]);
            }
            return acc;
        });
        M("max", c => MinMax(c, max: true));
        M("min", c => MinMax(c, max: false));
        F("max", c => { c.Arity(2, 2); c.NoNamed(); return Greater(c.Interp, c.Arg(1), c.Arg(0)) ? c.Arg(1) : c.Arg(0); });
        F("min", c => { c.Arity(2, 2); c.NoNamed(); return Greater(c.Interp, c.Arg(0), c.Arg(1)) ? c.Arg(1) : c.Arg(0); });
        M("orderBy", c => Order(c, descending: false, then: false));
        M("orderByDescending", c => Order(c, descending: true, then: false));
        M("thenBy", c => Order(c, descending: false, then: true));
        M("thenByDescending", c => Order(c, descending: true, then: true));
        M("distinct", c =>
        {
            c.Arity(1, 2);
            var src = c.Iterable(0);
            var key = c.OptionalLambda1(1, "keySelector");
            return Lazy(c, Distinct(src, key));
        });
        M("reverse", c => { c.Arity(1, 1); var items = c.Interp.Materialize(c.Iterable(0)); return Lazy(c, Enumerable.Reverse(items)); });
        M("flatten", c => { c.Arity(1, 1); return Lazy(c, Flatten(c.Iterable(0), 0)); });
        F("range", c =>
        {
            c.NoNamed();
            c.Arity(1, 3);
            long start = 0, stop, step = 1;
            if (c.Count == 1)
            {
                stop = c.Int(0);
            }
            else
            {
                start = c.Int(0);
                stop = c.Int(1);
                if (c.Count == 3)
                {
                    step = c.Int(2);
                }
            }
            if (step == 0)
            {
                throw YaqlRuntimeException.ValueError("range() arg 3 must not be zero");
            }
            return Lazy(c, Range(start, stop, step));
        });
        F("sequence", c =>
        {
            c.Arity(0, 2, "start", "step");
            var start = c.Has(0, "start") ? c.Int(0, "start") : 0;
            var step = c.Has(1, "step") ? c.Int(1, "step") : 1;
            return Lazy(c, Sequence(start, step));
        });
        M("take", c =>
        {
            c.Arity(2, 2, "count");
            var src = c.Iterable(0);
            var n = c.Int(1, "count");
            if (n < 0)
            {
                throw YaqlRuntimeException.ValueError("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
            }
            return Lazy(c, src.Take((int)Math.Min(n, int.MaxValue)));
        });
        M("skip", c =>
        {
            c.Arity(2, 2, "count");
            var src = c.Iterable(0);
            var n = c.Int(1, "count");
            if (n < 0)
            {
                throw YaqlRuntimeException.ValueError("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
            }
            return Lazy(c, src.Skip((int)Math.Min(n, int.MaxValue)));
        });
        M("takeWhile", c => { c.Arity(2, 2); var f = c.Lambda1(1); var src = c.Iterable(0); return Lazy(c, src.TakeWhile(x => YaqlValues.Truthy(f(x)))); });
        M("skipWhile", c => { c.Arity(2, 2); var f = c.Lambda1(1); var src = c.Iterable(0); return Lazy(c, src.SkipWhile(x => YaqlValues.Truthy(f(x)))); });
        M("indexOf", c =>
        {
            if (c.Arg(0) is string s)
            {
                c.Arity(2, 3);
                var sub = c.Str(1);
                var start = c.Count == 3 ? (int)c.Int(2) : 0;
                return (long)(start > s.Length ? -1 : s.IndexOf(sub, Math.Max(0, start), StringComparison.Ordinal));
            }
            c.Arity(2, 2);
            var item = c.Arg(1);
            long i = 0;
            foreach (var x in c.Iterable(0))
            {
                c.Interp.Budget.Step();
                if (Operators.AreEqual(x, item))
                {
                    return i;
                }
                i++;
            }
            return -1L;
        });
        M("lastIndexOf", c =>
        {
            if (c.Arg(0) is string s)
            {
                c.Arity(2, 2);
                return (long)s.LastIndexOf(c.Str(1), StringComparison.Ordinal);
            }
            c.Arity(2, 2);
            var item = c.Arg(1);
            var items = c.Interp.Materialize(c.Iterable(0));
            for (var i = items.Count - 1; i >= 0; i--)
            {
                if (Operators.AreEqual(items[i], item))
                {
                    return (long)i;
                }
            }
            return -1L;
        });
        M("indexWhere", c =>
        {
            c.Arity(2, 2);
            var f = c.Lambda1(1);
            long i = 0;
            foreach (var x in c.Iterable(0))
            {
                c.Interp.Budget.Step();
                if (YaqlValues.Truthy(f(x)))
                {
                    return i;
                }
                i++;
            }
            return -1L;
        });
        M("contains", c =>
        {
            c.Arity(2, 2);
            var item = c.Arg(1);
            return c.Iterable(0).Any(x => { c.Interp.Budget.Step(); return Operators.AreEqual(x, item); });
        });
        M("any", c =>
        {
            c.Arity(1, 2);
            var src = c.Iterable(0);
            var f = c.OptionalLambda1(1);
            return src.Any(x => { c.Interp.Budget.Step(); return f is null || YaqlValues.Truthy(f(x)); });
        });
        M("all", c =>
        {
            c.Arity(1, 2);
            var src = c.Iterable(0);
            var f = c.OptionalLambda1(1);
            return src.All(x => { c.Interp.Budget.Step(); return f is null ? YaqlValues.Truthy(x) : YaqlValues.Truthy(f(x)); });
        });
        M("aggregate", c => Aggregate(c));
        M("reduce", c => Aggregate(c));
        M("accumulate", c =>
        {
            c.Arity(2, 3);
            var f = c.Lambda(1);
            var items = c.Interp.Materialize(c.Iterable(0));
            var result = new List<object?>();
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
                    return result;
                }
                acc = items[0];
                start = 1;
            }
            result.Add(acc);
            for (var i = start; i < items.Count; i++)
            {
                acc = f([acc, items[i]]);
                result.Add(acc);
            }
            return result;
        });
        M("enumerate", c =>
        {
            c.Arity(1, 2, "start");
            var start = c.Has(1, "start") ? c.Int(1, "start") : 0;
            var src = c.Iterable(0);
            return Lazy(c, src.Select((x, i) => (object?)new List<object?> { start + i, x }));
        });
        M("append", c =>
        {
            var src = c.Iterable(0);
            var extra = Enumerable.Range(1, c.Count - 1).Select(i => c.Arg(i)).ToList();
            return Lazy(c, src.Concat(extra));
        });
        M("concat", c =>
        {
            var src = c.Iterable(0);
            IEnumerable<object?> all = src;
            for (var i = 1; i < c.Count; i++)
            {
                all = all.Concat(c.Iterable(i));
            }
            return Lazy(c, all);
        });
        M("slice", c =>
        {
            c.Arity(2, 2);
            var n = c.Int(1);
            if (n <= 0)
            {
                throw YaqlRuntimeException.ValueError("slice length must be positive");
            }
            return Lazy(c, c.Iterable(0).Chunk((int)n).Select(ch => (object?)ch.ToList()));
        });
        M("splitAt", c =>
        {
            c.Arity(2, 2);
            var items = c.Interp.Materialize(c.Iterable(0));
            var n = (int)Math.Clamp(c.Int(1), 0, items.Count);
            return new List<object?> { items.Take(n).ToList(), items.Skip(n).ToList() };
        });
        MR("replace", r => Call.AsIterable(r) is not null, c =>
        {
            c.Arity(3, 4);
            var items = c.Interp.Materialize(c.Iterable(0));
            var pos = c.Int(1);
            var value = c.Arg(2);
            var count = c.Count == 4 ? c.Int(3) : 1;
            return Lazy(c, items.Select((x, i) => i >= pos && (count < 0 || i < pos + count) ? value : x).Where((_, i) => !(i > pos && i < pos + count)));
        });
        MR("delete", r => Call.AsIterable(r) is not null, c =>
        {
            c.Arity(2, 3);
            var items = c.Interp.Materialize(c.Iterable(0));
            var pos = c.Int(1);
            var count = c.Count == 3 ? c.Int(2) : 1;
            return Lazy(c, items.Where((_, i) => i < pos || (count >= 0 && i >= pos + count)));
        });
        M("insert", c =>
        {
            c.Arity(3, 3);
            var items = c.Interp.Materialize(c.Iterable(0)).ToList();
            var pos = (int)Math.Clamp(c.Int(1), 0, items.Count);
            items.Insert(pos, c.Arg(2));
            return Lazy(c, items);
        });
        M("cycle", c =>
        {
            c.Arity(1, 1);
            var items = c.Interp.Materialize(c.Iterable(0));
            return Lazy(c, Cycle(items));
        });
        M("defaultIfEmpty", c =>
        {
            c.Arity(2, 2);
            var items = c.Interp.Materialize(c.Iterable(0));
            var fallback = c.Iterable(1);
            return items.Count > 0 ? Lazy(c, items) : Lazy(c, fallback);
        });
        M("memorize", c => { c.Arity(1, 1); return c.Interp.Materialize(c.Iterable(0)); });
        M("toList", c => { c.Arity(1, 1); return c.Interp.Materialize(c.Iterable(0)).ToList(); });
        F("list", c =>
        {
            c.NoNamed();
            var result = new List<object?>();
            for (var i = 0; i < c.Count; i++)
            {
                var v = c.Arg(i);
                if (v is YaqlIterator it)
                {
                    result.AddRange(c.Interp.Materialize(it));
                }
                else
                {
                    result.Add(v);
                }
            }
            return result;
        });
        M("zip", c =>
        {
            var lists = Enumerable.Range(0, c.Count).Select(i => c.Interp.Materialize(c.Iterable(i))).ToList();
            var n = lists.Min(l => l.Count);
            return Lazy(c, Enumerable.Range(0, n).Select(i => (object?)lists.Select(l => l[i]).ToList()));
        });
        M("zipLongest", c =>
        {
            c.Arity(1, int.MaxValue, "default");
            var fill = c.Named.ContainsKey("default") ? c.Arg(int.MaxValue, "default") : null;
            var lists = Enumerable.Range(0, c.Count).Select(i => c.Interp.Materialize(c.Iterable(i))).ToList();
            var n = lists.Max(l => l.Count);
            return Lazy(c, Enumerable.Range(0, n).Select(i => (object?)lists.Select(l => i < l.Count ? l[i] : fill).ToList()));
        });
        M("groupBy", c =>
        {
            c.Arity(2, 4, "keySelector", "valueSelector", "aggregator");
            var src = c.Iterable(0);
            var key = c.Lambda1(1, "keySelector");
            var value = c.OptionalLambda1(2, "valueSelector");
            var agg = c.OptionalLambda1(3, "aggregator");
            var groups = new List<(object? Key, List<object?> Items)>();
            foreach (var x in src)
            {
                c.Interp.Budget.Step();
                var k = key(x);
                var g = groups.FindIndex(e => Operators.AreEqual(e.Key, k));
                if (g < 0)
                {
                    groups.Add((k, []));
                    g = groups.Count - 1;
                }
                groups[g].Items.Add(value is null ? x : value(x));
            }
            return Lazy(c, groups.Select(g =>
            {
                var pair = new List<object?> { g.Key, g.Items };
                return agg is null ? pair : agg(pair);
            }));
        });
        M("toDict", c =>
        {
            c.Arity(2, 3);
            var src = c.Iterable(0);
            var key = c.Lambda1(1);
            var value = c.OptionalLambda1(2);
            var d = new OrderedDictionary<string, object?>();
            foreach (var x in src)
            {
                c.Interp.Budget.Step();
                d[Interpreter.DictKey(key(x))] = value is null ? x : value(x);
            }
            return d;
        });
        M("toSet", c => { c.Arity(1, 1); return new YaqlSet(c.Interp.Materialize(c.Iterable(0))); });
        F("set", c =>
        {
            c.NoNamed();
            return new YaqlSet(Enumerable.Range(0, c.Count).Select(i => c.Arg(i)));
        });
        M("add", c => { var s = c.Arg(0) as YaqlSet ?? throw NoMatchException.Instance; return new YaqlSet(s.Concat(Enumerable.Range(1, c.Count - 1).Select(i => c.Arg(i)))); });
        M("union", c => { c.Arity(2, 2); var a = Set(c, 0); var b = Set(c, 1); return new YaqlSet(a.Concat(b)); });
        M("intersect", c => { c.Arity(2, 2); var a = Set(c, 0); var b = Set(c, 1); return new YaqlSet(a.Where(b.Contains)); });
        M("difference", c => { c.Arity(2, 2); var a = Set(c, 0); var b = Set(c, 1); return new YaqlSet(a.Where(x => !b.Contains(x))); });
        M("symmetricDifference", c => { c.Arity(2, 2); var a = Set(c, 0); var b = Set(c, 1); return new YaqlSet(a.Where(x => !b.Contains(x)).Concat(b.Where(x => !a.Contains(x)))); });

        // ---- type checks and conversions
        F("isList", c => { c.Arity(1, 1); return c.Arg(0) is List<object?>; });
        F("isDict", c => { c.Arity(1, 1); return c.Arg(0) is IDictionary<string, object?>; });
        F("isString", c => { c.Arity(1, 1); return c.Arg(0) is string; });
        F("isInteger", c => { c.Arity(1, 1); return Operators.IsInt(c.Arg(0)); });
        F("isNumber", c => { c.Arity(1, 1); return Operators.IsNumber(c.Arg(0)); });
        F("isBoolean", c => { c.Arity(1, 1); return c.Arg(0) is bool; });
        F("isSet", c => { c.Arity(1, 1); return c.Arg(0) is YaqlSet; });
        F("isRegex", c => { c.Arity(1, 1); return c.Arg(0) is YaqlRegex; });
        F("isDatetime", c => { c.Arity(1, 1); return c.Arg(0) is YaqlDateTime; });
        F("isTimespan", c => { c.Arity(1, 1); return c.Arg(0) is YaqlTimeSpan; });
        F("str", c =>
        {
            c.Arity(1, 1);
            return c.Arg(0) switch
            {
                null => "null",
                bool b => b ? "true" : "false",
                var v => YaqlValues.Str(v),
            };
        });
        F("int", c => { c.Arity(1, 1); return ToInt(c.Arg(0)); });
        F("float", c => { c.Arity(1, 1); return ToFloat(c.Arg(0)); });
        F("bool", c => { c.Arity(1, 1); return YaqlValues.Truthy(c.Arg(0)); });
        F("abs", c => { c.Arity(1, 1); return c.Number(0) switch { long l when l != long.MinValue => Math.Abs(l), double d => Math.Abs(d), var n => Operators.Normalize(BigInteger.Abs(Operators.Big(n))) }; });
        F("round", c =>
        {
            c.Arity(1, 2);
            var n = c.Number(0);
            var digits = c.Count == 2 ? c.Int(1) : 0;
            if (n is double d)
            {
                return Math.Round(d, (int)Math.Clamp(digits, 0, 15), MidpointRounding.ToEven);
            }
            return n;
        });
        F("pow", c =>
        {
            c.Arity(2, 3);
            var a = c.Number(0);
            var b = c.Number(1);
            if (c.Count == 3)
            {
                return Operators.Normalize(BigInteger.ModPow(Operators.Big(a), Operators.Big(b), Operators.Big(c.Number(2))));
            }
            if (Operators.IsInt(a) && Operators.IsInt(b) && Operators.Big(b) >= 0)
            {
                var exp = Operators.Big(b);
                var bits = (double)BigInteger.Abs(Operators.Big(a)).GetBitLength() * (double)exp;
                c.Interp.Budget.CheckSize((long)Math.Min(bits / 8, long.MaxValue));
                return Operators.Normalize(BigInteger.Pow(Operators.Big(a), (int)exp));
            }
            return Math.Pow(Operators.Dbl(a), Operators.Dbl(b));
        });
        F("sign", c => { c.Arity(1, 1); var n = c.Number(0); return n is double d ? (long)Math.Sign(d) : (long)Operators.Big(n).Sign; });
        F("bitwiseAnd", c => { c.Arity(2, 2); return Operators.Normalize(Operators.Big(IntArg(c, 0)) & Operators.Big(IntArg(c, 1))); });
        F("bitwiseOr", c => { c.Arity(2, 2); return Operators.Normalize(Operators.Big(IntArg(c, 0)) | Operators.Big(IntArg(c, 1))); });
        F("bitwiseXor", c => { c.Arity(2, 2); return Operators.Normalize(Operators.Big(IntArg(c, 0)) ^ Operators.Big(IntArg(c, 1))); });
        F("bitwiseNot", c => { c.Arity(1, 1); return Operators.Normalize(-Operators.Big(IntArg(c, 0)) - 1); });
        F("shiftBitsLeft", c => { c.Arity(2, 2); var n = (int)Math.Clamp(c.Int(1), 0, 1 << 20); return Operators.Normalize(Operators.Big(IntArg(c, 0)) << n); });
        F("shiftBitsRight", c => { c.Arity(2, 2); var n = (int)Math.Clamp(c.Int(1), 0, 1 << 20); return Operators.Normalize(Operators.Big(IntArg(c, 0)) >> n); });
        F("hex", c => { c.Arity(1, 1); var n = Operators.Big(IntArg(c, 0)); return (n < 0 ? "-0x" : "0x") + BigInteger.Abs(n).ToString("x", CultureInfo.InvariantCulture).TrimStart('0').PadLeft(1, '0'); });

        // ---- branching and context
        F("switch", c =>
        {
            c.NoNamed();
            foreach (var a in c.RawArgs)
            {
                if (a is not MappingNode)
                {
                    throw NoMatchException.Instance;
                }
            }
            foreach (var a in c.RawArgs)
            {
                var m = (MappingNode)a;
                if (YaqlValues.Truthy(c.Interp.Eval(m.Key, c.Scope)))
                {
                    return c.Interp.Eval(m.Value, c.Scope);
                }
            }
            return null;
        });
        F("selectCase", c =>
        {
            for (var i = 0; i < c.Count; i++)
            {
                if (YaqlValues.Truthy(c.Arg(i)))
                {
                    return (long)i;
                }
            }
            return (long)c.Count;
        });
        F("selectAllCases", c => Lazy(c, Enumerable.Range(0, c.Count).Where(i => YaqlValues.Truthy(c.Arg(i))).Select(i => (object?)(long)i)));
        M("switchCase", c =>
        {
            var i = c.Int(0);
            if (i < 0 || i >= c.Count - 1)
            {
                return c.Count > 1 ? c.Arg(c.Count - 1) : null;
            }
            return c.Arg((int)i + 1);
        });
        F("coalesce", c =>
        {
            c.NoNamed();
            for (var i = 0; i < c.Count; i++)
            {
                var v = c.Arg(i);
                if (v is not null)
                {
                    return v;
                }
            }
            return null;
        });
        F("let", c => Let(c, setDollar: false));
        F("with", c => Let(c, setDollar: true));
        F("dict", c =>
        {
            var d = new OrderedDictionary<string, object?>();
            if (c.Count == 1 && c.Named.Count == 0 && c.Arg(0) is not YaqlMappingRule && Call.AsIterable(c.Arg(0)) is { } pairs)
            {
                foreach (var p in pairs)
                {
                    if (Call.AsIterable(p) is not { } kv || kv.Count() != 2)
                    {
                        throw NoMatchException.Instance;
                    }
                    var l = kv.ToList();
                    d[Interpreter.DictKey(l[0])] = l[1];
                }
                return d;
            }
            foreach (var a in c.RawArgs)
            {
                if (a is not MappingNode m)
                {
                    throw NoMatchException.Instance;
                }
                d[Interpreter.DictKey(m.Key is KeywordNode k ? k.Name : c.Interp.Eval(m.Key, c.Scope))] = c.Interp.Eval(m.Value, c.Scope);
            }
            return d;
        });

        // ---- dicts
        M("get", c =>
        {
            c.Arity(2, 3);
            var d = c.Dict(0);
            return d.TryGetValue(Interpreter.DictKey(c.Arg(1)), out var v) ? v : c.Count == 3 ? c.Arg(2) : null;
        });
        M("set", c =>
        {
            var d = new OrderedDictionary<string, object?>(c.Dict(0));
            if (c.Count == 2 && c.Arg(1) is IDictionary<string, object?> other)
            {
                foreach (var kv in other)
                {
                    d[kv.Key] = kv.Value;
                }
                return d;
            }
            c.Arity(3, 3);
            d[Interpreter.DictKey(c.Arg(1))] = c.Arg(2);
            return d;
        });
        MR("delete", r => r is IDictionary<string, object?>, c =>
        {
            var d = new OrderedDictionary<string, object?>(c.Dict(0));
            for (var i = 1; i < c.Count; i++)
            {
                d.Remove(Interpreter.DictKey(c.Arg(i)));
            }
            return d;
        });
        M("deleteAll", c =>
        {
            c.Arity(2, 2);
            var d = new OrderedDictionary<string, object?>(c.Dict(0));
            foreach (var k in c.Iterable(1))
            {
                d.Remove(Interpreter.DictKey(k));
            }
            return d;
        });
        M("keys", c => { c.Arity(1, 1); return new YaqlSet(c.Dict(0).Keys, frozen: false); });
        M("values", c => { c.Arity(1, 1); return new YaqlIterator(c.Dict(0).Values.ToList()); });
        M("items", c => { c.Arity(1, 1); return new YaqlIterator(c.Dict(0).Select(kv => (object?)new List<object?> { kv.Key, kv.Value }).ToList()) { IsItemsView = true }; });
        M("containsKey", c => { c.Arity(2, 2); return c.Dict(0).ContainsKey(Interpreter.DictKey(c.Arg(1))); });
        M("containsValue", c => { c.Arity(2, 2); var v = c.Arg(1); return c.Dict(0).Values.Any(x => Operators.AreEqual(x, v)); });
        M("mergeWith", c => { c.Arity(2, 2); return Merge(c.Dict(0), c.Dict(1)); });

        // ---- strings
        M("toUpper", c => { c.Arity(1, 1); return Upper(c.Str(0)); });
        M("toLower", c => { c.Arity(1, 1); return c.Str(0).ToLowerInvariant(); });
        MR("split", r => r is string, c =>
        {
            c.Arity(1, 3, "separator", "maxSplits");
            var s = c.Str(0);
            var sep = c.Has(1, "separator") ? c.StrOrNull(1, "separator") : null;
            var max = c.Has(2, "maxSplits") ? c.Int(2, "maxSplits") : -1;
            return Split(s, sep, max);
        });
        M("join", c =>
        {
            c.Arity(2, 2);
            if (c.Arg(0) is string sep && Call.AsIterable(c.Arg(1)) is { } items)
            {
                return JoinItems(c, sep, items);
            }
            if (Call.AsIterable(c.Arg(0)) is { } items2 && c.Arg(1) is string sep2)
            {
                return JoinItems(c, sep2, items2);
            }
            throw NoMatchException.Instance;
        });
        M("trim", c => { c.Arity(1, 2); var chars = c.Count == 2 ? c.StrOrNull(1) : null; return chars is null ? PyStrip(c.Str(0)) : c.Str(0).Trim(chars.ToCharArray()); });
        M("trimLeft", c => { c.Arity(1, 2); var chars = c.Count == 2 ? c.StrOrNull(1) : null; return chars is null ? c.Str(0).TrimStart() : c.Str(0).TrimStart(chars.ToCharArray()); });
        M("trimRight", c => { c.Arity(1, 2); var chars = c.Count == 2 ? c.StrOrNull(1) : null; return chars is null ? c.Str(0).TrimEnd() : c.Str(0).TrimEnd(chars.ToCharArray()); });
        E("norm", c =>
        {
            c.Arity(1, 2);
            var s = c.StrOrNull(0);
            if (s is null)
            {
                return null;
            }
            var r = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return r.Length == 0 ? null : r;
        });
        E("isEmpty", c =>
        {
            c.Arity(1, 2, "trim");
            var s = c.StrOrNull(0);
            var trim = !c.Has(1, "trim") || YaqlValues.Truthy(c.Arg(1, "trim"));
            return s is null || (trim ? PyStrip(s) : s).Length == 0;
        });
        MR("replace", r => r is string, c =>
        {
            var s = c.Str(0);
            if (c.Count >= 2 && c.Arg(1) is IDictionary<string, object?> repl)
            {
                c.Arity(2, 3);
                var result = s;
                foreach (var kv in repl)
                {
                    result = result.Replace(kv.Key, YaqlValues.Str(kv.Value), StringComparison.Ordinal);
                }
                return result;
            }
            if (c.Count >= 2 && c.Arg(1) is YaqlRegex rx)
            {
                c.Arity(3, 4);
                var count = c.Count == 4 ? c.Int(3) : 0;
                return RegexReplace(rx, s, c.Str(2), count);
            }
            c.Arity(3, 4);
            var old = c.Str(1);
            var @new = c.Str(2);
            var n = c.Count == 4 ? c.Int(3) : -1;
            return ReplaceCount(c, s, old, @new, n);
        });
        M("replaceBy", c =>
        {
            c.Arity(3, 4);
            var s = c.Str(0);
            var rx = c.Arg(1) as YaqlRegex ?? throw NoMatchException.Instance;
            var f = c.Lambda1(2);
            var count = c.Count == 4 ? (int)c.Int(3) : -1;
            return rx.Regex.Replace(s, m => YaqlValues.Str(f(MatchDict(m.Groups[0]))), count <= 0 ? -1 : count);
        });
        M("substring", c =>
        {
            c.Arity(2, 3, "start", "length");
            var s = c.Str(0);
            var start = c.Int(1, "start");
            var length = c.Has(2, "length") ? c.Int(2, "length") : -1;
            if (length < 0)
            {
                length = s.Length;
            }
            if (start < 0)
            {
                start += s.Length;
            }
            start = Math.Clamp(start, 0, s.Length);
            var end = Math.Clamp(start + length, start, s.Length);
            return s[(int)start..(int)end];
        });
        MR("format", r => r is string, c =>
        {
            var fmt = c.Str(0);
            var args = Enumerable.Range(1, c.Count - 1).Select(i => c.Arg(i)).ToList();
            var kwargs = c.Named.Keys.ToDictionary(k => k, k => c.Arg(int.MaxValue, k), StringComparer.Ordinal);
            return PyFormat.Format(fmt, args, kwargs);
        });
        F("format", c =>
        {
            var fmt = c.Str(0);
            var args = Enumerable.Range(1, c.Count - 1).Select(i => c.Arg(i)).ToList();
            var kwargs = c.Named.Keys.ToDictionary(k => k, k => c.Arg(int.MaxValue, k), StringComparer.Ordinal);
            return PyFormat.Format(fmt, args, kwargs);
        });
        M("startsWith", c => { var s = c.Str(0); return Enumerable.Range(1, c.Count - 1).Any(i => s.StartsWith(c.Str(i), StringComparison.Ordinal)); });
        M("endsWith", c => { var s = c.Str(0); return Enumerable.Range(1, c.Count - 1).Any(i => s.EndsWith(c.Str(i), StringComparison.Ordinal)); });
        M("toCharArray", c => { c.Arity(1, 1); return c.Str(0).Select(ch => (object?)ch.ToString()).ToList(); });
        F("concat", c =>
        {
            c.NoNamed();
            var sb = new StringBuilder();
            for (var i = 0; i < c.Count; i++)
            {
                sb.Append(c.Str(i));
            }
            return sb.ToString();
        });
        M("matches", c =>
        {
            c.Arity(2, 2);
            if (c.Arg(0) is YaqlRegex rx)
            {
                return rx.Regex.IsMatch(c.Str(1));
            }
            return CompileRegex(c.Str(1), RegexOptions.None).IsMatch(c.Str(0));
        });

        // ---- regex
        F("regex", c =>
        {
            c.Arity(1, 1, "ignoreCase", "multiLine", "dotAll");
            var options = RegexOptions.None;
            if (c.Named.ContainsKey("ignoreCase") && YaqlValues.Truthy(c.Arg(int.MaxValue, "ignoreCase")))
            {
                options |= RegexOptions.IgnoreCase;
            }
            if (c.Named.ContainsKey("multiLine") && YaqlValues.Truthy(c.Arg(int.MaxValue, "multiLine")))
            {
                options |= RegexOptions.Multiline;
            }
            if (c.Named.ContainsKey("dotAll") && YaqlValues.Truthy(c.Arg(int.MaxValue, "dotAll")))
            {
                options |= RegexOptions.Singleline;
            }
            var pattern = c.Str(0);
            return new YaqlRegex(CompileRegex(pattern, options), pattern);
        });
        M("search", c =>
        {
            c.Arity(2, 3);
            var rx = c.Arg(0) as YaqlRegex ?? throw NoMatchException.Instance;
            var m = rx.Regex.Match(c.Str(1));
            if (!m.Success)
            {
                return null;
            }
            return c.Count == 3 ? Groups(c, 2, m) : MatchDict(m.Groups[0]);
        });
        M("searchAll", c =>
        {
            c.Arity(2, 3);
            var rx = c.Arg(0) as YaqlRegex ?? throw NoMatchException.Instance;
            var matches = rx.Regex.Matches(c.Str(1));
            return Lazy(c, matches.Select(m => c.Count == 3 ? Groups(c, 2, m) : MatchDict(m.Groups[0])));
        });
        MR("split", r => r is YaqlRegex, c =>
        {
            c.Arity(2, 3);
            var rx = c.Arg(0) as YaqlRegex ?? throw NoMatchException.Instance;
            var max = c.Count == 3 ? (int)c.Int(2) : 0;
            return (max > 0 ? rx.Regex.Split(c.Str(1), max + 1) : rx.Regex.Split(c.Str(1))).Select(x => (object?)x).ToList();
        });
        MR("replace", r => r is YaqlRegex, c =>
        {
            c.Arity(3, 4);
            var rx = c.Arg(0) as YaqlRegex ?? throw NoMatchException.Instance;
            return RegexReplace(rx, c.Str(1), c.Str(2), c.Count == 4 ? c.Int(3) : 0);
        });
        F("escapeRegex", c => { c.Arity(1, 1); return PyReEscape(c.Str(0)); });

        // ---- date and time
        F("datetime", c => DateTimeFunction(c));
        F("timespan", c =>
        {
            c.Arity(0, 0, "days", "hours", "minutes", "seconds", "milliseconds", "microseconds");
            double Part(string n) => c.Named.ContainsKey(n) ? Operators.Dbl(c.Arg(int.MaxValue, n) ?? 0L) : 0;
            var ticks = (Part("days") * TimeSpan.TicksPerDay) + (Part("hours") * TimeSpan.TicksPerHour) + (Part("minutes") * TimeSpan.TicksPerMinute)
                + (Part("seconds") * TimeSpan.TicksPerSecond) + (Part("milliseconds") * TimeSpan.TicksPerMillisecond) + (Part("microseconds") * 10);
            return new YaqlTimeSpan(TimeSpan.FromTicks((long)ticks));
        });
        F("now", c => { c.Arity(0, 1, "offset"); return new YaqlDateTime(DateTimeOffset.UtcNow); });
        F("utctz", c => { c.Arity(0, 0); return new YaqlTimeSpan(TimeSpan.Zero); });
        F("localtz", c => { c.Arity(0, 0); return new YaqlTimeSpan(TimeSpan.Zero); });
        MR("format", r => r is YaqlDateTime, c =>
        {
            c.Arity(2, 2);
            var d = c.Arg(0) as YaqlDateTime ?? throw NoMatchException.Instance;
            return StrFTime(d.Value, c.Str(1));
        });

        // ---- Mistral's functions
        F("json_dump", c => { c.Arity(1, 1, "data"); return Mistral(() => MistralFunctions.JsonDump(c.Interp.ConvertOutput(c.Arg(0, "data")))); });
        F("json_parse", c => { c.Arity(1, 1, "data"); return Mistral(() => PlainDict.From(MistralFunctions.JsonParse(c.Arg(0, "data")))); });
        F("yaml_dump", c => { c.Arity(1, 1, "data"); return Mistral(() => MistralFunctions.YamlDump(c.Interp.ConvertOutput(c.Arg(0, "data")))); });
        F("yaml_parse", c => { c.Arity(1, 1, "data"); return Mistral(() => PlainDict.From(MistralFunctions.YamlParse(c.Arg(0, "data")))); });
        F("json_pp", c =>
        {
            c.Arity(0, 1, "data");
            var data = c.Has(0, "data") ? c.Arg(0, "data") : null;
            if (!YaqlValues.Truthy(data))
            {
                // Mistral dumps the yaql context object itself, which json cannot serialise.
                throw YaqlRuntimeException.ValueError("Circular reference detected");
            }
            return Mistral(() => MistralFunctions.JsonPp(null, c.Interp.ConvertOutput(data)));
        });
        F("uuid", c => { c.Arity(0, 0); return MistralFunctions.Uuid(); });
        F("env", c => { c.Arity(0, 0); return c.Scope.TryGet("__env", out var env) ? env : null; });
        F("task", c =>
        {
            c.Arity(0, 1, "task_name");
            var name = c.Has(0, "task_name") ? c.Arg(0, "task_name") : null;
            var f = c.Interp.Functions ?? throw YaqlRuntimeException.TypeError("'NoneType' object is not subscriptable");
            return f.Task(name is null ? null : YaqlValues.Str(name));
        });
        F("tasks", c =>
        {
            c.Arity(0, 4, "workflow_execution_id", "recursive", "state", "flat");
            var id = c.Has(0, "workflow_execution_id") ? c.Arg(0, "workflow_execution_id") : null;
            var recursive = c.Has(1, "recursive") && YaqlValues.Truthy(c.Arg(1, "recursive"));
            var state = c.Has(2, "state") ? c.Arg(2, "state") : null;
            var flat = c.Has(3, "flat") && YaqlValues.Truthy(c.Arg(3, "flat"));
            var f = c.Interp.Functions ?? throw new YaqlRuntimeException("OperationalError", "no database: tasks() needs execution state");
            return f.Tasks(id as string, recursive, state as string, flat);
        });
        F("execution", c =>
        {
            c.Arity(0, 0);
            var f = c.Interp.Functions ?? throw YaqlRuntimeException.TypeError("'NoneType' object is not subscriptable");
            return f.Execution();
        });
        F("executions", c =>
        {
            c.Arity(0, 5, "id", "root_execution_id", "state", "from_time", "to_time");
            string? S(int i, string n) => c.Has(i, n) ? c.Arg(i, n) as string : null;
            var f = c.Interp.Functions ?? throw new YaqlRuntimeException("OperationalError", "no database: executions() needs execution state");
            return f.Executions(S(0, "id"), S(1, "root_execution_id"), S(2, "state"), S(3, "from_time"), S(4, "to_time"));
        });
        F("global", c =>
        {
            c.Arity(1, 1, "var_name");
            var f = c.Interp.Functions ?? throw YaqlRuntimeException.TypeError("'NoneType' object is not subscriptable");
            return f.Global(YaqlValues.Str(c.Arg(0, "var_name")));
        });
        return t;
    }
}

using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace Sirocco.Expressions.Jinja;

/// <summary>Jinja's default filters, tests and globals, with Python's semantics, plus Mistral's functions.</summary>
internal static partial class Builtins
{
    private delegate object? Filter(Interpreter ip, object? value, CallArguments args);

    private delegate bool Test(Interpreter ip, object? value, CallArguments args);

    private static readonly Dictionary<string, Filter> Filters = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, Test> Tests = new(StringComparer.Ordinal);

    /// <summary>Sandbox: <c>range()</c> may not produce more items than this.</summary>
    public const int MaxRange = 100_000;

    public static bool HasFilter(string name) => Filters.ContainsKey(name) || MistralGlobals.IsFunction(name);

    public static bool HasTest(string name) => Tests.ContainsKey(name);

    public static object? RunFilter(Interpreter ip, string name, object? value, CallArguments args)
    {
        if (MistralGlobals.IsFunction(name))
        {
            // Mistral registers its functions as filters too: the piped value becomes their context
            return MistralGlobals.Call(ip, name, value, args);
        }
        if (!Filters.TryGetValue(name, out var filter))
        {
            throw new JinjaRuntimeError("TemplateAssertionError", $"No filter named {PyText.Repr(name)}.");
        }
        return filter(ip, value, args);
    }

    public static bool RunTest(Interpreter ip, string name, object? value, CallArguments args)
    {
        if (!Tests.TryGetValue(name, out var test))
        {
            throw new JinjaRuntimeError("TemplateAssertionError", $"No test named {PyText.Repr(name)}.");
        }
        return test(ip, value, args);
    }

    public static bool TryGetGlobal(Interpreter ip, string name, out object? value)
    {
        switch (name)
        {
            case "range":
                value = new BuiltinCallable("<function safe_range>", (_, a) => Range(a));
                return true;
            case "dict":
                value = new BuiltinCallable("<class 'dict'>", (_, a) =>
                {
                    var d = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                    if (a.Positional.Count > 1)
                    {
                        throw JinjaRuntimeError.Type($"dict expected at most 1 argument, got {a.Positional.Count}");
                    }
                    if (a.Positional.Count == 1)
                    {
                        foreach (var (k, v) in Pairs(a.Positional[0]))
                        {
                            d[k] = v;
                        }
                    }
                    foreach (var kv in a.Keywords)
                    {
                        d[kv.Key] = kv.Value;
                    }
                    return d;
                });
                return true;
            case "namespace":
                value = new BuiltinCallable("<class 'jinja2.utils.Namespace'>", (_, a) =>
                {
                    var ns = new Namespace();
                    foreach (var p in a.Positional)
                    {
                        foreach (var (k, v) in Pairs(p))
                        {
                            ns.Attributes[k] = v;
                        }
                    }
                    foreach (var kv in a.Keywords)
                    {
                        ns.Attributes[kv.Key] = kv.Value;
                    }
                    return ns;
                });
                return true;
            case "cycler":
                value = new BuiltinCallable("<class 'jinja2.utils.Cycler'>", (_, a) => Cycler(a.Positional));
                return true;
            case "joiner":
                value = new BuiltinCallable("<class 'jinja2.utils.Joiner'>", (_, a) =>
                {
                    var p = a.Bind("Joiner", ["sep"], 0);
                    var sep = ReferenceEquals(p[0], CallArguments.Missing) ? ", " : PyText.Str(p[0]);
                    var used = false;
                    return new BuiltinCallable("<jinja2.utils.Joiner>", (_, _) =>
                    {
                        if (!used)
                        {
                            used = true;
                            return string.Empty;
                        }
                        return sep;
                    });
                });
                return true;
            case "lipsum":
                value = new BuiltinCallable("<function generate_lorem_ipsum>", (_, _) => throw new JinjaRuntimeError("NotSupported", "not supported: lipsum()"));
                return true;
        }
        return MistralGlobals.TryGetBound(ip, name, out value);
    }

    private static Namespace Cycler(List<object?> items)
    {
        if (items.Count == 0)
        {
            throw new JinjaRuntimeError("RuntimeError", "at least one item has to be provided");
        }
        var ns = new Namespace();
        var pos = 0;
        void Refresh() => ns.Attributes["current"] = items[pos];
        Refresh();
        ns.Attributes["next"] = new BuiltinCallable("<bound method Cycler.next>", (_, _) =>
        {
            var v = items[pos];
            pos = (pos + 1) % items.Count;
            Refresh();
            return v;
        });
        ns.Attributes["reset"] = new BuiltinCallable("<bound method Cycler.reset>", (_, _) =>
        {
            pos = 0;
            Refresh();
            return null;
        });
        return ns;
    }

    private static PyRange Range(CallArguments a)
    {
        if (a.Keywords.Count > 0)
        {
            throw JinjaRuntimeError.Type("range() takes no keyword arguments");
        }
        if (a.Positional.Count is < 1 or > 3)
        {
            throw JinjaRuntimeError.Type($"range expected at most 3 arguments, got {a.Positional.Count}");
        }
        var nums = a.Positional.Select(v => PyNum.IsInt(v) ? PyNum.ToBig(v) : throw JinjaRuntimeError.Type($"{PyText.Repr(PyText.TypeName(v))} object cannot be interpreted as an integer")).ToList();
        BigInteger start = 0, stop, step = 1;
        if (nums.Count == 1)
        {
            stop = nums[0];
        }
        else
        {
            start = nums[0];
            stop = nums[1];
            if (nums.Count == 3)
            {
                step = nums[2];
            }
        }
        if (step.IsZero)
        {
            throw JinjaRuntimeError.Value("range() arg 3 must not be zero");
        }
        BigInteger count = step > 0
            ? (start < stop ? ((stop - start - 1) / step) + 1 : 0)
            : (start > stop ? ((start - stop - 1) / -step) + 1 : 0);
        if (count > MaxRange)
        {
            throw new JinjaRuntimeError("OverflowError", $"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
        }
        return new PyRange((long)start, (long)stop, (long)step);
    }

    /// <summary>Key/value pairs of a mapping or of an iterable of pairs (<c>dict(x)</c>, <c>update(x)</c>).</summary>
    public static IEnumerable<(string Key, object? Value)> Pairs(object? source)
    {
        if (source is IDictionary<string, object?> map)
        {
            foreach (var kv in map.ToList())
            {
                yield return (kv.Key, kv.Value);
            }
            yield break;
        }
        if (source is Namespace ns)
        {
            foreach (var kv in ns.Attributes.ToList())
            {
                yield return (kv.Key, kv.Value);
            }
            yield break;
        }
        var index = 0;
        foreach (var item in PyOps.Iterate(source))
        {
            var pair = PyOps.Iterate(item).ToList();
            if (pair.Count != 2)
            {
                throw JinjaRuntimeError.Value($"dictionary update sequence element #{index} has length {pair.Count}; 2 is required");
            }
            yield return (PyOps.KeyOf(pair[0]) ?? throw JinjaRuntimeError.Type("not supported: dict key of this type"), pair[1]);
            index++;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static object? Arg(object?[] bound, int i, object? fallback) => ReferenceEquals(bound[i], CallArguments.Missing) ? fallback : bound[i];

    private static string SoftStr(object? v) => PyText.Str(v);

    private static List<object?> Materialize(Interpreter ip, object? v)
    {
        var list = new List<object?>();
        foreach (var x in PyOps.Iterate(v))
        {
            ip.Budget.Step();
            list.Add(x);
        }
        ip.Budget.CheckSize(list.Count);
        return list;
    }

    /// <summary>Jinja's <c>make_attrgetter</c>: dotted path, each part an item lookup first (integers for digits).</summary>
    private static Func<object?, object?> AttrGetter(Interpreter ip, object? attribute, bool ignoreCase = false, object? defaultValue = null, bool hasDefault = false)
    {
        if (attribute == null)
        {
            return x => ignoreCase ? IgnoreCase(x) : x;
        }
        var parts = attribute is string s
            ? s.Split('.').Select(p => p.Length > 0 && p.All(char.IsAsciiDigit) ? (object?)long.Parse(p, CultureInfo.InvariantCulture) : p).ToList()
            : [attribute];
        return item =>
        {
            var v = item;
            foreach (var part in parts)
            {
                v = ip.GetItem(v, part);
            }
            if (v is Undefined && hasDefault)
            {
                v = defaultValue;
            }
            return ignoreCase ? IgnoreCase(v) : v;
        };
    }

    private static object? IgnoreCase(object? v) => v is string s ? s.ToLowerInvariant() : v;

    /// <summary>Python's stable <c>sorted()</c>, comparing with Python's ordering.</summary>
    public static List<object?> StableSort(Interpreter ip, List<object?> items, Func<object?, object?> key, bool reverse)
    {
        var keyed = items.Select((x, i) => (Key: key(x), Item: x, Index: i)).ToList();
        ip.Budget.Step(items.Count * (long)Math.Max(1, Math.Log2(items.Count + 1)));
        try
        {
            SortKeyed(keyed, reverse);
        }
        catch (InvalidOperationException e) when (e.InnerException is JinjaRuntimeError or LimitExceededError)
        {
            throw e.InnerException;
        }
        return keyed.Select(k => k.Item).ToList();
    }

    private static void SortKeyed(List<(object? Key, object? Item, int Index)> keyed, bool reverse)
    {
        keyed.Sort((a, b) =>
        {
            // Python sorts with __lt__ only; a stable reverse keeps equal items in order
            if (PyOps.CompareOp("lt", a.Key, b.Key))
            {
                return reverse ? 1 : -1;
            }
            if (PyOps.CompareOp("lt", b.Key, a.Key))
            {
                return reverse ? -1 : 1;
            }
            return a.Index.CompareTo(b.Index);
        });
    }

    private static IEnumerable<object?> Lazy(Interpreter ip, IEnumerable<object?> source)
    {
        foreach (var x in source)
        {
            ip.Budget.Step();
            yield return x;
        }
    }

    private static PyIterator Generator(Interpreter ip, IEnumerable<object?> source, string name) => new(Lazy(ip, source), "generator object " + name);

    public static object? Slice(object? target, object? start, object? stop, object? step, Budget budget)
    {
        int? Idx(object? v) => v switch
        {
            null => null,
            _ when PyNum.IsInt(v) => (int)BigInteger.Clamp(PyNum.ToBig(v), int.MinValue + 1, int.MaxValue),
            _ => throw JinjaRuntimeError.Type("slice indices must be integers or None or have an __index__ method"),
        };
        var st = Idx(step) ?? 1;
        if (st == 0)
        {
            throw JinjaRuntimeError.Value("slice step cannot be zero");
        }
        int length;
        Func<int, object?> get;
        switch (target)
        {
            case string s:
                length = s.Length;
                get = i => s[i];
                break;
            case Markup m:
                length = m.Text.Length;
                get = i => m.Text[i];
                break;
            case IList<object?> l:
                length = l.Count;
                get = i => l[i];
                break;
            case PyRange r:
                length = r.Count;
                get = i => r[i];
                break;
            default:
                throw JinjaRuntimeError.Type($"{PyText.Repr(PyText.TypeName(target))} object is not subscriptable");
        }
        int Norm(int? v, int dflt, int lo, int hi)
        {
            if (v is not { } x)
            {
                return dflt;
            }
            if (x < 0)
            {
                x += length;
            }
            return Math.Clamp(x, lo, hi);
        }
        int from, to;
        if (st > 0)
        {
            from = Norm(Idx(start), 0, 0, length);
            to = Norm(Idx(stop), length, 0, length);
        }
        else
        {
            from = Norm(Idx(start), length - 1, -1, length - 1);
            to = Norm(Idx(stop), -1, -1, length - 1);
        }
        var indices = new List<int>();
        for (var i = from; st > 0 ? i < to : i > to; i += st)
        {
            indices.Add(i);
        }
        budget.CheckSize(indices.Count);
        switch (target)
        {
            case string or Markup:
                {
                    var sb = new StringBuilder(indices.Count);
                    foreach (var i in indices)
                    {
                        sb.Append((char)get(i)!);
                    }
                    return target is Markup ? new Markup(sb.ToString()) : sb.ToString();
                }
            case PyTuple:
                return new PyTuple([.. indices.Select(get)]);
            case PyRange r:
                return new PyRange(r.Start + (from * r.Step), r.Start + (from * r.Step) + (indices.Count * st * r.Step), st * r.Step);
            default:
                return indices.Select(get).ToList();
        }
    }

    // ---------------------------------------------------------------- filters

    static Builtins()
    {
        Filters["abs"] = (_, v, a) =>
        {
            a.Bind("do_abs", [], 0);
            return v switch
            {
                double d => Math.Abs(d),
                bool b => b ? 1L : 0L,
                long or int or BigInteger => PyNum.Normalize(BigInteger.Abs(PyNum.ToBig(v))),
                Undefined u => throw u.Fail(),
                _ => throw JinjaRuntimeError.Type($"bad operand type for abs(): {PyText.Repr(PyText.TypeName(v))}"),
            };
        };
        Filters["attr"] = (ip, v, a) =>
        {
            var p = a.Bind("do_attr", ["name"], 1);
            var name = SoftStr(p[0]);
            if (v is Undefined u)
            {
                throw u.Fail();
            }
            if (Methods.IsUnsafeAttribute(v, name))
            {
                return Undefined.Unsafe($"access to attribute {PyText.Repr(name)} of {PyText.Repr(PyText.TypeName(v))} object is unsafe.");
            }
            return Methods.TryGetAttribute(ip, v, name, out var value) ? value : Undefined.ForAttribute(v, name);
        };
        Filters["batch"] = (ip, v, a) =>
        {
            var p = a.Bind("do_batch", ["linecount", "fill_with"], 1);
            var size = (int)PyNum.ToBig(p[0]);
            if (size <= 0)
            {
                throw JinjaRuntimeError.Value("range() arg 3 must not be zero");
            }
            var fill = Arg(p, 1, null);
            var items = Materialize(ip, v);
            var result = new List<object?>();
            for (var i = 0; i < items.Count; i += size)
            {
                var chunk = items.Skip(i).Take(size).ToList();
                if (chunk.Count < size && fill != null)
                {
                    chunk.AddRange(Enumerable.Repeat(fill, size - chunk.Count));
                }
                result.Add(chunk);
            }
            return Generator(ip, result, "do_batch");
        };
        Filters["capitalize"] = (_, v, a) =>
        {
            a.Bind("do_capitalize", [], 0);
            return Methods.Capitalize(SoftStr(v));
        };
        Filters["center"] = (ip, v, a) =>
        {
            var p = a.Bind("do_center", ["width"], 0);
            var width = (int)PyNum.ToBig(Arg(p, 0, 80L));
            ip.Budget.CheckSize(width);
            var s = SoftStr(v);
            if (s.Length >= width)
            {
                return s;
            }
            var pad = width - s.Length;
            var left = (pad / 2) + (pad & width & 1);
            return new string(' ', left) + s + new string(' ', pad - left);
        };
        Filter defaultFilter = (_, v, a) =>
        {
            var p = a.Bind("do_default", ["default_value", "boolean"], 0);
            var dflt = Arg(p, 0, string.Empty);
            var boolean = PyOps.Truthy(Arg(p, 1, false));
            if (v is Undefined || (boolean && !PyOps.Truthy(v)))
            {
                return dflt;
            }
            return v;
        };
        Filters["default"] = defaultFilter;
        Filters["d"] = defaultFilter;
        Filters["dictsort"] = (ip, v, a) =>
        {
            var p = a.Bind("do_dictsort", ["case_sensitive", "by", "reverse"], 0);
            var caseSensitive = PyOps.Truthy(Arg(p, 0, false));
            var by = SoftStr(Arg(p, 1, "key"));
            var reverse = PyOps.Truthy(Arg(p, 2, false));
            var pos = by switch
            {
                "key" => 0,
                "value" => 1,
                _ => throw new JinjaRuntimeError("FilterArgumentError", "You can only sort by either \"key\" or \"value\""),
            };
            if (v is not IDictionary<string, object?> map)
            {
                throw new JinjaRuntimeError("AttributeError", $"{PyText.Repr(PyText.TypeName(v))} object has no attribute 'items'");
            }
            var items = map.Select(kv => (object?)new PyTuple([kv.Key, kv.Value])).ToList();
            return StableSort(ip, items, x =>
            {
                var k = ((PyTuple)x!)[pos];
                return caseSensitive ? k : IgnoreCase(k);
            }, reverse);
        };
        Filter escape = (_, v, a) =>
        {
            a.Bind("escape", [], 0);
            return v is Markup ? v : new Markup(Escape(SoftStr(v)));
        };
        Filters["escape"] = escape;
        Filters["e"] = escape;
        Filters["forceescape"] = (_, v, a) =>
        {
            a.Bind("do_forceescape", [], 0);
            return new Markup(Escape(v is Markup m ? m.Text : SoftStr(v)));
        };
        Filters["filesizeformat"] = (_, v, a) =>
        {
            var p = a.Bind("do_filesizeformat", ["binary"], 0);
            var binary = PyOps.Truthy(Arg(p, 0, false));
            var bytes = ToFloat(v);
            var @base = binary ? 1024.0 : 1000.0;
            string[] prefixes = binary
                ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
                : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
            if (bytes == 1)
            {
                return "1 Byte";
            }
            if (bytes < @base)
            {
                return $"{PyNum.ToBig(PyNum.FromDouble(bytes))} Bytes";
            }
            var unit = @base;
            for (var i = 0; i < prefixes.Length; i++)
            {
                unit = Math.Pow(@base, i + 2);
                if (bytes < unit || i == prefixes.Length - 1)
                {
                    return PyFormat.FormatNumber(@base * bytes / unit, new PyFormat.Spec { Type = 'f', Precision = 1 }) + " " + prefixes[i];
                }
            }
            return string.Empty;
        };
        Filters["first"] = (_, v, a) =>
        {
            a.Bind("do_first", [], 0);
            foreach (var x in PyOps.Iterate(v))
            {
                return x;
            }
            return Undefined.WithHint("No first item, sequence was empty.");
        };
        Filters["last"] = (ip, v, a) =>
        {
            a.Bind("do_last", [], 0);
            if (v is PyIterator)
            {
                throw JinjaRuntimeError.Type($"{PyText.Repr(PyText.TypeName(v))} object is not reversible");
            }
            var items = Materialize(ip, v);
            return items.Count > 0 ? items[^1] : Undefined.WithHint("No last item, sequence was empty.");
        };
        Filters["float"] = (_, v, a) =>
        {
            var p = a.Bind("do_float", ["default"], 0);
            var dflt = Arg(p, 0, 0.0);
            return TryFloat(v, out var d) ? d : dflt;
        };
        Filters["format"] = (ip, v, a) =>
        {
            if (a.Positional.Count > 0 && a.Keywords.Count > 0)
            {
                throw new JinjaRuntimeError("FilterArgumentError", "can't handle positional and keyword arguments at the same time");
            }
            object? args = a.Keywords.Count > 0
                ? new OrderedDictionary<string, object?>(a.Keywords, StringComparer.Ordinal)
                : new PyTuple([.. a.Positional]);
            return PyFormat.Percent(SoftStr(v), args, ip.Budget);
        };
        Filters["groupby"] = (ip, v, a) =>
        {
            var p = a.Bind("do_groupby", ["attribute", "default", "case_sensitive"], 1);
            var hasDefault = !ReferenceEquals(p[1], CallArguments.Missing) && p[1] != null;
            var caseSensitive = PyOps.Truthy(Arg(p, 2, false));
            var keyFn = AttrGetter(ip, p[0], !caseSensitive, Arg(p, 1, null), hasDefault);
            var outFn = AttrGetter(ip, p[0], false, Arg(p, 1, null), hasDefault);
            var sorted = StableSort(ip, Materialize(ip, v), keyFn, false);
            var result = new List<object?>();
            object? currentKey = null;
            List<object?>? group = null;
            foreach (var item in sorted)
            {
                var k = keyFn(item);
                if (group == null || !PyOps.Eq(k, currentKey))
                {
                    group = [];
                    currentKey = k;
                    result.Add(new PyTuple([outFn(item), group]) { FieldNames = ["grouper", "list"] });
                }
                group.Add(item);
            }
            return result;
        };
        Filters["indent"] = (_, v, a) =>
        {
            var p = a.Bind("do_indent", ["width", "first", "blank"], 0);
            var width = Arg(p, 0, 4L);
            var indention = width is string ws ? ws : new string(' ', (int)PyNum.ToBig(width));
            var first = PyOps.Truthy(Arg(p, 1, false));
            var blank = PyOps.Truthy(Arg(p, 2, false));
            var s = SoftStr(v) + "\n";
            var lines = s.Split('\n').ToList();
            lines.RemoveAt(lines.Count - 1);
            string rv;
            if (blank)
            {
                rv = string.Join("\n" + indention, lines);
            }
            else
            {
                rv = lines[0];
                if (lines.Count > 1)
                {
                    rv += "\n" + string.Join("\n", lines.Skip(1).Select(l => l.Length > 0 ? indention + l : l));
                }
            }
            return first ? indention + rv : rv;
        };
        Filters["int"] = (_, v, a) =>
        {
            var p = a.Bind("do_int", ["default", "base"], 0);
            var dflt = Arg(p, 0, 0L);
            var @base = (int)PyNum.ToBig(Arg(p, 1, 10L));
            switch (v)
            {
                case string or Markup:
                    {
                        var s = SoftStr(v);
                        if (PyOps.TryParseInt(s, @base, out var bi))
                        {
                            return PyNum.Normalize(bi);
                        }
                        if (PyOps.TryParseFloat(s, out var d) && !double.IsNaN(d) && !double.IsInfinity(d))
                        {
                            return PyNum.FromDouble(d);
                        }
                        return dflt;
                    }
                case double d:
                    return double.IsNaN(d) || double.IsInfinity(d) ? dflt : PyNum.FromDouble(d);
                case bool or long or int or BigInteger:
                    return PyNum.Normalize(PyNum.ToBig(v));
                default:
                    return dflt;
            }
        };
        Filters["items"] = (ip, v, a) =>
        {
            a.Bind("do_items", [], 0);
            if (v is Undefined)
            {
                return Generator(ip, [], "do_items");
            }
            if (v is not IDictionary<string, object?> map)
            {
                throw JinjaRuntimeError.Type("Can only get item pairs from a mapping.");
            }
            return Generator(ip, new DictView(map, "items"), "do_items");
        };
        Filters["join"] = (ip, v, a) =>
        {
            var p = a.Bind("do_join", ["d", "attribute"], 0);
            var sep = SoftStr(Arg(p, 0, string.Empty));
            var getter = Arg(p, 1, null) is { } attr ? AttrGetter(ip, attr) : null;
            var sb = new StringBuilder();
            var first = true;
            foreach (var x in PyOps.Iterate(v))
            {
                ip.Budget.Step();
                if (!first)
                {
                    sb.Append(sep);
                }
                first = false;
                sb.Append(SoftStr(getter == null ? x : getter(x)));
                ip.Budget.CheckSize(sb.Length);
            }
            return sb.ToString();
        };
        Filter length = (_, v, a) =>
        {
            a.Bind("sync_do_length", [], 0);
            return PyOps.Length(v);
        };
        Filters["length"] = length;
        Filters["count"] = length;
        Filters["list"] = (ip, v, a) =>
        {
            a.Bind("sync_do_list", [], 0);
            return Materialize(ip, v);
        };
        Filters["lower"] = (_, v, a) =>
        {
            a.Bind("do_lower", [], 0);
            return SoftStr(v).ToLowerInvariant();
        };
        Filters["upper"] = (_, v, a) =>
        {
            a.Bind("do_upper", [], 0);
            return Methods.Upper(SoftStr(v));
        };
        Filters["map"] = (ip, v, a) =>
        {
            var attribute = a.Keywords.FirstOrDefault(kv => kv.Key == "attribute");
            if (a.Positional.Count == 0 && attribute.Key != null)
            {
                var dflt = a.Keywords.FirstOrDefault(kv => kv.Key == "default");
                var getter = AttrGetter(ip, attribute.Value, false, dflt.Value, dflt.Key != null);
                return Generator(ip, PyOps.Iterate(v).Select(getter), "sync_do_map");
            }
            if (a.Positional.Count == 0)
            {
                return Generator(ip, PyOps.Iterate(v), "sync_do_map");
            }
            var name = SoftStr(a.Positional[0]);
            if (!HasFilter(name))
            {
                throw new JinjaRuntimeError("TemplateRuntimeError", $"No filter named {PyText.Repr(name)} found.");
            }
            var rest = new CallArguments(a.Positional.Skip(1).ToList(), a.Keywords);
            return Generator(ip, PyOps.Iterate(v).Select(x => RunFilter(ip, name, x, rest)), "sync_do_map");
        };
        Filters["max"] = (ip, v, a) => MinMax(ip, v, a, "do_max", true);
        Filters["min"] = (ip, v, a) => MinMax(ip, v, a, "do_min", false);
        Filters["pprint"] = (_, v, a) =>
        {
            a.Bind("do_pprint", [], 0);
            return PyText.Repr(v);
        };
        Filters["random"] = (ip, v, a) =>
        {
            a.Bind("do_random", [], 0);
            var items = Materialize(ip, v);
            if (items.Count == 0)
            {
                return Undefined.WithHint("No random item, sequence was empty.");
            }
            return items[Random.Shared.Next(items.Count)];
        };
        Filters["reject"] = (ip, v, a) => SelectOrReject(ip, v, a, false, false, "select_or_reject");
        Filters["select"] = (ip, v, a) => SelectOrReject(ip, v, a, true, false, "select_or_reject");
        Filters["rejectattr"] = (ip, v, a) => SelectOrReject(ip, v, a, false, true, "select_or_reject");
        Filters["selectattr"] = (ip, v, a) => SelectOrReject(ip, v, a, true, true, "select_or_reject");
        Filters["replace"] = (ip, v, a) =>
        {
            var p = a.Bind("do_replace", ["old", "new", "count"], 2);
            var count = Arg(p, 2, null) is { } c ? (long)PyNum.ToBig(c) : -1;
            return Methods.Replace(ip, SoftStr(v), SoftStr(p[0]), SoftStr(p[1]), count);
        };
        Filters["reverse"] = (ip, v, a) =>
        {
            a.Bind("do_reverse", [], 0);
            switch (v)
            {
                case string s:
                    {
                        var chars = s.ToCharArray();
                        Array.Reverse(chars);
                        return new string(chars);
                    }
                case Markup m:
                    {
                        var chars = m.Text.ToCharArray();
                        Array.Reverse(chars);
                        return new Markup(new string(chars));
                    }
                case IList<object?> l:
                    return new PyIterator(l.Reverse().ToList(), l is PyTuple ? "reversed" : "list_reverseiterator");
                case PyRange r:
                    return new PyIterator(r.Reverse().ToList(), "range_iterator");
                default:
                    {
                        if (v is not (IEnumerable<object?> or IDictionary<string, object?>))
                        {
                            throw new JinjaRuntimeError("FilterArgumentError", "argument must be iterable");
                        }
                        var items = Materialize(ip, v);
                        items.Reverse();
                        return items;
                    }
            }
        };
        Filters["round"] = (_, v, a) =>
        {
            var p = a.Bind("do_round", ["precision", "method"], 0);
            var precision = (int)PyNum.ToBig(Arg(p, 0, 0L));
            var method = SoftStr(Arg(p, 1, "common"));
            if (method is not ("common" or "ceil" or "floor"))
            {
                throw new JinjaRuntimeError("FilterArgumentError", "method must be common, ceil or floor");
            }
            if (v is Undefined u)
            {
                throw u.Fail();
            }
            if (method == "common")
            {
                if (PyNum.IsInt(v) && v is not double)
                {
                    return RoundInt(PyNum.ToBig(v), precision);
                }
                if (v is double d)
                {
                    return PyNum.Round(d, precision);
                }
                throw JinjaRuntimeError.Type($"type {PyText.TypeName(v)} doesn't define __round__ method");
            }
            if (!PyNum.IsNumber(v))
            {
                throw JinjaRuntimeError.Type($"unsupported operand type(s) for *: {PyText.Repr(PyText.TypeName(v))} and 'int'");
            }
            var scale = Math.Pow(10, precision);
            var x = PyNum.ToDouble(v) * scale;
            return (method == "ceil" ? Math.Ceiling(x) : Math.Floor(x)) / scale;
        };
        Filters["safe"] = (_, v, a) =>
        {
            a.Bind("do_mark_safe", [], 0);
            return v is Markup ? v : new Markup(SoftStr(v));
        };
        Filters["slice"] = (ip, v, a) =>
        {
            var p = a.Bind("sync_do_slice", ["slices", "fill_with"], 1);
            var slices = (int)PyNum.ToBig(p[0]);
            var fill = Arg(p, 1, null);
            var seq = Materialize(ip, v);
            var perSlice = slices > 0 ? seq.Count / slices : throw new JinjaRuntimeError("ZeroDivisionError", "integer division or modulo by zero");
            var withExtra = seq.Count % slices;
            var offset = 0;
            var result = new List<object?>();
            for (var n = 0; n < slices; n++)
            {
                var start = offset + (n * perSlice);
                if (n < withExtra)
                {
                    offset++;
                }
                var end = offset + ((n + 1) * perSlice);
                var tmp = seq.Skip(start).Take(end - start).ToList();
                if (fill != null && n >= withExtra)
                {
                    tmp.Add(fill);
                }
                result.Add(tmp);
            }
            return Generator(ip, result, "sync_do_slice");
        };
        Filters["sort"] = (ip, v, a) =>
        {
            var p = a.Bind("sync_do_sort", ["reverse", "case_sensitive", "attribute"], 0);
            var reverse = PyOps.Truthy(Arg(p, 0, false));
            var caseSensitive = PyOps.Truthy(Arg(p, 1, false));
            var attribute = Arg(p, 2, null);
            Func<object?, object?> key;
            if (attribute is string multi && multi.Contains(',', StringComparison.Ordinal))
            {
                var getters = multi.Split(',').Select(part => AttrGetter(ip, part, !caseSensitive)).ToList();
                key = x => new PyTuple([.. getters.Select(g => g(x))]);
            }
            else
            {
                key = AttrGetter(ip, attribute, !caseSensitive);
            }
            return StableSort(ip, Materialize(ip, v), key, reverse);
        };
        Filters["string"] = (_, v, a) =>
        {
            a.Bind("soft_str", [], 0);
            return v is Markup ? v : SoftStr(v);
        };
        Filters["striptags"] = (_, v, a) =>
        {
            a.Bind("do_striptags", [], 0);
            var s = TagRegex().Replace(SoftStr(v), string.Empty);
            s = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return System.Net.WebUtility.HtmlDecode(s);
        };
        Filters["sum"] = (ip, v, a) =>
        {
            var p = a.Bind("sync_do_sum", ["attribute", "start"], 0);
            var getter = Arg(p, 0, null) is { } attr ? AttrGetter(ip, attr) : null;
            var total = Arg(p, 1, 0L);
            foreach (var x in PyOps.Iterate(v))
            {
                total = PyOps.Binary("+", total, getter == null ? x : getter(x), ip.Budget);
            }
            return total;
        };
        Filters["title"] = (_, v, a) =>
        {
            a.Bind("do_title", [], 0);
            var parts = WordBeginningRegex().Split(SoftStr(v));
            return string.Concat(parts.Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));
        };
        Filters["tojson"] = (_, v, a) =>
        {
            var p = a.Bind("do_tojson", ["indent"], 0);
            var indent = Arg(p, 0, null) is { } i ? (int?)(int)PyNum.ToBig(i) : null;
            var json = Functions.PyJson.Dumps(ToStorableSorted(v), indent);
            json = json.Replace("<", "\\u003c", StringComparison.Ordinal)
                .Replace(">", "\\u003e", StringComparison.Ordinal)
                .Replace("&", "\\u0026", StringComparison.Ordinal)
                .Replace("'", "\\u0027", StringComparison.Ordinal);
            return new Markup(json);
        };
        Filters["trim"] = (_, v, a) =>
        {
            var p = a.Bind("do_trim", ["chars"], 0);
            var s = SoftStr(v);
            return Arg(p, 0, null) is { } chars ? s.Trim(SoftStr(chars).ToCharArray()) : s.Trim();
        };
        Filters["truncate"] = (_, v, a) =>
        {
            var p = a.Bind("do_truncate", ["length", "killwords", "end", "leeway"], 0);
            if (v is not (string or Markup))
            {
                throw JinjaRuntimeError.Type($"object of type {PyText.Repr(PyText.TypeName(v))} has no len()");
            }
            var s = SoftStr(v);
            var len = (int)PyNum.ToBig(Arg(p, 0, 255L));
            var killwords = PyOps.Truthy(Arg(p, 1, false));
            var end = SoftStr(Arg(p, 2, "..."));
            var leeway = (int)PyNum.ToBig(Arg(p, 3, 5L) ?? 5L);
            if (len < end.Length)
            {
                throw new JinjaRuntimeError("AssertionError", $"expected length >= {end.Length}, got {len}");
            }
            if (leeway < 0)
            {
                throw new JinjaRuntimeError("AssertionError", $"expected leeway >= 0, got {leeway}");
            }
            if (s.Length <= len + leeway)
            {
                return s;
            }
            var cut = s[..(len - end.Length)];
            if (killwords)
            {
                return cut + end;
            }
            var space = cut.LastIndexOf(' ');
            return (space >= 0 ? cut[..space] : cut) + end;
        };
        Filters["unique"] = (ip, v, a) =>
        {
            var p = a.Bind("do_unique", ["case_sensitive", "attribute"], 0);
            var caseSensitive = PyOps.Truthy(Arg(p, 0, false));
            var key = AttrGetter(ip, Arg(p, 1, null), !caseSensitive);
            return Generator(ip, UniqueItems(v, key), "do_unique");
        };
        Filters["urlencode"] = (_, v, a) =>
        {
            a.Bind("do_urlencode", [], 0);
            if (v is string or Markup)
            {
                return UrlQuote(SoftStr(v), false);
            }
            IEnumerable<(object? K, object? V)> pairs = v is IDictionary<string, object?> map
                ? map.Select(kv => ((object?)kv.Key, kv.Value))
                : PyOps.Iterate(v).Select(x =>
                {
                    var pair = PyOps.Iterate(x).ToList();
                    return (pair[0], pair[1]);
                });
            return string.Join("&", pairs.Select(kv => UrlQuote(SoftStr(kv.K), true) + "=" + UrlQuote(SoftStr(kv.V), true)));
        };
        Filters["wordcount"] = (_, v, a) =>
        {
            a.Bind("do_wordcount", [], 0);
            return (long)WordRegex().Matches(SoftStr(v)).Count;
        };
        Filters["wordwrap"] = (_, v, a) =>
        {
            var p = a.Bind("do_wordwrap", ["width", "break_long_words", "wrapstring", "break_on_hyphens"], 0);
            var width = (int)PyNum.ToBig(Arg(p, 0, 79L));
            var wrap = Arg(p, 2, null) is { } w ? SoftStr(w) : "\n";
            return WordWrap(SoftStr(v), width, wrap);
        };
        Filters["xmlattr"] = (_, v, a) =>
        {
            var p = a.Bind("do_xmlattr", ["autospace"], 0);
            if (v is not IDictionary<string, object?> map)
            {
                throw new JinjaRuntimeError("AttributeError", $"{PyText.Repr(PyText.TypeName(v))} object has no attribute 'items'");
            }
            var parts = map.Where(kv => kv.Value is not null and not Undefined)
                .Select(kv => $"{Escape(kv.Key)}=\"{Escape(SoftStr(kv.Value))}\"");
            var rv = string.Join(" ", parts);
            if (PyOps.Truthy(Arg(p, 0, true)) && rv.Length > 0)
            {
                rv = " " + rv;
            }
            return new Markup(rv);
        };

        RegisterTests();
    }

    /// <summary>Python's <c>round(int, ndigits)</c>: half-even at a negative number of digits.</summary>
    private static object RoundInt(BigInteger value, int digits)
    {
        if (digits >= 0)
        {
            return PyNum.Normalize(value);
        }
        var unit = BigInteger.Pow(10, -digits);
        var q = BigInteger.DivRem(BigInteger.Abs(value), unit, out var rem);
        var twice = rem * 2;
        if (twice > unit || (twice == unit && !q.IsEven))
        {
            q += 1;
        }
        return PyNum.Normalize(q * unit * value.Sign);
    }

    private static IEnumerable<object?> UniqueItems(object? v, Func<object?, object?> key)
    {
        var seen = new List<object?>();
        foreach (var x in PyOps.Iterate(v))
        {
            var k = key(x);
            if (!seen.Any(s => PyOps.Eq(s, k)))
            {
                seen.Add(k);
                yield return x;
            }
        }
    }

    private static object? MinMax(Interpreter ip, object? v, CallArguments a, string fn, bool max)
    {
        var p = a.Bind(fn, ["case_sensitive", "attribute"], 0);
        var caseSensitive = PyOps.Truthy(Arg(p, 0, false));
        var key = AttrGetter(ip, Arg(p, 1, null), !caseSensitive);
        var items = Materialize(ip, v);
        if (items.Count == 0)
        {
            return Undefined.WithHint("No aggregated item, sequence was empty.");
        }
        var best = items[0];
        var bestKey = key(best);
        foreach (var x in items.Skip(1))
        {
            var k = key(x);
            if (max ? PyOps.CompareOp("gt", k, bestKey) : PyOps.CompareOp("lt", k, bestKey))
            {
                best = x;
                bestKey = k;
            }
        }
        return best;
    }

    private static PyIterator SelectOrReject(Interpreter ip, object? v, CallArguments a, bool select, bool lookupAttr, string fn)
    {
        var args = a.Positional;
        var offset = 0;
        Func<object?, object?> transform = x => x;
        if (lookupAttr)
        {
            if (args.Count == 0)
            {
                throw new JinjaRuntimeError("FilterArgumentError", "Missing parameter for attribute name");
            }
            transform = AttrGetter(ip, args[0]);
            offset = 1;
        }
        Func<object?, bool> test;
        if (args.Count > offset)
        {
            var name = SoftStr(args[offset]);
            var rest = new CallArguments(args.Skip(offset + 1).ToList(), a.Keywords);
            if (!HasTest(name))
            {
                throw new JinjaRuntimeError("TemplateRuntimeError", $"No test named {PyText.Repr(name)} found.");
            }
            test = x => RunTest(ip, name, x, rest);
        }
        else
        {
            test = PyOps.Truthy;
        }
        _ = fn;
        return Generator(ip, PyOps.Iterate(v).Where(x => test(transform(x)) == select), "select_or_reject");
    }

    private static bool TryFloat(object? v, out double d)
    {
        switch (v)
        {
            case double x:
                d = x;
                return true;
            case bool or long or int or BigInteger:
                d = PyNum.ToDouble(v);
                return true;
            case string or Markup:
                return PyOps.TryParseFloat(SoftStr(v), out d);
            default:
                d = 0;
                return false;
        }
    }

    private static double ToFloat(object? v) => TryFloat(v, out var d) ? d : throw JinjaRuntimeError.Value($"could not convert string to float: {PyText.Repr(SoftStr(v))}");

    public static string Escape(string s) => s
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&#34;", StringComparison.Ordinal)
        .Replace("'", "&#39;", StringComparison.Ordinal);

    private static string UrlQuote(string s, bool forQuery)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '~' || (c == '/' && !forQuery))
            {
                sb.Append(c);
            }
            else if (c == ' ' && forQuery)
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    private static string WordWrap(string s, int width, string wrap)
    {
        var lines = new List<string>();
        foreach (var paragraph in s.Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                }
                if (line.Length > 0)
                {
                    line.Append(' ');
                }
                line.Append(word);
            }
            lines.Add(line.ToString());
        }
        return string.Join(wrap, lines);
    }

    /// <summary>A value as <c>json.dumps</c> sees it, for <c>tojson</c>: template-only types become plain lists/strings.</summary>
    private static object? ToStorableSorted(object? v)
    {
        var plain = Convert.ToStorable(v);
        return SortKeys(plain);
    }

    private static object? SortKeys(object? v) => v switch
    {
        IDictionary<string, object?> map => new OrderedDictionary<string, object?>(
            map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, object?>(kv.Key, SortKeys(kv.Value))), StringComparer.Ordinal),
        List<object?> list => list.Select(SortKeys).ToList(),
        _ => v,
    };

    [GeneratedRegex(@"(<!--.*?-->|<[^>]*>)", RegexOptions.Singleline)]
    private static partial Regex TagRegex();

    [GeneratedRegex(@"([-\s({\[<]+)")]
    private static partial Regex WordBeginningRegex();

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();
}

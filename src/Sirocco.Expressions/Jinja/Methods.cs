using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Expressions.Jinja;

/// <summary>
/// Python attributes and methods of values as templates reach them (<c>_.get('k')</c>, <c>s.split(',')</c>,
/// <c>l.append(x)</c>), and the sandbox's rule that dunder attributes are unsafe.
/// </summary>
internal static class Methods
{
    /// <summary>Method names that change their value; a template that uses one works on a copy of the context.</summary>
    public static readonly HashSet<string> MutatingNames = new(StringComparer.Ordinal)
    {
        "append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear", "update", "setdefault", "popitem",
    };

    private static readonly HashSet<string> KnownDunders = new(StringComparer.Ordinal)
    {
        "__class__", "__doc__", "__init__", "__new__", "__repr__", "__str__", "__getattribute__", "__setattr__",
        "__delattr__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__reduce__",
        "__reduce_ex__", "__sizeof__", "__dir__", "__format__", "__init_subclass__", "__subclasshook__", "__len__",
        "__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__", "__add__", "__mul__", "__rmul__",
        "__mod__", "__rmod__", "__iadd__", "__imul__", "__class_getitem__", "__or__", "__ror__", "__ior__",
        "__reversed__", "__getnewargs__", "__globals__", "__builtins__", "__dict__", "__module__", "__code__",
        "__func__", "__self__", "__closure__", "__mro__", "__bases__", "__base__", "__subclasses__", "__name__",
        "__qualname__", "__abs__", "__bool__", "__int__", "__float__", "__neg__", "__pos__", "__round__",
        "__trunc__", "__floor__", "__ceil__", "__index__", "__sub__", "__truediv__", "__floordiv__", "__pow__",
        "__and__", "__xor__", "__invert__", "__lshift__", "__rshift__", "__divmod__",
    };

    private static readonly HashSet<string> StrMethods = new(StringComparer.Ordinal)
    {
        "upper", "lower", "title", "capitalize", "swapcase", "casefold", "strip", "lstrip", "rstrip", "split", "rsplit",
        "splitlines", "replace", "startswith", "endswith", "find", "rfind", "index", "rindex", "count", "join", "format",
        "format_map", "center", "ljust", "rjust", "zfill", "isdigit", "isalpha", "isalnum", "isspace", "islower",
        "isupper", "istitle", "isnumeric", "isdecimal", "partition", "rpartition", "removeprefix", "removesuffix",
        "expandtabs",
    };

    private static readonly HashSet<string> ListMethods = new(StringComparer.Ordinal)
    {
        "append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "clear", "copy",
    };

    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal)
    {
        "keys", "values", "items", "get", "pop", "popitem", "setdefault", "update", "clear", "copy", "fromkeys",
    };

    public static bool IsUnsafeAttribute(object? obj, string name) =>
        name.StartsWith('_') && (KnownDunders.Contains(name) || (name.StartsWith("__", StringComparison.Ordinal) && name.EndsWith("__", StringComparison.Ordinal) && obj is not IDictionary<string, object?>));

    public static bool TryGetAttribute(Interpreter ip, object? obj, string name, out object? value)
    {
        value = null;
        switch (obj)
        {
            case string or Markup when StrMethods.Contains(name):
                value = Bind(obj, name, (i, a) => StrMethod(i, obj is Markup m ? m.Text : (string)obj, name, a));
                return true;
            case PyTuple nt when nt.FieldNames != null && Array.IndexOf(nt.FieldNames, name) is var fi and >= 0:
                value = nt[fi];
                return true;
            case PyTuple t when name is "index" or "count":
                value = Bind(obj, name, (i, a) => ListMethod(i, t, name, a));
                return true;
            case IList<object?> l when obj is not PyTuple && ListMethods.Contains(name):
                value = Bind(obj, name, (i, a) => ListMethod(i, l, name, a));
                return true;
            case IDictionary<string, object?> d when DictMethods.Contains(name):
                value = Bind(obj, name, (i, a) => DictMethod(i, d, name, a));
                return true;
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out value);
            case LoopContext loop:
                return loop.TryGet(name, out value);
            case PyRange r when name is "start" or "stop" or "step":
                value = name == "start" ? r.Start : name == "stop" ? r.Stop : r.Step;
                return true;
            case bool or long or int or BigInteger when name is "real" or "imag" or "numerator" or "denominator":
                value = name is "imag" ? 0L : name == "denominator" ? 1L : PyNum.Normalize(PyNum.ToBig(obj));
                return true;
            case double d when name is "real" or "imag":
                value = name == "real" ? d : 0.0;
                return true;
            case double d when name == "is_integer":
                value = Bind(obj, name, (_, _) => d == Math.Floor(d) && !double.IsInfinity(d));
                return true;
            case bool or long or int or BigInteger when name == "bit_length":
                value = Bind(obj, name, (_, _) => (long)BigInteger.Abs(PyNum.ToBig(obj)).GetBitLength());
                return true;
            default:
                return false;
        }
    }

    private static BuiltinCallable Bind(object? obj, string name, Func<Interpreter, CallArguments, object?> body) =>
        new($"<built-in method {name} of {PyText.TypeName(obj)} object at 0x7f0000000000>", body);

    // ---------------------------------------------------------------- str

    private static object? StrMethod(Interpreter ip, string s, string name, CallArguments a)
    {
        switch (name)
        {
            case "upper":
                a.Bind(name, [], 0);
                return Upper(s);
            case "lower":
                a.Bind(name, [], 0);
                return s.ToLowerInvariant();
            case "casefold":
                a.Bind(name, [], 0);
                return s.ToLowerInvariant();
            case "title":
                a.Bind(name, [], 0);
                return Title(s);
            case "capitalize":
                a.Bind(name, [], 0);
                return Capitalize(s);
            case "swapcase":
                a.Bind(name, [], 0);
                return new string(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray());
            case "strip":
            case "lstrip":
            case "rstrip":
                {
                    var p = a.Bind(name, ["chars"], 0);
                    var chars = Opt(p[0]) is string cs ? cs.ToCharArray() : null;
                    return name switch
                    {
                        "strip" => chars == null ? s.Trim() : s.Trim(chars),
                        "lstrip" => chars == null ? s.TrimStart() : s.TrimStart(chars),
                        _ => chars == null ? s.TrimEnd() : s.TrimEnd(chars),
                    };
                }
            case "split":
            case "rsplit":
                {
                    var p = a.Bind(name, ["sep", "maxsplit"], 0);
                    var sep = Opt(p[0]) as string;
                    var max = Opt(p[1]) is { } m ? (int)PyNum.ToBig(m) : -1;
                    var parts = Split(s, sep, max, name == "rsplit");
                    ip.Budget.CheckSize(parts.Count);
                    return parts;
                }
            case "splitlines":
                {
                    var p = a.Bind(name, ["keepends"], 0);
                    var keep = Opt(p[0]) is { } k && PyOps.Truthy(k);
                    return SplitLines(s, keep);
                }
            case "replace":
                {
                    var p = a.Bind(name, ["old", "new", "count"], 2);
                    var count = Opt(p[2]) is { } c ? (long)PyNum.ToBig(c) : -1;
                    return Replace(ip, s, Text(p[0]), Text(p[1]), count);
                }
            case "startswith":
            case "endswith":
                {
                    var p = a.Bind(name, ["prefix", "start", "end"], 1);
                    var sub = SubRange(s, p[1], p[2]);
                    var candidates = p[0] is PyTuple t ? t.Items.Select(Text) : [Text(p[0])];
                    return candidates.Any(c => name == "startswith" ? sub.StartsWith(c, StringComparison.Ordinal) : sub.EndsWith(c, StringComparison.Ordinal));
                }
            case "find":
            case "rfind":
            case "index":
            case "rindex":
                {
                    var p = a.Bind(name, ["sub", "start", "end"], 1);
                    var start = Opt(p[1]) is { } st ? ClampIndex(st, s.Length) : 0;
                    var end = Opt(p[2]) is { } en ? ClampIndex(en, s.Length) : s.Length;
                    var sub = Text(p[0]);
                    var idx = -1;
                    if (end >= start)
                    {
                        var region = s[start..end];
                        idx = name is "find" or "index" ? region.IndexOf(sub, StringComparison.Ordinal) : region.LastIndexOf(sub, StringComparison.Ordinal);
                        if (idx >= 0)
                        {
                            idx += start;
                        }
                    }
                    if (idx < 0 && name is "index" or "rindex")
                    {
                        throw JinjaRuntimeError.Value("substring not found");
                    }
                    return (long)idx;
                }
            case "count":
                {
                    var p = a.Bind(name, ["sub"], 1);
                    var sub = Text(p[0]);
                    if (sub.Length == 0)
                    {
                        return (long)(s.Length + 1);
                    }
                    long n = 0;
                    var i = 0;
                    while ((i = s.IndexOf(sub, i, StringComparison.Ordinal)) >= 0)
                    {
                        n++;
                        i += sub.Length;
                    }
                    return n;
                }
            case "join":
                {
                    var p = a.Bind(name, ["iterable"], 1);
                    var sb = new StringBuilder();
                    var idx = 0;
                    foreach (var item in PyOps.Iterate(p[0]))
                    {
                        if (item is not (string or Markup))
                        {
                            throw JinjaRuntimeError.Type($"sequence item {idx}: expected str instance, {PyText.TypeName(item)} found");
                        }
                        if (idx++ > 0)
                        {
                            sb.Append(s);
                        }
                        sb.Append(PyText.Str(item));
                        ip.Budget.CheckSize(sb.Length);
                    }
                    return sb.ToString();
                }
            case "format":
                return PyFormat.StrFormat(ip, s, a);
            case "format_map":
                {
                    var p = a.Bind(name, ["mapping"], 1);
                    var map = p[0] as IDictionary<string, object?> ?? throw JinjaRuntimeError.Type("format_map() argument must be a mapping");
                    return PyFormat.StrFormat(ip, s, new CallArguments([], [.. map]));
                }
            case "center":
            case "ljust":
            case "rjust":
                {
                    var p = a.Bind(name, ["width", "fillchar"], 1);
                    var width = (int)BigInteger.Min(PyNum.ToBig(p[0]), int.MaxValue);
                    ip.Budget.CheckSize(width);
                    var fill = Opt(p[1]) is string f && f.Length == 1 ? f[0] : ' ';
                    return Justify(s, width, fill, name);
                }
            case "zfill":
                {
                    var p = a.Bind(name, ["width"], 1);
                    var width = (int)BigInteger.Min(PyNum.ToBig(p[0]), int.MaxValue);
                    ip.Budget.CheckSize(width);
                    if (s.Length >= width)
                    {
                        return s;
                    }
                    var sign = s.Length > 0 && s[0] is '+' or '-' ? s[..1] : string.Empty;
                    return sign + new string('0', width - s.Length) + s[sign.Length..];
                }
            case "isdigit":
            case "isdecimal":
            case "isnumeric":
                a.Bind(name, [], 0);
                return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha":
                a.Bind(name, [], 0);
                return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum":
                a.Bind(name, [], 0);
                return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace":
                a.Bind(name, [], 0);
                return s.Length > 0 && s.All(char.IsWhiteSpace);
            case "islower":
                a.Bind(name, [], 0);
                return IsLower(s);
            case "isupper":
                a.Bind(name, [], 0);
                return IsUpper(s);
            case "istitle":
                a.Bind(name, [], 0);
                return s.Any(char.IsLetter) && Title(s) == s;
            case "partition":
            case "rpartition":
                {
                    var p = a.Bind(name, ["sep"], 1);
                    var sep = Text(p[0]);
                    var idx = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
                    if (idx < 0)
                    {
                        return name == "partition" ? new PyTuple([s, string.Empty, string.Empty]) : new PyTuple([string.Empty, string.Empty, s]);
                    }
                    return new PyTuple([s[..idx], sep, s[(idx + sep.Length)..]]);
                }
            case "removeprefix":
                {
                    var p = a.Bind(name, ["prefix"], 1);
                    var x = Text(p[0]);
                    return s.StartsWith(x, StringComparison.Ordinal) ? s[x.Length..] : s;
                }
            case "removesuffix":
                {
                    var p = a.Bind(name, ["suffix"], 1);
                    var x = Text(p[0]);
                    return x.Length > 0 && s.EndsWith(x, StringComparison.Ordinal) ? s[..^x.Length] : s;
                }
            case "expandtabs":
                {
                    var p = a.Bind(name, ["tabsize"], 0);
                    var size = Opt(p[0]) is { } t ? (int)PyNum.ToBig(t) : 8;
                    var sb = new StringBuilder();
                    var col = 0;
                    foreach (var c in s)
                    {
                        if (c == '\t')
                        {
                            var n = size > 0 ? size - (col % size) : 0;
                            sb.Append(' ', n);
                            col += n;
                        }
                        else
                        {
                            sb.Append(c);
                            col = c is '\n' or '\r' ? 0 : col + 1;
                        }
                    }
                    return sb.ToString();
                }
            default:
                throw new InvalidOperationException(name);
        }
    }

    private static object? Opt(object? v) => ReferenceEquals(v, CallArguments.Missing) ? null : v;

    private static string Text(object? v) => v switch
    {
        string s => s,
        Markup m => m.Text,
        Undefined u => throw u.Fail(),
        _ => throw JinjaRuntimeError.Type($"must be str, not {PyText.TypeName(v)}"),
    };

    private static int ClampIndex(object? v, int length)
    {
        var i = (long)PyNum.ToBig(v);
        if (i < 0)
        {
            i += length;
        }
        return (int)Math.Clamp(i, 0, length);
    }

    private static string SubRange(string s, object? start, object? end)
    {
        var st = Opt(start) is { } a ? ClampIndex(a, s.Length) : 0;
        var en = Opt(end) is { } b ? ClampIndex(b, s.Length) : s.Length;
        return en >= st ? s[st..en] : string.Empty;
    }

    public static string Replace(Interpreter ip, string s, string old, string @new, long count)
    {
        var sb = new StringBuilder();
        if (old.Length == 0)
        {
            // Python inserts the replacement between every character (and at both ends)
            long n = 0;
            for (var i = 0; i <= s.Length; i++)
            {
                if (count < 0 || n < count)
                {
                    sb.Append(@new);
                    n++;
                }
                if (i < s.Length)
                {
                    sb.Append(s[i]);
                }
                ip.Budget.CheckSize(sb.Length);
            }
            return sb.ToString();
        }
        var pos = 0;
        long done = 0;
        while (count < 0 || done < count)
        {
            var idx = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (idx < 0)
            {
                break;
            }
            sb.Append(s, pos, idx - pos).Append(@new);
            ip.Budget.CheckSize(sb.Length);
            pos = idx + old.Length;
            done++;
        }
        sb.Append(s, pos, s.Length - pos);
        ip.Budget.CheckSize(sb.Length);
        return sb.ToString();
    }

    private static List<object?> Split(string s, string? sep, int max, bool fromRight)
    {
        var result = new List<object?>();
        if (sep == null)
        {
            var words = new List<string>();
            var i = 0;
            if (!fromRight)
            {
                while (i < s.Length)
                {
                    while (i < s.Length && char.IsWhiteSpace(s[i]))
                    {
                        i++;
                    }
                    if (i >= s.Length)
                    {
                        break;
                    }
                    if (max >= 0 && words.Count == max)
                    {
                        words.Add(s[i..].TrimEnd());
                        break;
                    }
                    var st = i;
                    while (i < s.Length && !char.IsWhiteSpace(s[i]))
                    {
                        i++;
                    }
                    words.Add(s[st..i]);
                }
                result.AddRange(words);
                return result;
            }
            var j = s.Length;
            while (j > 0)
            {
                while (j > 0 && char.IsWhiteSpace(s[j - 1]))
                {
                    j--;
                }
                if (j == 0)
                {
                    break;
                }
                if (max >= 0 && words.Count == max)
                {
                    words.Add(s[..j].TrimStart());
                    break;
                }
                var en = j;
                while (j > 0 && !char.IsWhiteSpace(s[j - 1]))
                {
                    j--;
                }
                words.Add(s[j..en]);
            }
            words.Reverse();
            result.AddRange(words);
            return result;
        }
        if (sep.Length == 0)
        {
            throw JinjaRuntimeError.Value("empty separator");
        }
        if (!fromRight)
        {
            var pos = 0;
            while (max < 0 || result.Count < max)
            {
                var idx = s.IndexOf(sep, pos, StringComparison.Ordinal);
                if (idx < 0)
                {
                    break;
                }
                result.Add(s[pos..idx]);
                pos = idx + sep.Length;
            }
            result.Add(s[pos..]);
            return result;
        }
        var parts = new List<object?>();
        var end = s.Length;
        while (max < 0 || parts.Count < max)
        {
            var idx = end - sep.Length < 0 ? -1 : s.LastIndexOf(sep, end - 1, StringComparison.Ordinal);
            if (idx < 0 || idx + sep.Length > end)
            {
                break;
            }
            parts.Add(s[(idx + sep.Length)..end]);
            end = idx;
        }
        parts.Add(s[..end]);
        parts.Reverse();
        return parts;
    }

    private static List<object?> SplitLines(string s, bool keep)
    {
        var result = new List<object?>();
        var start = 0;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                var next = c == '\r' && i + 1 < s.Length && s[i + 1] == '\n' ? i + 2 : i + 1;
                result.Add(keep ? s[start..next] : s[start..i]);
                start = i = next;
                continue;
            }
            i++;
        }
        if (start < s.Length)
        {
            result.Add(s[start..]);
        }
        return result;
    }

    private static string Justify(string s, int width, char fill, string how)
    {
        if (s.Length >= width)
        {
            return s;
        }
        var pad = width - s.Length;
        return how switch
        {
            "ljust" => s + new string(fill, pad),
            "rjust" => new string(fill, pad) + s,
            _ => CenterText(s, pad, fill),
        };
    }

    private static string CenterText(string s, int pad, char fill)
    {
        // CPython: left = pad / 2 + (pad & width & 1)
        var width = s.Length + pad;
        var left = (pad / 2) + (pad & width & 1);
        return new string(fill, left) + s + new string(fill, pad - left);
    }

    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var prevCased = false;
        foreach (var c in s)
        {
            if (char.IsLetter(c))
            {
                sb.Append(prevCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
                prevCased = true;
            }
            else
            {
                sb.Append(c);
                prevCased = false;
            }
        }
        return sb.ToString();
    }

    /// <summary>Python's <c>str.upper()</c>: also the special casings that grow (<c>ß</c> → <c>SS</c>).</summary>
    public static string Upper(string s)
    {
        var upper = s.ToUpperInvariant();
        return upper.Contains('ß', StringComparison.Ordinal) ? upper.Replace("ß", "SS", StringComparison.Ordinal) : upper;
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    public static bool IsLower(string s) => s.Any(c => char.IsUpper(c) || char.IsLower(c)) && !s.Any(char.IsUpper);

    public static bool IsUpper(string s) => s.Any(c => char.IsUpper(c) || char.IsLower(c)) && !s.Any(char.IsLower);

    // ---------------------------------------------------------------- list

    private static object? ListMethod(Interpreter ip, IList<object?> l, string name, CallArguments a)
    {
        switch (name)
        {
            case "append":
                {
                    var p = a.Bind(name, ["object"], 1);
                    ip.Budget.CheckSize(l.Count + 1L);
                    l.Add(p[0]);
                    return null;
                }
            case "extend":
                {
                    var p = a.Bind(name, ["iterable"], 1);
                    foreach (var x in PyOps.Iterate(p[0]).ToList())
                    {
                        ip.Budget.CheckSize(l.Count + 1L);
                        l.Add(x);
                    }
                    return null;
                }
            case "insert":
                {
                    var p = a.Bind(name, ["index", "object"], 2);
                    var i = (long)PyNum.ToBig(p[0]);
                    if (i < 0)
                    {
                        i += l.Count;
                    }
                    ip.Budget.CheckSize(l.Count + 1L);
                    l.Insert((int)Math.Clamp(i, 0, l.Count), p[1]);
                    return null;
                }
            case "pop":
                {
                    var p = a.Bind(name, ["index"], 0);
                    if (l.Count == 0)
                    {
                        throw new JinjaRuntimeError("IndexError", "pop from empty list");
                    }
                    var i = Opt(p[0]) is { } ix ? (long)PyNum.ToBig(ix) : -1;
                    if (i < 0)
                    {
                        i += l.Count;
                    }
                    if (i < 0 || i >= l.Count)
                    {
                        throw new JinjaRuntimeError("IndexError", "pop index out of range");
                    }
                    var v = l[(int)i];
                    l.RemoveAt((int)i);
                    return v;
                }
            case "remove":
                {
                    var p = a.Bind(name, ["value"], 1);
                    for (var i = 0; i < l.Count; i++)
                    {
                        if (PyOps.Eq(l[i], p[0]))
                        {
                            l.RemoveAt(i);
                            return null;
                        }
                    }
                    throw JinjaRuntimeError.Value("list.remove(x): x not in list");
                }
            case "index":
                {
                    var p = a.Bind(name, ["value"], 1);
                    for (var i = 0; i < l.Count; i++)
                    {
                        if (PyOps.Eq(l[i], p[0]))
                        {
                            return (long)i;
                        }
                    }
                    throw JinjaRuntimeError.Value(l is PyTuple ? "tuple.index(x): x not in tuple" : $"{PyText.Repr(p[0])} is not in list");
                }
            case "count":
                {
                    var p = a.Bind(name, ["value"], 1);
                    return (long)l.Count(x => PyOps.Eq(x, p[0]));
                }
            case "sort":
                {
                    var p = a.Bind(name, ["key", "reverse"], 0);
                    if (Opt(p[0]) is { } key && key is not IJinjaCallable)
                    {
                        throw JinjaRuntimeError.Type($"{PyText.Repr(PyText.TypeName(key))} object is not callable");
                    }
                    var keyFn = Opt(p[0]) as IJinjaCallable;
                    var reverse = Opt(p[1]) is { } r && PyOps.Truthy(r);
                    var sorted = Builtins.StableSort(ip, [.. l], x => keyFn == null ? x : keyFn.Invoke(ip, new CallArguments([x], [])), reverse);
                    l.Clear();
                    foreach (var x in sorted)
                    {
                        l.Add(x);
                    }
                    return null;
                }
            case "reverse":
                {
                    a.Bind(name, [], 0);
                    var items = l.Reverse().ToList();
                    l.Clear();
                    foreach (var x in items)
                    {
                        l.Add(x);
                    }
                    return null;
                }
            case "clear":
                a.Bind(name, [], 0);
                l.Clear();
                return null;
            case "copy":
                a.Bind(name, [], 0);
                return new List<object?>(l);
            default:
                throw new InvalidOperationException(name);
        }
    }

    // ---------------------------------------------------------------- dict

    private static object? DictMethod(Interpreter ip, IDictionary<string, object?> d, string name, CallArguments a)
    {
        switch (name)
        {
            case "keys":
            case "values":
            case "items":
                a.Bind(name, [], 0);
                return new DictView(d, name);
            case "get":
                {
                    var p = a.Bind(name, ["key", "default"], 1);
                    var key = PyOps.KeyOf(p[0]);
                    return key != null && d.TryGetValue(key, out var v) ? v : Opt(p[1]);
                }
            case "pop":
                {
                    var p = a.Bind(name, ["key", "default"], 1);
                    var key = PyOps.KeyOf(p[0]);
                    if (key != null && d.TryGetValue(key, out var v))
                    {
                        d.Remove(key);
                        return v;
                    }
                    if (ReferenceEquals(p[1], CallArguments.Missing))
                    {
                        throw new JinjaRuntimeError("KeyError", PyText.Repr(p[0]));
                    }
                    return p[1];
                }
            case "popitem":
                {
                    a.Bind(name, [], 0);
                    if (d.Count == 0)
                    {
                        throw new JinjaRuntimeError("KeyError", "'popitem(): dictionary is empty'");
                    }
                    var last = d.Last();
                    d.Remove(last.Key);
                    return new PyTuple([last.Key, last.Value]);
                }
            case "setdefault":
                {
                    var p = a.Bind(name, ["key", "default"], 1);
                    var key = PyOps.KeyOf(p[0]) ?? throw JinjaRuntimeError.Type($"not supported: dict key of type {PyText.TypeName(p[0])}");
                    if (d.TryGetValue(key, out var v))
                    {
                        return v;
                    }
                    d[key] = Opt(p[1]);
                    return Opt(p[1]);
                }
            case "update":
                {
                    if (a.Positional.Count > 1)
                    {
                        throw JinjaRuntimeError.Type($"update expected at most 1 argument, got {a.Positional.Count}");
                    }
                    if (a.Positional.Count == 1)
                    {
                        foreach (var (k, v) in Builtins.Pairs(a.Positional[0]))
                        {
                            d[k] = v;
                        }
                    }
                    foreach (var kv in a.Keywords)
                    {
                        d[kv.Key] = kv.Value;
                    }
                    ip.Budget.CheckSize(d.Count);
                    return null;
                }
            case "clear":
                a.Bind(name, [], 0);
                d.Clear();
                return null;
            case "copy":
                a.Bind(name, [], 0);
                return new OrderedDictionary<string, object?>(d, StringComparer.Ordinal);
            case "fromkeys":
                {
                    var p = a.Bind(name, ["iterable", "value"], 1);
                    var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var k in PyOps.Iterate(p[0]))
                    {
                        result[PyOps.KeyOf(k) ?? throw JinjaRuntimeError.Type("not supported: dict key")] = Opt(p[1]);
                    }
                    return result;
                }
            default:
                throw new InvalidOperationException(name);
        }
    }

    /// <summary>Used by Builtins (e.g. <c>truncate</c>) to format numbers for messages.</summary>
    internal static string Invariant(long v) => v.ToString(CultureInfo.InvariantCulture);
}

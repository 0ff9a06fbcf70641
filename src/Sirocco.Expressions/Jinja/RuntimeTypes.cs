using System.Collections;
using System.Text;

namespace Sirocco.Expressions.Jinja;

/// <summary>A failure while rendering, named by the Python/Jinja exception class Mistral would report.</summary>
internal sealed class JinjaRuntimeError(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;

    public static JinjaRuntimeError Type(string message) => new("TypeError", message);

    public static JinjaRuntimeError Value(string message) => new("ValueError", message);
}

/// <summary>An evaluation limit (steps, depth, size, time) was hit.</summary>
internal sealed class LimitExceededError(string message) : Exception(message);

/// <summary>A Python tuple: immutable, prints as <c>(1, 2)</c>; stored as a list.</summary>
internal sealed class PyTuple(object?[] items) : IList<object?>, IReadOnlyList<object?>
{
    public static readonly PyTuple EmptyTuple = new([]);

    public object?[] Items { get; } = items;

    /// <summary>Field names of a named tuple (groupby's <c>grouper</c>/<c>list</c>), else null.</summary>
    public string[]? FieldNames { get; init; }

    public int Count => Items.Length;

    public bool IsReadOnly => true;

    public object? this[int index]
    {
        get => Items[index];
        set => throw JinjaRuntimeError.Type("'tuple' object does not support item assignment");
    }

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(object? item) => Array.FindIndex(Items, x => PyOps.Eq(x, item));

    public bool Contains(object? item) => IndexOf(item) >= 0;

    public void CopyTo(object?[] array, int arrayIndex) => Items.CopyTo(array, arrayIndex);

    public void Add(object? item) => throw new NotSupportedException();

    public void Clear() => throw new NotSupportedException();

    public void Insert(int index, object? item) => throw new NotSupportedException();

    public bool Remove(object? item) => throw new NotSupportedException();

    public void RemoveAt(int index) => throw new NotSupportedException();
}

/// <summary>
/// Jinja's Undefined. Strict (Mistral's <c>StrictUndefined</c>) fails on any use; the plain kind (from
/// <c>x if c</c> without else) renders as empty. <see cref="ErrorKind"/> is <c>SecurityError</c> for unsafe attributes.
/// </summary>
internal sealed class Undefined
{
    private readonly string? _hint;

    private Undefined(string? hint, bool strict, string errorKind)
    {
        _hint = hint;
        Strict = strict;
        ErrorKind = errorKind;
    }

    public bool Strict { get; }

    public string ErrorKind { get; }

    public string Message => _hint ?? "undefined value";

    public static Undefined ForName(string name) => new($"{PyText.Repr(name)} is undefined", true, "UndefinedError");

    public static Undefined ForAttribute(object? obj, string name) => new($"{PyText.Repr(PyText.ObjectTypeRepr(obj))} has no attribute {PyText.Repr(name)}", true, "UndefinedError");

    public static Undefined ForElement(object? obj, object? key) => new($"{PyText.ObjectTypeRepr(obj)} has no element {PyText.Repr(key)}", true, "UndefinedError");

    public static Undefined WithHint(string hint) => new(hint, true, "UndefinedError");

    public static Undefined Unsafe(string hint) => new(hint, true, "SecurityError");

    public static Undefined Plain(string hint) => new(hint, false, "UndefinedError");

    public JinjaRuntimeError Fail() => new(ErrorKind, Message);
}

/// <summary>markupsafe's Markup: text already escaped (from <c>escape</c>, <c>tojson</c>); stored as a string.</summary>
internal sealed class Markup(string text)
{
    public string Text { get; } = text;

    public override string ToString() => Text;
}

/// <summary>Python's <c>range</c>.</summary>
internal sealed class PyRange(long start, long stop, long step) : IReadOnlyList<object?>
{
    public long Start { get; } = start;

    public long Stop { get; } = stop;

    public long Step { get; } = step;

    public int Count
    {
        get
        {
            if (Step > 0 && Start < Stop)
            {
                return (int)(((Stop - Start - 1) / Step) + 1);
            }
            if (Step < 0 && Start > Stop)
            {
                return (int)(((Start - Stop - 1) / -Step) + 1);
            }
            return 0;
        }
    }

    public object? this[int index] => Start + (index * Step);

    public IEnumerator<object?> GetEnumerator()
    {
        var n = Count;
        for (var i = 0; i < n; i++)
        {
            yield return Start + (i * Step);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary><c>dict.keys()</c>, <c>values()</c>, <c>items()</c>: live views of a dict.</summary>
internal sealed class DictView(IDictionary<string, object?> dict, string kind) : IEnumerable<object?>
{
    public IDictionary<string, object?> Dict { get; } = dict;

    /// <summary><c>keys</c>, <c>values</c> or <c>items</c>.</summary>
    public string Kind { get; } = kind;

    public int Count => Dict.Count;

    public IEnumerator<object?> GetEnumerator()
    {
        foreach (var kv in Dict.ToList())
        {
            yield return Kind switch
            {
                "keys" => kv.Key,
                "values" => kv.Value,
                _ => new PyTuple([kv.Key, kv.Value]),
            };
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A one-shot lazy sequence (a generator, an iterator), consumed by whoever iterates it first.</summary>
internal sealed class PyIterator(IEnumerable<object?> source, string typeName) : IEnumerable<object?>
{
    private IEnumerator<object?>? _enumerator = source.GetEnumerator();

    public string TypeName { get; } = typeName;

    public IEnumerator<object?> GetEnumerator()
    {
        var e = _enumerator;
        _enumerator = null;
        if (e == null)
        {
            yield break;
        }
        using (e)
        {
            while (e.MoveNext())
            {
                yield return e.Current;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Jinja's <c>namespace()</c>: attributes that <c>{% set ns.x = … %}</c> may change from inner scopes.</summary>
internal sealed class Namespace
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>Bound positional and keyword arguments of a call.</summary>
internal sealed class CallArguments(List<object?> positional, List<KeyValuePair<string, object?>> keywords)
{
    public static readonly CallArguments None = new([], []);

    public List<object?> Positional { get; } = positional;

    public List<KeyValuePair<string, object?>> Keywords { get; } = keywords;

    /// <summary>
    /// Binds to a Python signature: <paramref name="names"/> in order, <paramref name="required"/> leading ones
    /// without default. Missing optional ones stay <see cref="Missing"/>.
    /// </summary>
    public object?[] Bind(string function, string[] names, int required, bool allowExtraKeywords = false)
    {
        var result = new object?[names.Length];
        Array.Fill(result, Missing);
        if (Positional.Count > names.Length)
        {
            throw JinjaRuntimeError.Type($"{function}() takes {(required == names.Length ? names.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"from {required} to {names.Length}")} positional arguments but {Positional.Count} were given");
        }
        for (var i = 0; i < Positional.Count; i++)
        {
            result[i] = Positional[i];
        }
        foreach (var kv in Keywords)
        {
            var idx = Array.IndexOf(names, kv.Key);
            if (idx < 0)
            {
                if (allowExtraKeywords)
                {
                    continue;
                }
                throw JinjaRuntimeError.Type($"{function}() got an unexpected keyword argument {PyText.Repr(kv.Key)}");
            }
            if (!ReferenceEquals(result[idx], Missing))
            {
                throw JinjaRuntimeError.Type($"{function}() got multiple values for argument {PyText.Repr(kv.Key)}");
            }
            result[idx] = kv.Value;
        }
        var missing = new List<string>();
        for (var i = 0; i < required; i++)
        {
            if (ReferenceEquals(result[i], Missing))
            {
                missing.Add(names[i]);
            }
        }
        if (missing.Count > 0)
        {
            var list = missing.Count == 1 ? PyText.Repr(missing[0]) : string.Join(", ", missing.Take(missing.Count - 1).Select(PyText.Repr)) + " and " + PyText.Repr(missing[^1]);
            throw JinjaRuntimeError.Type($"{function}() missing {missing.Count} required positional argument{(missing.Count == 1 ? string.Empty : "s")}: {list}");
        }
        return result;
    }

    /// <summary>Marks an argument that was not given.</summary>
    public static readonly object Missing = new();
}

/// <summary>Something a template can call: a global, a method bound to its value, a macro.</summary>
internal interface IJinjaCallable
{
    /// <summary>Python's repr of the callable.</summary>
    string Describe { get; }

    object? Invoke(Interpreter interpreter, CallArguments args);
}

/// <summary>A function implemented in C#.</summary>
internal sealed class BuiltinCallable(string describe, Func<Interpreter, CallArguments, object?> body) : IJinjaCallable
{
    public string Describe { get; } = describe;

    public object? Invoke(Interpreter interpreter, CallArguments args) => body(interpreter, args);
}

/// <summary>The <c>loop</c> variable of a for loop.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items, int depth0, Func<object?, int, string>? recurse) : IJinjaCallable
{
    private readonly Func<object?, int, string>? _recurse = recurse;
    private object? _lastChanged = CallArguments.Missing;

    public IReadOnlyList<object?> Items { get; } = items;

    public int Index0 { get; set; }

    public int Depth0 { get; } = depth0;

    public string Describe => "<LoopContext>";

    public object? Invoke(Interpreter interpreter, CallArguments args)
    {
        if (_recurse == null)
        {
            throw JinjaRuntimeError.Type("The loop must have the 'recursive' marker to be called recursively.");
        }
        var bound = args.Bind("loop", ["iterable"], 1);
        return new Markup(_recurse(bound[0], Depth0 + 1));
    }

    public bool TryGet(string name, out object? value)
    {
        var n = Items.Count;
        value = name switch
        {
            "index" => (long)(Index0 + 1),
            "index0" => (long)Index0,
            "revindex" => (long)(n - Index0),
            "revindex0" => (long)(n - Index0 - 1),
            "first" => Index0 == 0,
            "last" => Index0 == n - 1,
            "length" => (long)n,
            "depth" => (long)(Depth0 + 1),
            "depth0" => (long)Depth0,
            "previtem" => Index0 > 0 ? Items[Index0 - 1] : Undefined.WithHint("there is no previous item"),
            "nextitem" => Index0 + 1 < n ? Items[Index0 + 1] : Undefined.WithHint("there is no next item"),
            "cycle" => new BuiltinCallable("<bound method LoopContext.cycle>", (_, a) =>
            {
                if (a.Positional.Count == 0)
                {
                    throw JinjaRuntimeError.Type("no items for cycling given");
                }
                return a.Positional[Index0 % a.Positional.Count];
            }),
            "changed" => new BuiltinCallable("<bound method LoopContext.changed>", (_, a) =>
            {
                var key = new PyTuple([.. a.Positional]);
                if (ReferenceEquals(_lastChanged, CallArguments.Missing) || !PyOps.Eq(_lastChanged, key))
                {
                    _lastChanged = key;
                    return true;
                }
                return false;
            }),
            _ => CallArguments.Missing,
        };
        return !ReferenceEquals(value, CallArguments.Missing);
    }
}

/// <summary>Python's <c>str()</c> and <c>repr()</c> over the value model plus the template-only types.</summary>
internal static class PyText
{
    public static string Repr(object? value)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, value, 0);
        return sb.ToString();
    }

    /// <summary>Python's <c>str()</c>; a strict Undefined fails, a plain one is empty.</summary>
    public static string Str(object? value) => value switch
    {
        string s => s,
        Markup m => m.Text,
        Undefined u => u.Strict ? throw u.Fail() : string.Empty,
        _ => Repr(value),
    };

    public static void AppendRepr(StringBuilder sb, object? value, int depth)
    {
        if (depth > 500)
        {
            throw new LimitExceededError("value nested too deeply to print");
        }
        switch (value)
        {
            case null:
            case bool:
            case long:
            case int:
            case System.Numerics.BigInteger:
            case double:
                Sirocco.Values.Py.AppendRepr(sb, value);
                break;
            case string s:
                Sirocco.Values.Py.AppendStringRepr(sb, s);
                break;
            case Markup m:
                sb.Append("Markup(");
                Sirocco.Values.Py.AppendStringRepr(sb, m.Text);
                sb.Append(')');
                break;
            case Undefined u:
                if (u.Strict)
                {
                    throw u.Fail();
                }
                sb.Append("Undefined");
                break;
            case PyTuple t:
                sb.Append('(');
                for (var i = 0; i < t.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    AppendRepr(sb, t[i], depth + 1);
                }
                if (t.Count == 1)
                {
                    sb.Append(',');
                }
                sb.Append(')');
                break;
            case IDictionary<string, object?> map:
                {
                    sb.Append('{');
                    var first = true;
                    foreach (var kv in map)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }
                        first = false;
                        Sirocco.Values.Py.AppendStringRepr(sb, kv.Key);
                        sb.Append(": ");
                        AppendRepr(sb, kv.Value, depth + 1);
                    }
                    sb.Append('}');
                    break;
                }
            case PyRange r:
                sb.Append("range(").Append(r.Start).Append(", ").Append(r.Stop);
                if (r.Step != 1)
                {
                    sb.Append(", ").Append(r.Step);
                }
                sb.Append(')');
                break;
            case DictView v:
                sb.Append("dict_").Append(v.Kind).Append("([");
                AppendItems(sb, v, depth);
                sb.Append("])");
                break;
            case PyIterator it:
                sb.Append('<').Append(it.TypeName).Append(" object at 0x7f0000000000>");
                break;
            case Namespace ns:
                sb.Append("<Namespace ");
                AppendRepr(sb, ns.Attributes, depth + 1);
                sb.Append('>');
                break;
            case IJinjaCallable c:
                sb.Append(c.Describe);
                break;
            case IEnumerable<object?> list:
                sb.Append('[');
                AppendItems(sb, list, depth);
                sb.Append(']');
                break;
            default:
                sb.Append(value.ToString());
                break;
        }
    }

    private static void AppendItems(StringBuilder sb, IEnumerable<object?> items, int depth)
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            AppendRepr(sb, item, depth + 1);
        }
    }

    /// <summary>Python's type name, as error messages show it.</summary>
    public static string TypeName(object? value) => value switch
    {
        PyTuple => "tuple",
        Markup => "Markup",
        PyRange => "range",
        DictView v => "dict_" + v.Kind,
        PyIterator it => it.TypeName,
        Namespace => "Namespace",
        LoopContext => "LoopContext",
        Undefined => "StrictUndefined",
        IJinjaCallable => "function",
        _ => Sirocco.Values.Py.TypeName(value),
    };

    /// <summary>Jinja's <c>object_type_repr</c>, used in Undefined messages.</summary>
    public static string ObjectTypeRepr(object? value) => value switch
    {
        null => "None",
        Markup => "markupsafe.Markup object",
        Namespace => "jinja2.utils.Namespace object",
        LoopContext => "jinja2.runtime.LoopContext object",
        _ => TypeName(value) + " object",
    };
}

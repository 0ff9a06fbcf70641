using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sirocco.Values;

namespace Sirocco.Expressions.Yaql;

/// <summary>A failure inside YAQL evaluation, named as yaql/Python names it (cause kind + <c>str(exception)</c>).</summary>
internal sealed class YaqlRuntimeException(string kind, string message) : Exception(message)
{
    public string Kind { get; } = kind;

    public static YaqlRuntimeException KeyError(string key) => new("KeyError", PyText.Repr(key));

    public static YaqlRuntimeException TypeError(string message) => new("TypeError", message);

    public static YaqlRuntimeException ValueError(string message) => new("ValueError", message);
}

/// <summary>Thrown by argument binding when an overload does not accept the arguments; the dispatcher tries the next one.</summary>
internal sealed class NoMatchException : Exception
{
    public static readonly NoMatchException Instance = new();
}

/// <summary>yaql's set / frozenset (yaql's <c>set()</c> and <c>toSet()</c> return frozensets).</summary>
internal sealed class YaqlSet : IPythonValue, IReadOnlyCollection<object?>, ICollection
{
    private readonly List<object?> _items = [];
    private readonly HashSet<object?> _index = new(ValueEquality.Instance);

    public YaqlSet(IEnumerable<object?> items, bool frozen = true)
    {
        Frozen = frozen;
        foreach (var item in items)
        {
            Add(item);
        }
    }

    public bool Frozen { get; }

    public int Count => _items.Count;

    public string PythonTypeName => Frozen ? "frozenset" : "set";

    bool ICollection.IsSynchronized => false;

    object ICollection.SyncRoot => this;

    public bool Contains(object? item) => _index.Contains(item);

    private void Add(object? item)
    {
        if (item is List<object?> or IDictionary<string, object?>)
        {
            throw YaqlRuntimeException.TypeError($"unhashable type: '{(item is List<object?> ? "list" : "dict")}'");
        }
        if (_index.Add(item))
        {
            _items.Add(item);
        }
    }

    // Python iterates small ints of a set in ascending order; other orders are arbitrary, so sort what can be sorted.
    private IEnumerable<object?> Ordered() => _items.All(i => i is long or int) ? _items.OrderBy(i => Convert.ToInt64(i, CultureInfo.InvariantCulture)) : _items;

    public IEnumerator<object?> GetEnumerator() => Ordered().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    void ICollection.CopyTo(Array array, int index) => ((ICollection)_items).CopyTo(array, index);

    public void AppendRepr(StringBuilder sb)
    {
        if (Count == 0)
        {
            sb.Append(Frozen ? "frozenset()" : "set()");
            return;
        }
        if (Frozen)
        {
            sb.Append("frozenset(");
        }
        PyText.AppendSequence(sb, Ordered().Select(YaqlValues.ToPythonView), "{", "}");
        if (Frozen)
        {
            sb.Append(')');
        }
    }

    public void AppendStr(StringBuilder sb) => AppendRepr(sb);

    public object? ToStorable() => Ordered().Select(PyText.ToStorable).ToList();

    public override bool Equals(object? obj) => obj is YaqlSet other && other.Count == Count && other._items.All(Contains);

    public override int GetHashCode() => Count;

    public override string ToString() => PyText.Repr(this);
}

/// <summary>A lazy, single-pass sequence (a Python iterator/generator): results of select/where/... before they are stored.</summary>
internal class YaqlIterator(IEnumerable<object?> source) : IPythonValue, IEnumerable<object?>
{
    private bool _consumed;

    /// <summary>Set for <c>dict.items()</c>: Mistral cannot convert it as a final result.</summary>
    public bool IsItemsView { get; init; }

    public string PythonTypeName => "generator";

    public IEnumerator<object?> GetEnumerator()
    {
        if (_consumed)
        {
            return Enumerable.Empty<object?>().GetEnumerator();
        }
        _consumed = true;
        return source.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void AppendRepr(StringBuilder sb) => sb.Append("<generator object at 0x?>");

    public void AppendStr(StringBuilder sb) => AppendRepr(sb);

    public object? ToStorable() => this.Select(PyText.ToStorable).ToList();
}

/// <summary>A regular expression object (<c>regex(...)</c>).</summary>
internal sealed class YaqlRegex(Regex regex, string pattern) : IPythonValue
{
    public Regex Regex { get; } = regex;

    public string Pattern { get; } = pattern;

    public string PythonTypeName => "Pattern";

    public void AppendRepr(StringBuilder sb) => sb.Append("re.compile(").Append(PyText.Repr(Pattern)).Append(')');

    public void AppendStr(StringBuilder sb) => AppendRepr(sb);

    public object? ToStorable() => PyText.Repr(this);
}

/// <summary>A Python timezone-aware datetime.</summary>
internal sealed class YaqlDateTime(DateTimeOffset value) : IPythonValue, IComparable<YaqlDateTime>
{
    public DateTimeOffset Value { get; } = value;

    public string PythonTypeName => "datetime";

    public void AppendRepr(StringBuilder sb)
    {
        var v = Value;
        sb.Append(CultureInfo.InvariantCulture, $"datetime.datetime({v.Year}, {v.Month}, {v.Day}, {v.Hour}, {v.Minute}");
        var micro = (int)(v.Ticks % TimeSpan.TicksPerSecond / 10);
        if (v.Second != 0 || micro != 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {v.Second}");
        }
        if (micro != 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $", {micro}");
        }
        sb.Append(", tzinfo=tzutc())");
    }

    public void AppendStr(StringBuilder sb)
    {
        var micro = (int)(Value.Ticks % TimeSpan.TicksPerSecond / 10);
        sb.Append(Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        if (micro != 0)
        {
            sb.Append('.').Append(micro.ToString("000000", CultureInfo.InvariantCulture));
        }
        sb.Append("+00:00");
    }

    public object? ToStorable() => Value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    public int CompareTo(YaqlDateTime? other) => other is null ? 1 : Value.CompareTo(other.Value);

    public override bool Equals(object? obj) => obj is YaqlDateTime d && d.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();
}

/// <summary>A Python timedelta.</summary>
internal sealed class YaqlTimeSpan(TimeSpan value) : IPythonValue
{
    public TimeSpan Value { get; } = value;

    public string PythonTypeName => "timedelta";

    public void AppendRepr(StringBuilder sb) => sb.Append(CultureInfo.InvariantCulture, $"datetime.timedelta(days={Value.Days}, seconds={(int)(Value - TimeSpan.FromDays(Value.Days)).TotalSeconds})");

    public void AppendStr(StringBuilder sb)
    {
        var days = (int)Math.Floor(Value.TotalDays);
        var rest = Value - TimeSpan.FromDays(days);
        if (days != 0)
        {
            sb.Append(days.ToString(CultureInfo.InvariantCulture)).Append(Math.Abs(days) == 1 ? " day, " : " days, ");
        }
        sb.Append(CultureInfo.InvariantCulture, $"{(int)rest.TotalHours}:{rest.Minutes:00}:{rest.Seconds:00}");
    }

    public object? ToStorable() => PyText.Str(this);

    public override bool Equals(object? obj) => obj is YaqlTimeSpan t && t.Value == Value;

    public override int GetHashCode() => Value.GetHashCode();
}

/// <summary>The context returned by <c>let</c>/<c>with</c>, consumed by <c>-&gt;</c>.</summary>
internal sealed class YaqlContextValue(Scope scope) : IPythonValue
{
    public Scope Scope { get; } = scope;

    public string PythonTypeName => "Context";

    public void AppendRepr(StringBuilder sb) => sb.Append("<yaql.language.contexts.Context object at 0x?>");

    public void AppendStr(StringBuilder sb) => AppendRepr(sb);

    public object? ToStorable() => PyText.Repr(this);
}

/// <summary>A <c>key =&gt; value</c> pair passed as a positional value (yaql's MappingRule).</summary>
internal sealed class YaqlMappingRule(object? source, object? destination) : IPythonValue
{
    public object? Source { get; } = source;

    public object? Destination { get; } = destination;

    public string PythonTypeName => "MappingRule";

    public void AppendRepr(StringBuilder sb) => sb.Append("<yaql.language.utils.MappingRule object at 0x?>");

    public void AppendStr(StringBuilder sb) => AppendRepr(sb);

    public object? ToStorable() => PyText.Repr(this);
}

/// <summary>A chain of variable scopes (yaql contexts): <c>$</c> is the variable with the empty name, <c>$1</c>.. positional ones.</summary>
internal sealed class Scope(Scope? parent)
{
    // Lambda scopes only bind $ and $1..$n: keep those in fields, named variables in a dictionary when needed.
    private bool _hasDollar;
    private object? _dollar;
    private object?[]? _positional;
    private Dictionary<string, object?>? _vars;

    // the root scope of an evaluation answers Mistral's $__env, $__execution and $__task_execution from the data
    // context itself, so a plain evaluation allocates no dictionary
    private IDictionary<string, object?>? _rootData;

    public Scope? Parent { get; } = parent;

    /// <summary>The scope an evaluation starts in: <c>$</c> and <c>$1</c> are the data context.</summary>
    public static Scope ForRoot(object? context) => new(null)
    {
        _hasDollar = true,
        _dollar = context,
        _positional = [context],
        _rootData = context as IDictionary<string, object?>,
    };

    public static Scope ForLambda(Scope parent, object?[] values)
    {
        var s = new Scope(parent) { _positional = values };
        if (values.Length > 0)
        {
            s._hasDollar = true;
            s._dollar = values[0];
        }
        return s;
    }

    public void Set(string name, object? value)
    {
        if (name.Length == 0)
        {
            _hasDollar = true;
            _dollar = value;
            return;
        }
        (_vars ??= new(StringComparer.Ordinal))[name] = value;
    }

    public bool TryGet(string name, out object? value)
    {
        var index = name.Length > 0 && name.Length <= 2 && char.IsAsciiDigit(name[0]) && (name.Length == 1 || char.IsAsciiDigit(name[1])) ? int.Parse(name, System.Globalization.CultureInfo.InvariantCulture) : -1;
        for (var s = this; s is not null; s = s.Parent)
        {
            if (name.Length == 0)
            {
                if (s._hasDollar)
                {
                    value = s._dollar;
                    return true;
                }
                continue;
            }
            if (index >= 1 && s._positional is { } p)
            {
                if (index <= p.Length)
                {
                    value = p[index - 1];
                    return true;
                }
                // a lambda scope hides outer positional arguments it does not have
                value = null;
                return false;
            }
            if (s._vars is not null && s._vars.TryGetValue(name, out value))
            {
                return true;
            }
            if (s._rootData is { } data && name is "__env" or "__execution" or "__task_execution")
            {
                // always bound at the root (None when the context lacks it), as Mistral's evaluator binds them
                value = data.TryGetValue(name, out var v) ? v : null;
                return true;
            }
        }
        value = null;
        return false;
    }
}

/// <summary>Helpers over yaql run-time values.</summary>
internal static class YaqlValues
{
    /// <summary>yaql's <c>str()</c> view of a value: lists are tuples inside yaql.</summary>
    public static object? ToPythonView(object? v) => v is List<object?> l ? new PyTuple(l) : v;

    /// <summary>Python's <c>str()</c> of an in-process yaql value (lists print as tuples).</summary>
    public static string Str(object? v)
    {
        switch (v)
        {
            case string s:
                return s;
            case List<object?> l:
                return PyText.Repr(new PyTuple(l));
            case IDictionary<string, object?> d:
                {
                    var sb = new StringBuilder("{");
                    var first = true;
                    foreach (var kv in d)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }
                        first = false;
                        Py.AppendStringRepr(sb, kv.Key);
                        sb.Append(": ");
                        sb.Append(Repr(kv.Value));
                    }
                    return sb.Append('}').ToString();
                }
            default:
                return PyText.Str(v);
        }
    }

    /// <summary>Python's <c>repr()</c> of an in-process yaql value (lists print as tuples).</summary>
    public static string Repr(object? v) => v is string s ? PyText.Repr(s) : v is List<object?> or IDictionary<string, object?> ? Str(v) : PyText.Repr(v);

    public static bool Truthy(object? v) => v switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        System.Numerics.BigInteger bi => !bi.IsZero,
        double d => d != 0,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        IPythonValue => true,
        _ => true,
    };
}

/// <summary>A Python tuple view of a list, for printing.</summary>
internal sealed class PyTuple(IList<object?> items) : IPythonValue
{
    public string PythonTypeName => "tuple";

    public void AppendRepr(StringBuilder sb)
    {
        sb.Append('(');
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(YaqlValues.Repr(items[i]));
        }
        if (items.Count == 1)
        {
            sb.Append(',');
        }
        sb.Append(')');
    }

    public void AppendStr(StringBuilder sb) => AppendRepr(sb);

    public object? ToStorable() => items;
}

/// <summary>
/// A plain (mutable) Python dict, as Mistral's json_parse/yaml_parse return it. yaql's own dicts are FrozenDicts,
/// and a FrozenDict never equals a plain dict.
/// </summary>
internal sealed class PlainDict : OrderedDictionary<string, object?>
{
    public static object? From(object? value) => value switch
    {
        IDictionary<string, object?> d => Copy(d),
        List<object?> l => l.Select(From).ToList(),
        _ => value,
    };

    private static PlainDict Copy(IDictionary<string, object?> d)
    {
        var result = new PlainDict();
        foreach (var kv in d)
        {
            result[kv.Key] = From(kv.Value);
        }
        return result;
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Numerics;
using Sirocco.Values;

namespace Sirocco.Expressions.Yaql;

/// <summary>The limit checks of one evaluation.</summary>
internal sealed class Budget(EvaluationLimits limits)
{
    // the clock is first read at step 1024, not at construction: most evaluations take a few dozen steps and
    // reading the clock would be a visible part of their cost; what runs before step 1024 takes microseconds
    private long _started;
    private long _steps;
    private int _depth;

    public EvaluationLimits Limits { get; } = limits;

    public void Step()
    {
        if (++_steps > Limits.MaxSteps)
        {
            throw new YaqlRuntimeException("LimitExceeded", $"evaluation exceeded {Limits.MaxSteps} steps");
        }
        if ((_steps & 1023) == 0 && TimedOut())
        {
            throw new YaqlRuntimeException("LimitExceeded", $"evaluation exceeded {Limits.Timeout.TotalSeconds} seconds");
        }
    }

    private bool TimedOut()
    {
        if (_started == 0)
        {
            _started = Stopwatch.GetTimestamp();
            return false;
        }
        return Stopwatch.GetElapsedTime(_started) > Limits.Timeout;
    }

    public void Enter()
    {
        if (++_depth > Limits.MaxDepth)
        {
            throw new YaqlRuntimeException("LimitExceeded", $"evaluation nested deeper than {Limits.MaxDepth}");
        }
        RuntimeHelpers.EnsureSufficientExecutionStack();
    }

    public void Leave() => _depth--;

    public void CheckSize(long size)
    {
        if (size > Limits.MaxResultSize)
        {
            throw new YaqlRuntimeException("LimitExceeded", $"result larger than {Limits.MaxResultSize}");
        }
    }
}

/// <summary>Tree-walking evaluation of a parsed YAQL expression with yaql's semantics.</summary>
internal sealed partial class Interpreter(Budget budget, IExecutionFunctions? functions, object? data)
{
    public Budget Budget { get; } = budget;

    public IExecutionFunctions? Functions { get; } = functions;

    /// <summary>The original data context (Mistral's functions read <c>__env</c>, ... from it).</summary>
    public object? Data { get; } = data;

    public object? Eval(YaqlNode node, Scope scope)
    {
        Budget.Step();
        Budget.Enter();
        try
        {
            return EvalCore(node, scope);
        }
        finally
        {
            Budget.Leave();
        }
    }

    private object? EvalCore(YaqlNode node, Scope scope)
    {
        switch (node)
        {
            case ConstantNode c:
                return c.Value;
            case KeywordNode k:
                return k.Name;
            case DollarNode d:
                return scope.TryGet(d.Name, out var v) ? v : null;
            case WrapNode w:
                return Eval(w.Inner, scope);
            case BinaryNode b:
                return Binary(b, scope);
            case UnaryNode u:
                return Unary(u, scope);
            case IndexNode i:
                return Invoke("#indexer", IndexerOverloads, i.CallArgs, scope, null, false);
            case ListNode l:
                {
                    var list = new List<object?>(l.Items.Count);
                    foreach (var item in l.Items)
                    {
                        list.Add(item is MappingNode m ? new YaqlMappingRule(Eval(m.Key, scope), Eval(m.Value, scope)) : item is NoValueNode ? null : Eval(item, scope));
                    }
                    return list;
                }
            case MapNode m:
                {
                    var dict = new OrderedDictionary<string, object?>();
                    foreach (var item in m.Items)
                    {
                        if (item is not MappingNode rule)
                        {
                            throw NoMatchingFunction("#map");
                        }
                        var key = Eval(rule.Key, scope);
                        dict[DictKey(key)] = Eval(rule.Value, scope);
                    }
                    return dict;
                }
            case CallNode f:
                return Invoke(f.Name, f.Overloads, f.Args, scope, null, false);
            case MappingNode:
                throw new YaqlRuntimeException("MappingTranslationException", "Cannot convert mapping to keyword argument");
            case NoValueNode:
                return null;
            default:
                throw new InvalidOperationException("unknown node");
        }
    }

    /// <summary>Dict keys are text in Sirocco's value model; other keys are stored by their Python <c>str()</c>.</summary>
    public static string DictKey(object? key) => key is string s ? s : PyText.Str(key);

    private object? Binary(BinaryNode b, Scope scope)
    {
        switch (b.Operator)
        {
            case ".":
            case "?.":
                {
                    var receiver = Eval(b.Left, scope);
                    if (b.Operator == "?." && receiver is null)
                    {
                        return null;
                    }
                    return Member(receiver, b.Right, scope);
                }
            case "and":
                {
                    var left = Eval(b.Left, scope);
                    return YaqlValues.Truthy(left) ? Eval(b.Right, scope) : left;
                }
            case "or":
                {
                    var left = Eval(b.Left, scope);
                    return YaqlValues.Truthy(left) ? left : Eval(b.Right, scope);
                }
            case "->":
                {
                    var left = Eval(b.Left, scope);
                    if (left is not YaqlContextValue ctx)
                    {
                        throw NoMatchingFunction("#operator_->");
                    }
                    return Eval(b.Right, ctx.Scope);
                }
            default:
                return Operators.Binary(this, b.Operator, Eval(b.Left, scope), Eval(b.Right, scope));
        }
    }

    private object? Unary(UnaryNode u, Scope scope)
    {
        var operand = Eval(u.Operand, scope);
        return u.Operator switch
        {
            "not" => !YaqlValues.Truthy(operand),
            "-" => Operators.Negate(operand),
            _ => Operators.Plus(operand),
        };
    }

    private object? Member(object? receiver, YaqlNode right, Scope scope)
    {
        switch (right)
        {
            case CallNode call:
                return Invoke(call.Name, call.Overloads, call.Args, scope, receiver, true);
            case KeywordNode key:
                return Attribute(receiver, key.Name);
            default:
                return Eval(right, scope);
        }
    }

    public object? Attribute(object? receiver, string name)
    {
        switch (receiver)
        {
            case IDictionary<string, object?> map:
                return map.TryGetValue(name, out var value) ? value : throw YaqlRuntimeException.KeyError(name);
            case YaqlDateTime or YaqlTimeSpan:
                return Library.Property(receiver, name) ?? throw new YaqlRuntimeException("NoFunctionRegisteredException", $"Unknown function \"#property#{name}\"");
            case List<object?> or YaqlIterator or YaqlSet:
                {
                    var source = (IEnumerable<object?>)receiver;
                    return new YaqlIterator(source.Select(item =>
                    {
                        Budget.Step();
                        return Attribute(item, name);
                    }));
                }
            default:
                throw new YaqlRuntimeException("NoFunctionRegisteredException", $"Unknown function \"#property#{name}\"");
        }
    }

    public YaqlRuntimeException NoMatchingFunction(string name) => new("NoMatchingFunctionException", $"No function \"{name}\" matches supplied arguments");

    /// <summary>Calls a library function: as a method (<paramref name="isMethod"/>, receiver first) or a function.</summary>
    private static readonly List<FunctionDef> IndexerOverloads = Library.Functions["#indexer"];

    public object? Invoke(string name, List<FunctionDef>? overloads, IReadOnlyList<YaqlNode> args, Scope scope, object? receiver, bool isMethod)
    {
        if (overloads is null)
        {
            throw isMethod
                ? new YaqlRuntimeException("NoMethodRegisteredException", $"Unknown method \"{name}\" for receiver {YaqlValues.Str(receiver)}")
                : new YaqlRuntimeException("NoFunctionRegisteredException", $"Unknown function \"{name}\"");
        }
        var call = new Call(this, scope, args, receiver, isMethod);
        var any = false;
        foreach (var f in overloads)
        {
            if (isMethod ? !f.Method : !f.Function)
            {
                continue;
            }
            any = true;
            if (isMethod && f.Accepts is { } accepts && !accepts(receiver))
            {
                continue;
            }
            try
            {
                return f.Impl(call);
            }
            catch (NoMatchException)
            {
                // try the next overload
            }
        }
        if (!any)
        {
            throw isMethod
                ? new YaqlRuntimeException("NoMethodRegisteredException", $"Unknown method \"{name}\" for receiver {YaqlValues.Str(receiver)}")
                : new YaqlRuntimeException("NoFunctionRegisteredException", $"Unknown function \"{name}\"");
        }
        throw isMethod
            ? new YaqlRuntimeException("NoMatchingMethodException", $"No method \"{name}\" for receiver {YaqlValues.Str(receiver)} matches supplied arguments")
            : NoMatchingFunction(name);
    }

    /// <summary>Materialises a sequence while counting steps and size.</summary>
    public List<object?> Materialize(IEnumerable<object?> source)
    {
        if (source is List<object?> l)
        {
            return l;
        }
        var list = new List<object?>();
        foreach (var item in source)
        {
            Budget.Step();
            list.Add(item);
            if ((list.Count & 1023) == 0)
            {
                Budget.CheckSize(list.Count);
            }
        }
        return list;
    }

    /// <summary>yaql's output conversion: iterators become lists (tuples), recursively; sets stay sets.</summary>
    public object? ConvertOutput(object? value, int depth = 0)
    {
        if (depth > 1000)
        {
            throw new YaqlRuntimeException("LimitExceeded", "result nested too deeply");
        }
        switch (value)
        {
            case YaqlIterator it:
                {
                    if (it.IsItemsView)
                    {
                        throw YaqlRuntimeException.TypeError("unhashable type: 'list'");
                    }
                    var list = Materialize(it);
                    for (var i = 0; i < list.Count; i++)
                    {
                        list[i] = ConvertOutput(list[i], depth + 1);
                    }
                    return list;
                }
            case List<object?> list:
                {
                    List<object?>? copy = null;
                    for (var i = 0; i < list.Count; i++)
                    {
                        var c = ConvertOutput(list[i], depth + 1);
                        if (copy is null && !ReferenceEquals(c, list[i]))
                        {
                            copy = new List<object?>(list);
                        }
                        if (copy is not null)
                        {
                            copy[i] = c;
                        }
                    }
                    return copy ?? list;
                }
            case IDictionary<string, object?> map:
                {
                    OrderedDictionary<string, object?>? copy = null;
                    foreach (var kv in map)
                    {
                        var c = ConvertOutput(kv.Value, depth + 1);
                        if (copy is null && !ReferenceEquals(c, kv.Value))
                        {
                            copy = new OrderedDictionary<string, object?>(map);
                        }
                        if (copy is not null)
                        {
                            copy[kv.Key] = c;
                        }
                    }
                    return copy ?? map;
                }
            default:
                return value;
        }
    }
}

/// <summary>One call of a library function: binds arguments by position or name, evaluates them once, builds lambdas.</summary>
internal sealed class Call
{
    private static readonly Dictionary<string, YaqlNode> NoNames = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<YaqlNode> _args;
    private readonly IReadOnlyList<YaqlNode> _positional;
    private readonly Dictionary<string, YaqlNode> _named = NoNames;
    private object?[]? _values;
    private bool[]? _evaluated;
    private Dictionary<string, object?>? _namedValues;

    public Call(Interpreter interp, Scope scope, IReadOnlyList<YaqlNode> args, object? receiver, bool isMethod)
    {
        Interp = interp;
        Scope = scope;
        _args = args;
        Receiver = receiver;
        IsMethod = isMethod;
        var hasNamed = false;
        foreach (var a in args)
        {
            if (a is MappingNode { Key: KeywordNode })
            {
                hasNamed = true;
                break;
            }
        }
        if (!hasNamed)
        {
            _positional = args;
            return;
        }
        var positional = new List<YaqlNode>();
        _named = new Dictionary<string, YaqlNode>(StringComparer.Ordinal);
        foreach (var a in args)
        {
            if (a is MappingNode m && m.Key is KeywordNode k)
            {
                _named[k.Name] = m.Value;
            }
            else
            {
                positional.Add(a);
            }
        }
        _positional = positional;
    }

    public Interpreter Interp { get; }

    public Scope Scope { get; }

    public object? Receiver { get; }

    public bool IsMethod { get; }

    private int Offset => IsMethod ? 1 : 0;

    /// <summary>Number of positional arguments including the receiver.</summary>
    public int Count => _positional.Count + Offset;

    public IReadOnlyDictionary<string, YaqlNode> Named => _named;

    public IReadOnlyList<YaqlNode> RawArgs => _args;

    /// <summary>Requires between min and max positional arguments (receiver included) and only the given keyword names.</summary>
    public void Arity(int min, int max, params string[] names)
    {
        foreach (var n in _named.Keys)
        {
            if (Array.IndexOf(names, n) < 0)
            {
                throw NoMatchException.Instance;
            }
        }
        if (Count + _named.Count < min || Count > max)
        {
            throw NoMatchException.Instance;
        }
    }

    public void NoNamed()
    {
        if (_named.Count > 0)
        {
            throw NoMatchException.Instance;
        }
    }

    /// <summary>True when the parameter at <paramref name="index"/> (or named <paramref name="name"/>) is given.</summary>
    public bool Has(int index, string? name = null) => index < Count || (name is not null && _named.ContainsKey(name));

    public YaqlNode Node(int index, string? name = null)
    {
        if (index >= Offset && index < Count)
        {
            return _positional[index - Offset];
        }
        if (name is not null && _named.TryGetValue(name, out var n))
        {
            return n;
        }
        throw NoMatchException.Instance;
    }

    /// <summary>The evaluated argument (evaluated once, in the caller's scope).</summary>
    public object? Arg(int index, string? name = null)
    {
        if (IsMethod && index == 0)
        {
            return Receiver;
        }
        if (index < Count)
        {
            _values ??= new object?[Count];
            _evaluated ??= new bool[Count];
            if (_evaluated[index])
            {
                return _values[index];
            }
            var n = _positional[index - Offset];
            var value = n is NoValueNode ? null : Interp.Eval(n, Scope);
            _values[index] = value;
            _evaluated[index] = true;
            return value;
        }
        if (name is not null && _namedValues is not null && _namedValues.TryGetValue(name, out var cached))
        {
            return cached;
        }
        var node = Node(index, name);
        var v = node is NoValueNode ? null : Interp.Eval(node, Scope);
        (_namedValues ??= new(StringComparer.Ordinal))[name!] = v;
        return v;
    }

    public object? ArgOr(int index, string name, object? fallback) => Has(index, name) ? Arg(index, name) : fallback;

    public string Str(int index, string? name = null) => Arg(index, name) as string ?? throw NoMatchException.Instance;

    public string? StrOrNull(int index, string? name = null)
    {
        var v = Arg(index, name);
        return v is null or string ? (string?)v : throw NoMatchException.Instance;
    }

    public long Int(int index, string? name = null) => Arg(index, name) switch
    {
        long l => l,
        BigInteger bi when bi >= long.MinValue && bi <= long.MaxValue => (long)bi,
        _ => throw NoMatchException.Instance,
    };

    public object Number(int index, string? name = null) => Arg(index, name) is { } v && v is long or double or BigInteger ? v : throw NoMatchException.Instance;

    public IEnumerable<object?> Iterable(int index, string? name = null) => AsIterable(Arg(index, name)) ?? throw NoMatchException.Instance;

    public IDictionary<string, object?> Dict(int index, string? name = null) => Arg(index, name) as IDictionary<string, object?> ?? throw NoMatchException.Instance;

    public static IEnumerable<object?>? AsIterable(object? v) => v switch
    {
        List<object?> l => l,
        YaqlIterator it => it,
        YaqlSet s => s,
        _ => null,
    };

    /// <summary>A lambda over argument <paramref name="index"/>: evaluates it with <c>$</c>/<c>$1</c>.. bound to the given values.</summary>
    public Func<object?[], object?> Lambda(int index, string? name = null)
    {
        var node = Node(index, name);
        var outer = Scope;
        var interp = Interp;
        return values => interp.Eval(node, Scope.ForLambda(outer, values));
    }

    public Func<object?, object?> Lambda1(int index, string? name = null)
    {
        var f = Lambda(index, name);
        return x => f([x]);
    }

    public Func<object?, object?>? OptionalLambda1(int index, string? name = null) => Has(index, name) && Node(index, name) is not NoValueNode ? Lambda1(index, name) : null;
}

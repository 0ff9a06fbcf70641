using System.Numerics;
using System.Text;

namespace Sirocco.Expressions.Jinja;

/// <summary>A scope of template variables; lookups walk to the parents.</summary>
internal sealed class Frame(Frame? parent)
{
    private Dictionary<string, object?>? _vars;

    // the root frame answers `_` and Mistral's __env, __execution, __task_execution from the data context itself,
    // so a plain evaluation allocates no dictionary
    private bool _isRoot;
    private object? _data;

    public Frame? Parent { get; } = parent;

    public static Frame ForRoot(object? data) => new(null) { _isRoot = true, _data = data };

    public void Set(string name, object? value) => (_vars ??= new(StringComparer.Ordinal))[name] = value;

    public bool TryGet(string name, out object? value)
    {
        for (var f = this; f != null; f = f.Parent)
        {
            if (f._vars != null && f._vars.TryGetValue(name, out value))
            {
                return true;
            }
            if (f._isRoot)
            {
                if (name == "_")
                {
                    value = f._data;
                    return true;
                }
                if (f._data is IDictionary<string, object?> map && name is "__env" or "__execution" or "__task_execution")
                {
                    // always bound when the context is a dict (None when it lacks the key), as Mistral binds them
                    value = map.TryGetValue(name, out var v) ? v : null;
                    return true;
                }
            }
        }
        value = null;
        return false;
    }
}

/// <summary>
/// Walks a parsed template or expression against one data context. One instance per evaluation (not thread-safe);
/// the parsed tree is shared and never changed.
/// </summary>
internal sealed class Interpreter
{
    private readonly Frame _root;

    public Interpreter(object? data, IExecutionFunctions? functions, Budget budget)
    {
        Data = data;
        Functions = functions;
        Budget = budget;
        _root = Frame.ForRoot(data);
    }

    public object? Data { get; }

    public IExecutionFunctions? Functions { get; }

    public Budget Budget { get; }

    public object? EvaluateExpression(Expr expr) => Eval(expr, _root);

    public string Render(TemplateNode template)
    {
        var sb = new StringBuilder();
        Execute(template.Body, _root, sb);
        return sb.ToString();
    }

    // ---------------------------------------------------------------- statements

    private void Execute(List<Stmt> body, Frame frame, StringBuilder sb)
    {
        foreach (var stmt in body)
        {
            Budget.Step();
            switch (stmt)
            {
                case DataStmt d:
                    Append(sb, d.Text);
                    break;
                case OutputStmt o:
                    Append(sb, PyText.Str(Eval(o.Value, frame)));
                    break;
                case IfStmt i:
                    ExecuteIf(i, frame, sb);
                    break;
                case ForStmt f:
                    ExecuteFor(f, frame, sb, Eval(f.Iter, frame), 0);
                    break;
                case SetStmt s:
                    Assign(s.Target, Eval(s.Value, frame), frame);
                    break;
                case SetBlockStmt sb2:
                    {
                        var inner = new StringBuilder();
                        Execute(sb2.Body, frame, inner);
                        object? value = inner.ToString();
                        if (sb2.Filter != null)
                        {
                            value = ApplyFilterChain(sb2.Filter, value, frame);
                        }
                        Assign(sb2.Target, value, frame);
                        break;
                    }
                case WithStmt w:
                    {
                        var inner = new Frame(frame);
                        foreach (var (target, value) in w.Assignments)
                        {
                            Assign(target, Eval(value, frame), inner);
                        }
                        Enter();
                        try
                        {
                            Execute(w.Body, inner, sb);
                        }
                        finally
                        {
                            Budget.Leave();
                        }
                        break;
                    }
                case MacroStmt m:
                    frame.Set(m.Name, new MacroCallable(m.Name, m.Parameters, m.Defaults, m.Body, frame));
                    break;
                case CallBlockStmt c:
                    {
                        var caller = new MacroCallable("caller", c.Parameters, c.Defaults, c.Body, frame);
                        var target = Eval(c.Call.Target, frame);
                        var args = EvalArgs(c.Call.Args, frame);
                        args.Keywords.Add(new("caller", caller));
                        Append(sb, PyText.Str(CallValue(target, args)));
                        break;
                    }
                case FilterBlockStmt fb:
                    {
                        var inner = new StringBuilder();
                        Execute(fb.Body, frame, inner);
                        Append(sb, PyText.Str(ApplyFilterChain(fb.Filter, inner.ToString(), frame)));
                        break;
                    }
                default:
                    throw new InvalidOperationException(stmt.GetType().Name);
            }
        }
    }

    private void Enter() => Budget.Enter();

    private void Append(StringBuilder sb, string text)
    {
        Budget.CheckSize((long)sb.Length + text.Length);
        sb.Append(text);
    }

    private void ExecuteIf(IfStmt stmt, Frame frame, StringBuilder sb)
    {
        if (PyOps.Truthy(Eval(stmt.Test, frame)))
        {
            Execute(stmt.Body, frame, sb);
            return;
        }
        foreach (var (test, body) in stmt.Elifs)
        {
            if (PyOps.Truthy(Eval(test, frame)))
            {
                Execute(body, frame, sb);
                return;
            }
        }
        Execute(stmt.Else, frame, sb);
    }

    private void ExecuteFor(ForStmt stmt, Frame frame, StringBuilder sb, object? iterable, int depth0)
    {
        Enter();
        try
        {
            var items = new List<object?>();
            foreach (var item in PyOps.Iterate(iterable))
            {
                Budget.Step();
                if (stmt.Filter != null)
                {
                    var test = new Frame(frame);
                    Assign(stmt.Target, item, test);
                    if (!PyOps.Truthy(Eval(stmt.Filter, test)))
                    {
                        continue;
                    }
                }
                items.Add(item);
                Budget.CheckSize(items.Count);
            }
            if (items.Count == 0)
            {
                Execute(stmt.Else, frame, sb);
                return;
            }
            Func<object?, int, string>? recurse = null;
            if (stmt.Recursive)
            {
                recurse = (inner, d) =>
                {
                    var nested = new StringBuilder();
                    ExecuteFor(stmt, frame, nested, inner, d);
                    return nested.ToString();
                };
            }
            var loop = new LoopContext(items, depth0, recurse);
            for (var i = 0; i < items.Count; i++)
            {
                Budget.Step();
                loop.Index0 = i;
                var body = new Frame(frame);
                body.Set("loop", loop);
                Assign(stmt.Target, items[i], body);
                Execute(stmt.Body, body, sb);
            }
        }
        finally
        {
            Budget.Leave();
        }
    }

    private void Assign(Expr target, object? value, Frame frame)
    {
        switch (target)
        {
            case NameExpr n:
                frame.Set(n.Name, value);
                break;
            case TupleExpr t:
                {
                    var items = PyOps.Iterate(value).ToList();
                    if (items.Count != t.Items.Count)
                    {
                        throw JinjaRuntimeError.Value(items.Count < t.Items.Count
                            ? $"not enough values to unpack (expected {t.Items.Count}, got {items.Count})"
                            : $"too many values to unpack (expected {t.Items.Count})");
                    }
                    for (var i = 0; i < items.Count; i++)
                    {
                        Assign(t.Items[i], items[i], frame);
                    }
                    break;
                }
            case NamespaceRefExpr r:
                {
                    if (!frame.TryGet(r.Name, out var ns) || ns is not Namespace nsObj)
                    {
                        throw new JinjaRuntimeError("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
                    }
                    nsObj.Attributes[r.Attr] = value;
                    break;
                }
            default:
                throw new JinjaRuntimeError("TemplateRuntimeError", "cannot assign to this target");
        }
    }

    // ---------------------------------------------------------------- expressions

    public object? Eval(Expr expr, Frame frame)
    {
        Budget.Step();
        switch (expr)
        {
            case ConstExpr c:
                return c.Value;
            case NameExpr n:
                return Lookup(n.Name, frame);
            case GetAttrExpr ga:
                return GetAttribute(Eval(ga.Target, frame), ga.Name);
            case GetItemExpr gi:
                {
                    var target = Eval(gi.Target, frame);
                    if (gi.Index is SliceExpr slice)
                    {
                        if (target is Undefined u)
                        {
                            throw u.Fail();
                        }
                        return Builtins.Slice(target, EvalOpt(slice.Start, frame), EvalOpt(slice.Stop, frame), EvalOpt(slice.Step, frame), Budget);
                    }
                    return GetItem(target, Eval(gi.Index, frame));
                }
            case BinaryExpr b when b.Op == "and":
                {
                    var left = Eval(b.Left, frame);
                    return PyOps.Truthy(left) ? Eval(b.Right, frame) : left;
                }
            case BinaryExpr b when b.Op == "or":
                {
                    var left = Eval(b.Left, frame);
                    return PyOps.Truthy(left) ? left : Eval(b.Right, frame);
                }
            case BinaryExpr b:
                {
                    Enter();
                    try
                    {
                        var left = Eval(b.Left, frame);
                        var right = Eval(b.Right, frame);
                        return PyOps.Binary(b.Op, left, right, Budget);
                    }
                    finally
                    {
                        Budget.Leave();
                    }
                }
            case UnaryExpr u:
                {
                    var v = Eval(u.Operand, frame);
                    return u.Op switch
                    {
                        "not" => !PyOps.Truthy(v),
                        "neg" => PyOps.Negate(v),
                        _ => PyOps.Plus(v),
                    };
                }
            case ConcatExpr cc:
                {
                    var sb = new StringBuilder();
                    foreach (var item in cc.Items)
                    {
                        var s = PyText.Str(Eval(item, frame));
                        Budget.CheckSize((long)sb.Length + s.Length);
                        sb.Append(s);
                    }
                    return sb.ToString();
                }
            case CompareExpr cmp:
                {
                    var left = Eval(cmp.First, frame);
                    foreach (var (op, operand) in cmp.Ops)
                    {
                        var right = Eval(operand, frame);
                        if (!PyOps.CompareOp(op, left, right))
                        {
                            return false;
                        }
                        left = right;
                    }
                    return true;
                }
            case CondExpr ce:
                if (PyOps.Truthy(Eval(ce.Test, frame)))
                {
                    return Eval(ce.Then, frame);
                }
                return ce.Otherwise != null
                    ? Eval(ce.Otherwise, frame)
                    : Undefined.Plain("the inline if-expression on line 1 evaluated to false and no else section was defined.");
            case TupleExpr t:
                {
                    var items = new object?[t.Items.Count];
                    for (var i = 0; i < items.Length; i++)
                    {
                        items[i] = Eval(t.Items[i], frame);
                    }
                    return new PyTuple(items);
                }
            case ListExpr l:
                {
                    var items = new List<object?>(l.Items.Count);
                    foreach (var item in l.Items)
                    {
                        items.Add(Eval(item, frame));
                    }
                    return items;
                }
            case DictExpr d:
                {
                    var map = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var (k, v) in d.Items)
                    {
                        var key = Eval(k, frame);
                        var keyText = PyOps.KeyOf(key) ?? throw JinjaRuntimeError.Type($"not supported: dict key of type {PyText.TypeName(key)}");
                        map[keyText] = Eval(v, frame);
                    }
                    return map;
                }
            case CallExpr call:
                {
                    Enter();
                    try
                    {
                        var target = Eval(call.Target, frame);
                        return CallValue(target, EvalArgs(call.Args, frame));
                    }
                    finally
                    {
                        Budget.Leave();
                    }
                }
            case FilterExpr f:
                {
                    Enter();
                    try
                    {
                        var value = f.Target == null ? null : Eval(f.Target, frame);
                        return ApplyFilter(f, value, frame);
                    }
                    finally
                    {
                        Budget.Leave();
                    }
                }
            case TestExpr t:
                {
                    var value = Eval(t.Target, frame);
                    var args = EvalArgs(t.Args, frame);
                    return Builtins.RunTest(this, t.Name, value, args);
                }
            case SliceExpr s:
                throw JinjaRuntimeError.Type("a slice is only valid inside []");
            default:
                throw new InvalidOperationException(expr.GetType().Name);
        }
    }

    private object? EvalOpt(Expr? e, Frame frame) => e == null ? null : Eval(e, frame);

    private object? ApplyFilterChain(FilterExpr filter, object? value, Frame frame)
    {
        // a filter block or `set | f` holds a chain whose innermost target is null: apply inner ones first
        if (filter.Target is FilterExpr inner)
        {
            value = ApplyFilterChain(inner, value, frame);
        }
        return ApplyFilter(filter, value, frame);
    }

    private object? ApplyFilter(FilterExpr f, object? value, Frame frame)
    {
        var args = EvalArgs(f.Args, frame);
        return Builtins.RunFilter(this, f.Name, value, args);
    }

    public CallArguments EvalArgs(CallArgs args, Frame frame)
    {
        if (args.IsEmpty)
        {
            return new CallArguments([], []);
        }
        var positional = new List<object?>(args.Args.Count);
        foreach (var a in args.Args)
        {
            positional.Add(Eval(a, frame));
        }
        var keywords = new List<KeyValuePair<string, object?>>(args.Kwargs.Count);
        foreach (var (name, value) in args.Kwargs)
        {
            keywords.Add(new(name, Eval(value, frame)));
        }
        if (args.DynArgs != null)
        {
            positional.AddRange(PyOps.Iterate(Eval(args.DynArgs, frame)));
        }
        if (args.DynKwargs != null)
        {
            var dyn = Eval(args.DynKwargs, frame);
            if (dyn is not IDictionary<string, object?> map)
            {
                throw JinjaRuntimeError.Type($"argument after ** must be a mapping, not {PyText.TypeName(dyn)}");
            }
            foreach (var kv in map)
            {
                keywords.Add(kv);
            }
        }
        return new CallArguments(positional, keywords);
    }

    public object? CallValue(object? target, CallArguments args)
    {
        if (target is Undefined u)
        {
            throw u.Fail();
        }
        if (target is IJinjaCallable callable)
        {
            Budget.Step();
            return callable.Invoke(this, args);
        }
        throw JinjaRuntimeError.Type($"{PyText.Repr(PyText.TypeName(target))} object is not callable");
    }

    private object? Lookup(string name, Frame frame)
    {
        if (frame.TryGet(name, out var value))
        {
            return value;
        }
        if (Builtins.TryGetGlobal(this, name, out value))
        {
            return value;
        }
        return Undefined.ForName(name);
    }

    // ---------------------------------------------------------------- attribute and item access (the sandbox's rules)

    /// <summary><c>obj.name</c>: a Python attribute (method) first, then the item; unsafe attributes fail with SecurityError.</summary>
    public object? GetAttribute(object? obj, string name)
    {
        if (obj is Undefined u)
        {
            throw u.Fail();
        }
        if (Methods.IsUnsafeAttribute(obj, name))
        {
            return Undefined.Unsafe($"access to attribute {PyText.Repr(name)} of {PyText.Repr(PyText.TypeName(obj))} object is unsafe.");
        }
        if (Methods.TryGetAttribute(this, obj, name, out var value))
        {
            return value;
        }
        if (TryGetItem(obj, name, out value))
        {
            return value;
        }
        return Undefined.ForAttribute(obj, name);
    }

    /// <summary><c>obj[key]</c>: the item first, then (for a string key) the attribute.</summary>
    public object? GetItem(object? obj, object? key)
    {
        if (obj is Undefined u)
        {
            throw u.Fail();
        }
        if (key is Undefined uk)
        {
            throw uk.Fail();
        }
        if (TryGetItem(obj, key, out var value))
        {
            return value;
        }
        if (key is string name)
        {
            if (Methods.IsUnsafeAttribute(obj, name))
            {
                return Undefined.Unsafe($"access to attribute {PyText.Repr(name)} of {PyText.Repr(PyText.TypeName(obj))} object is unsafe.");
            }
            if (Methods.TryGetAttribute(this, obj, name, out value))
            {
                return value;
            }
            return Undefined.ForAttribute(obj, name);
        }
        return Undefined.ForElement(obj, key);
    }

    private static bool TryGetItem(object? obj, object? key, out object? value)
    {
        value = null;
        switch (obj)
        {
            case IDictionary<string, object?> map:
                {
                    string? k;
                    try
                    {
                        k = PyOps.KeyOf(key);
                    }
                    catch (JinjaRuntimeError)
                    {
                        return false;
                    }
                    return k != null && map.TryGetValue(k, out value);
                }
            case Namespace:
                return false;
            case string or Markup:
            case IList<object?>:
            case PyRange:
                {
                    if (!PyNum.IsInt(key))
                    {
                        return false;
                    }
                    var count = obj is string s0 ? s0.Length : obj is Markup m0 ? m0.Text.Length : obj is PyRange r0 ? r0.Count : ((IList<object?>)obj).Count;
                    var big = PyNum.ToBig(key);
                    if (big < 0)
                    {
                        big += count;
                    }
                    if (big < 0 || big >= count)
                    {
                        return false;
                    }
                    var i = (int)big;
                    value = obj switch
                    {
                        string s => s[i].ToString(),
                        Markup m => new Markup(m.Text[i].ToString()),
                        PyRange r => r[i],
                        _ => ((IList<object?>)obj)[i],
                    };
                    return true;
                }
            default:
                return false;
        }
    }

    /// <summary>A template macro (or the body of a call block as <c>caller</c>).</summary>
    private sealed class MacroCallable(string name, List<string> parameters, List<Expr> defaults, List<Stmt> body, Frame closure) : IJinjaCallable
    {
        public string Describe => $"<Macro {PyText.Repr(name)}>";

        public object? Invoke(Interpreter interpreter, CallArguments args)
        {
            interpreter.Enter();
            try
            {
                var frame = new Frame(closure);
                var firstDefault = parameters.Count - defaults.Count;
                var extra = new List<object?>();
                for (var i = 0; i < args.Positional.Count; i++)
                {
                    if (i < parameters.Count)
                    {
                        frame.Set(parameters[i], args.Positional[i]);
                    }
                    else
                    {
                        extra.Add(args.Positional[i]);
                    }
                }
                var kwargs = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var kv in args.Keywords)
                {
                    if (parameters.Contains(kv.Key))
                    {
                        frame.Set(kv.Key, kv.Value);
                    }
                    else if (kv.Key == "caller")
                    {
                        frame.Set("caller", kv.Value);
                    }
                    else
                    {
                        kwargs[kv.Key] = kv.Value;
                    }
                }
                for (var i = 0; i < parameters.Count; i++)
                {
                    if (!frame.TryGet(parameters[i], out _) || (i >= args.Positional.Count && !args.Keywords.Any(kv => kv.Key == parameters[i])))
                    {
                        frame.Set(parameters[i], i >= firstDefault
                            ? interpreter.Eval(defaults[i - firstDefault], frame)
                            : Undefined.WithHint($"parameter {PyText.Repr(parameters[i])} was not provided"));
                    }
                }
                frame.Set("varargs", new PyTuple([.. extra]));
                frame.Set("kwargs", kwargs);
                var sb = new StringBuilder();
                interpreter.Execute(body, frame, sb);
                return sb.ToString();
            }
            finally
            {
                interpreter.Budget.Leave();
            }
        }
    }

    /// <summary>Used by Builtins for big-integer sums and similar.</summary>
    internal static object NormalizeInt(BigInteger value) => PyNum.Normalize(value);
}

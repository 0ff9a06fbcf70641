namespace Sirocco.Expressions.Jinja;

/// <summary>A node of a parsed template. <see cref="Position"/> is the offset of its first token in the source.</summary>
internal abstract class Node
{
    public int Position { get; init; }
}

/// <summary>An expression node.</summary>
internal abstract class Expr : Node;

/// <summary>A literal: null, bool, long, BigInteger, double or string.</summary>
internal sealed class ConstExpr(object? value) : Expr
{
    public object? Value { get; } = value;
}

internal sealed class NameExpr(string name) : Expr
{
    public string Name { get; } = name;
}

internal sealed class TupleExpr(List<Expr> items) : Expr
{
    public List<Expr> Items { get; } = items;
}

internal sealed class ListExpr(List<Expr> items) : Expr
{
    public List<Expr> Items { get; } = items;
}

internal sealed class DictExpr(List<(Expr Key, Expr Value)> items) : Expr
{
    public List<(Expr Key, Expr Value)> Items { get; } = items;
}

/// <summary><c>obj.name</c>: attribute first, then item.</summary>
internal sealed class GetAttrExpr(Expr target, string name) : Expr
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;
}

/// <summary><c>obj[index]</c>: item first, then attribute.</summary>
internal sealed class GetItemExpr(Expr target, Expr index) : Expr
{
    public Expr Target { get; } = target;

    public Expr Index { get; } = index;
}

internal sealed class SliceExpr(Expr? start, Expr? stop, Expr? step) : Expr
{
    public Expr? Start { get; } = start;

    public Expr? Stop { get; } = stop;

    public Expr? Step { get; } = step;
}

/// <summary>Arguments of a call, a filter or a test.</summary>
internal sealed class CallArgs
{
    public static readonly CallArgs Empty = new();

    public List<Expr> Args { get; init; } = [];

    public List<(string Name, Expr Value)> Kwargs { get; init; } = [];

    public Expr? DynArgs { get; init; }

    public Expr? DynKwargs { get; init; }

    public bool IsEmpty => Args.Count == 0 && Kwargs.Count == 0 && DynArgs == null && DynKwargs == null;
}

internal sealed class CallExpr(Expr target, CallArgs args) : Expr
{
    public Expr Target { get; } = target;

    public CallArgs Args { get; } = args;
}

/// <summary><c>value | name(args)</c>; <see cref="Target"/> is null in a <c>{% filter %}</c> block.</summary>
internal sealed class FilterExpr(Expr? target, string name, CallArgs args, bool hasParens) : Expr
{
    public Expr? Target { get; } = target;

    public string Name { get; } = name;

    public CallArgs Args { get; } = args;

    public bool HasParens { get; } = hasParens;
}

/// <summary><c>value is name(args)</c>.</summary>
internal sealed class TestExpr(Expr target, string name, CallArgs args) : Expr
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    public CallArgs Args { get; } = args;
}

/// <summary>Unary operators: <c>neg</c>, <c>pos</c>, <c>not</c>.</summary>
internal sealed class UnaryExpr(string op, Expr operand) : Expr
{
    public string Op { get; } = op;

    public Expr Operand { get; } = operand;
}

/// <summary>Binary operators: <c>+ - * / // % ** and or</c>.</summary>
internal sealed class BinaryExpr(string op, Expr left, Expr right) : Expr
{
    public string Op { get; } = op;

    public Expr Left { get; } = left;

    public Expr Right { get; } = right;
}

/// <summary><c>a ~ b ~ c</c>: string concatenation of <c>str()</c> of each.</summary>
internal sealed class ConcatExpr(List<Expr> items) : Expr
{
    public List<Expr> Items { get; } = items;
}

/// <summary>A comparison chain: <c>a &lt; b &lt;= c</c>; ops are <c>eq ne lt lteq gt gteq in notin</c>.</summary>
internal sealed class CompareExpr(Expr first, List<(string Op, Expr Operand)> ops) : Expr
{
    public Expr First { get; } = first;

    public List<(string Op, Expr Operand)> Ops { get; } = ops;
}

/// <summary><c>then if test else otherwise</c>; without else the value is an Undefined.</summary>
internal sealed class CondExpr(Expr test, Expr then, Expr? otherwise) : Expr
{
    public Expr Test { get; } = test;

    public Expr Then { get; } = then;

    public Expr? Otherwise { get; } = otherwise;
}

/// <summary><c>ns.attr</c> as an assignment target.</summary>
internal sealed class NamespaceRefExpr(string name, string attr) : Expr
{
    public string Name { get; } = name;

    public string Attr { get; } = attr;
}

/// <summary>A statement node.</summary>
internal abstract class Stmt : Node;

/// <summary>The template: its body.</summary>
internal sealed class TemplateNode(List<Stmt> body) : Node
{
    public List<Stmt> Body { get; } = body;
}

/// <summary>Literal template text.</summary>
internal sealed class DataStmt(string text) : Stmt
{
    public string Text { get; } = text;
}

/// <summary><c>{{ expr }}</c> (or <c>{% print expr %}</c>).</summary>
internal sealed class OutputStmt(Expr value) : Stmt
{
    public Expr Value { get; } = value;
}

internal sealed class IfStmt(Expr test, List<Stmt> body, List<(Expr Test, List<Stmt> Body)> elifs, List<Stmt> otherwise) : Stmt
{
    public Expr Test { get; } = test;

    public List<Stmt> Body { get; } = body;

    public List<(Expr Test, List<Stmt> Body)> Elifs { get; } = elifs;

    public List<Stmt> Else { get; } = otherwise;
}

internal sealed class ForStmt(Expr target, Expr iter, List<Stmt> body, List<Stmt> otherwise, Expr? filter, bool recursive) : Stmt
{
    public Expr Target { get; } = target;

    public Expr Iter { get; } = iter;

    public List<Stmt> Body { get; } = body;

    public List<Stmt> Else { get; } = otherwise;

    public Expr? Filter { get; } = filter;

    public bool Recursive { get; } = recursive;
}

/// <summary><c>{% set target = value %}</c>.</summary>
internal sealed class SetStmt(Expr target, Expr value) : Stmt
{
    public Expr Target { get; } = target;

    public Expr Value { get; } = value;
}

/// <summary><c>{% set target | filter %}body{% endset %}</c>.</summary>
internal sealed class SetBlockStmt(Expr target, FilterExpr? filter, List<Stmt> body) : Stmt
{
    public Expr Target { get; } = target;

    public FilterExpr? Filter { get; } = filter;

    public List<Stmt> Body { get; } = body;
}

internal sealed class WithStmt(List<(Expr Target, Expr Value)> assignments, List<Stmt> body) : Stmt
{
    public List<(Expr Target, Expr Value)> Assignments { get; } = assignments;

    public List<Stmt> Body { get; } = body;
}

internal sealed class MacroStmt(string name, List<string> parameters, List<Expr> defaults, List<Stmt> body) : Stmt
{
    public string Name { get; } = name;

    public List<string> Parameters { get; } = parameters;

    public List<Expr> Defaults { get; } = defaults;

    public List<Stmt> Body { get; } = body;
}

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body becomes <c>caller()</c>.</summary>
internal sealed class CallBlockStmt(CallExpr call, List<string> parameters, List<Expr> defaults, List<Stmt> body) : Stmt
{
    public CallExpr Call { get; } = call;

    public List<string> Parameters { get; } = parameters;

    public List<Expr> Defaults { get; } = defaults;

    public List<Stmt> Body { get; } = body;
}

/// <summary><c>{% filter name %}body{% endfilter %}</c>.</summary>
internal sealed class FilterBlockStmt(FilterExpr filter, List<Stmt> body) : Stmt
{
    public FilterExpr Filter { get; } = filter;

    public List<Stmt> Body { get; } = body;
}

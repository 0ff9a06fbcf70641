namespace Sirocco.Expressions.Yaql;

/// <summary>A node of a parsed YAQL expression. Nodes are immutable; <see cref="Position"/> is the 0-based offset of the node's first token.</summary>
public abstract record YaqlNode(int Position);

/// <summary>A literal: number, quoted string, <c>true</c>/<c>false</c>/<c>null</c>.</summary>
public sealed record ConstantNode(object? Value, int Position) : YaqlNode(Position);

/// <summary>A bare identifier, which evaluates to its own text (<c>ubuntu</c>, <c>SUCCESS</c>).</summary>
public sealed record KeywordNode(string Name, int Position) : YaqlNode(Position);

/// <summary><c>$</c>, <c>$name</c>, <c>$1</c>: a context variable (<see cref="Name"/> without the dollar; empty for <c>$</c>).</summary>
public sealed record DollarNode(string Name, int Position) : YaqlNode(Position);

/// <summary>A parenthesised expression (kept so that printing reproduces the source grouping).</summary>
public sealed record WrapNode(YaqlNode Inner, int Position) : YaqlNode(Position);

/// <summary>A binary operator, including <c>.</c> (member/method access) and <c>-&gt;</c>.</summary>
public sealed record BinaryNode(string Operator, YaqlNode Left, YaqlNode Right, int Position) : YaqlNode(Position);

/// <summary>A prefix operator: <c>-</c>, <c>+</c>, <c>not</c>.</summary>
public sealed record UnaryNode(string Operator, YaqlNode Operand, int Position) : YaqlNode(Position);

/// <summary><c>target[args]</c>.</summary>
public sealed record IndexNode(YaqlNode Target, IReadOnlyList<YaqlNode> Args, int Position) : YaqlNode(Position)
{
    /// <summary>Target and arguments as the <c>#indexer</c> function receives them.</summary>
    internal IReadOnlyList<YaqlNode> CallArgs { get; } = [Target, .. Args];
}

/// <summary>A list literal <c>[a, b]</c>.</summary>
public sealed record ListNode(IReadOnlyList<YaqlNode> Items, int Position) : YaqlNode(Position);

/// <summary>A dict literal <c>{k =&gt; v}</c>.</summary>
public sealed record MapNode(IReadOnlyList<YaqlNode> Items, int Position) : YaqlNode(Position);

/// <summary>A function call <c>name(args)</c>; as the right side of <c>.</c> it is a method call.</summary>
public sealed record CallNode(string Name, IReadOnlyList<YaqlNode> Args, int Position) : YaqlNode(Position)
{
    /// <summary>The library's overloads for <see cref="Name"/> (null when none), looked up once per parsed node.
    /// A pure function of the name, so equal nodes stay equal.</summary>
    internal List<FunctionDef>? Overloads { get; } = Library.Functions.GetValueOrDefault(Name);
}

/// <summary>A keyword argument / dict entry <c>key =&gt; value</c>.</summary>
public sealed record MappingNode(YaqlNode Key, YaqlNode Value, int Position) : YaqlNode(Position);

/// <summary>A skipped positional argument (<c>f(, 1)</c>).</summary>
public sealed record NoValueNode(int Position) : YaqlNode(Position);

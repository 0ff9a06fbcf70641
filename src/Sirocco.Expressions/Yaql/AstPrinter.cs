using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Expressions.Yaql;

/// <summary>Prints a YAQL AST back to source text that parses to the same tree (parentheses only where precedence needs them).</summary>
public static class AstPrinter
{
    /// <summary>The source text of a node.</summary>
    public static string Print(YaqlNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    /// <summary>Structural equality that ignores grouping parentheses and positions.</summary>
    public static bool AreEquivalent(YaqlNode a, YaqlNode b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        while (a is WrapNode wa)
        {
            a = wa.Inner;
        }
        while (b is WrapNode wb)
        {
            b = wb.Inner;
        }
        return (a, b) switch
        {
            (ConstantNode x, ConstantNode y) => Equals(x.Value, y.Value) && x.Value?.GetType() == y.Value?.GetType(),
            (KeywordNode x, KeywordNode y) => x.Name == y.Name,
            (DollarNode x, DollarNode y) => x.Name == y.Name,
            (BinaryNode x, BinaryNode y) => x.Operator == y.Operator && AreEquivalent(x.Left, y.Left) && AreEquivalent(x.Right, y.Right),
            (UnaryNode x, UnaryNode y) => x.Operator == y.Operator && AreEquivalent(x.Operand, y.Operand),
            (IndexNode x, IndexNode y) => AreEquivalent(x.Target, y.Target) && AllEquivalent(x.Args, y.Args),
            (ListNode x, ListNode y) => AllEquivalent(x.Items, y.Items),
            (MapNode x, MapNode y) => AllEquivalent(x.Items, y.Items),
            (CallNode x, CallNode y) => x.Name == y.Name && AllEquivalent(x.Args, y.Args),
            (MappingNode x, MappingNode y) => AreEquivalent(x.Key, y.Key) && AreEquivalent(x.Value, y.Value),
            (NoValueNode, NoValueNode) => true,
            _ => false,
        };
    }

    private static bool AllEquivalent(IReadOnlyList<YaqlNode> a, IReadOnlyList<YaqlNode> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!AreEquivalent(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    // Binding power of the node as an operand: atoms bind tightest.
    private static int Power(YaqlNode node) => node switch
    {
        BinaryNode b => Parser.BinaryPower(b.Operator),
        UnaryNode u => Parser.PrefixPower(u.Operator),
        IndexNode => Parser.IndexerPower,
        _ => 100,
    };

    private static void Operand(StringBuilder sb, YaqlNode node, int minPower)
    {
        if (Power(node) < minPower)
        {
            sb.Append('(');
            Write(sb, node);
            sb.Append(')');
        }
        else
        {
            Write(sb, node);
        }
    }

    private static void Write(StringBuilder sb, YaqlNode node)
    {
        switch (node)
        {
            case WrapNode w:
                sb.Append('(');
                Write(sb, w.Inner);
                sb.Append(')');
                break;
            case ConstantNode c:
                WriteConstant(sb, c.Value);
                break;
            case KeywordNode k:
                sb.Append(k.Name);
                break;
            case DollarNode d:
                sb.Append('$').Append(d.Name);
                break;
            case BinaryNode b:
                {
                    var p = Parser.BinaryPower(b.Operator);
                    var rightAssoc = b.Operator == "->";
                    // left-associative: the left operand may share the power, the right must bind tighter
                    Operand(sb, b.Left, rightAssoc ? p + 1 : p);
                    if (b.Operator is "." or "?.")
                    {
                        sb.Append(b.Operator);
                    }
                    else
                    {
                        sb.Append(' ').Append(b.Operator).Append(' ');
                    }
                    Operand(sb, b.Right, rightAssoc ? p : p + 1);
                    break;
                }
            case UnaryNode u:
                sb.Append(u.Operator);
                if (u.Operator == "not")
                {
                    sb.Append(' ');
                }
                else if (u.Operand is UnaryNode { Operator: "-" or "+" })
                {
                    sb.Append(' ');
                }
                Operand(sb, u.Operand, Parser.PrefixPower(u.Operator) + 1);
                break;
            case IndexNode i:
                Operand(sb, i.Target, Parser.IndexerPower);
                sb.Append('[');
                WriteArgs(sb, i.Args);
                sb.Append(']');
                break;
            case ListNode l:
                sb.Append('[');
                WriteArgs(sb, l.Items);
                sb.Append(']');
                break;
            case MapNode m:
                sb.Append('{');
                WriteArgs(sb, m.Items);
                sb.Append('}');
                break;
            case CallNode f:
                sb.Append(f.Name).Append('(');
                WriteArgs(sb, f.Args);
                sb.Append(')');
                break;
            case MappingNode m:
                Write(sb, m.Key);
                sb.Append(" => ");
                Write(sb, m.Value);
                break;
            case NoValueNode:
                break;
            default:
                throw new ArgumentException("unknown node", nameof(node));
        }
    }

    private static void WriteArgs(StringBuilder sb, IReadOnlyList<YaqlNode> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(args[i] is NoValueNode ? "," : ", ");
            }
            Write(sb, args[i]);
        }
    }

    private static void WriteConstant(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long or BigInteger:
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case double d:
                {
                    // the lexer only reads digits '.' digits: write the exact shortest value without an exponent
                    var text = d.ToString("R", CultureInfo.InvariantCulture);
                    if (text.Contains('E', StringComparison.Ordinal))
                    {
                        text = ((decimal)d).ToString(CultureInfo.InvariantCulture);
                        if (double.Parse(text, CultureInfo.InvariantCulture) != d)
                        {
                            text = d.ToString("F20", CultureInfo.InvariantCulture).TrimEnd('0');
                        }
                    }
                    if (!text.Contains('.', StringComparison.Ordinal))
                    {
                        text += ".0";
                    }
                    if (text.EndsWith('.'))
                    {
                        text += "0";
                    }
                    sb.Append(text);
                    break;
                }
            case string s:
                sb.Append('\'');
                foreach (var ch in s)
                {
                    switch (ch)
                    {
                        case '\\': sb.Append("\\\\"); break;
                        case '\'': sb.Append("\\'"); break;
                        case '\n': sb.Append("\\n"); break;
                        case '\r': sb.Append("\\r"); break;
                        case '\t': sb.Append("\\t"); break;
                        default:
                            if (ch < 0x20 || ch == 0x7f || char.IsSurrogate(ch))
                            {
                                sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                            }
                            else
                            {
                                sb.Append(ch);
                            }
                            break;
                    }
                }
                sb.Append('\'');
                break;
            default:
                throw new ArgumentException("unknown constant", nameof(value));
        }
    }
}

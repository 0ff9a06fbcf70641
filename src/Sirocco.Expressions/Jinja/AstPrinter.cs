using System.Globalization;
using System.Numerics;
using System.Text;

namespace Sirocco.Expressions.Jinja;

/// <summary>
/// Prints a parsed template back to Jinja source that parses to the same tree (every composite sub-expression in
/// parentheses, every block tag written <c>{%+ … +%}</c> so that trim_blocks/lstrip_blocks leave the text alone,
/// text holding delimiters wrapped in <c>{% raw %}</c>). <see cref="Dump"/> writes a tree as an S-expression for
/// structural comparison.
/// </summary>
internal static class AstPrinter
{
    public static string Print(TemplateNode template)
    {
        var sb = new StringBuilder();
        PrintBody(sb, template.Body);
        if (sb.Length > 0 && sb[^1] == '\n')
        {
            sb.Append('\n'); // the lexer drops one trailing newline
        }
        return sb.ToString();
    }

    private static void PrintBody(StringBuilder sb, List<Stmt> body)
    {
        foreach (var stmt in body)
        {
            PrintStmt(sb, stmt);
        }
    }

    private static void Tag(StringBuilder sb, string content) => sb.Append("{%+ ").Append(content).Append(" +%}");

    private static void PrintStmt(StringBuilder sb, Stmt stmt)
    {
        switch (stmt)
        {
            case DataStmt d:
                if (d.Text.Contains("{{", StringComparison.Ordinal) || d.Text.Contains("{%", StringComparison.Ordinal)
                    || d.Text.Contains("{#", StringComparison.Ordinal) || d.Text.EndsWith('{'))
                {
                    sb.Append("{%+ raw %}").Append(d.Text).Append("{%+ endraw +%}");
                }
                else
                {
                    sb.Append(d.Text);
                }
                break;
            case OutputStmt o:
                sb.Append("{{ ").Append(Expr(o.Value)).Append(" }}");
                break;
            case IfStmt i:
                Tag(sb, "if " + Operand(i.Test));
                PrintBody(sb, i.Body);
                foreach (var (test, body) in i.Elifs)
                {
                    Tag(sb, "elif " + Operand(test));
                    PrintBody(sb, body);
                }
                if (i.Else.Count > 0)
                {
                    Tag(sb, "else");
                    PrintBody(sb, i.Else);
                }
                Tag(sb, "endif");
                break;
            case ForStmt f:
                {
                    var head = "for " + Target(f.Target) + " in " + Operand(f.Iter);
                    if (f.Filter != null)
                    {
                        head += " if " + Operand(f.Filter);
                    }
                    if (f.Recursive)
                    {
                        head += " recursive";
                    }
                    Tag(sb, head);
                    PrintBody(sb, f.Body);
                    if (f.Else.Count > 0)
                    {
                        Tag(sb, "else");
                        PrintBody(sb, f.Else);
                    }
                    Tag(sb, "endfor");
                    break;
                }
            case SetStmt s:
                Tag(sb, "set " + Target(s.Target) + " = " + Expr(s.Value));
                break;
            case SetBlockStmt s:
                Tag(sb, "set " + Target(s.Target) + (s.Filter == null ? string.Empty : " " + FilterChain(s.Filter)));
                PrintBody(sb, s.Body);
                Tag(sb, "endset");
                break;
            case WithStmt w:
                Tag(sb, "with " + string.Join(", ", w.Assignments.Select(a => Target(a.Target) + " = " + Operand(a.Value))));
                PrintBody(sb, w.Body);
                Tag(sb, "endwith");
                break;
            case MacroStmt m:
                Tag(sb, "macro " + m.Name + Signature(m.Parameters, m.Defaults));
                PrintBody(sb, m.Body);
                Tag(sb, "endmacro");
                break;
            case CallBlockStmt c:
                Tag(sb, "call" + (c.Parameters.Count > 0 ? Signature(c.Parameters, c.Defaults) : string.Empty) + " " + Expr(c.Call));
                PrintBody(sb, c.Body);
                Tag(sb, "endcall");
                break;
            case FilterBlockStmt fb:
                Tag(sb, "filter " + FilterChain(fb.Filter)[1..]);
                PrintBody(sb, fb.Body);
                Tag(sb, "endfilter");
                break;
            default:
                throw new InvalidOperationException(stmt.GetType().Name);
        }
    }

    private static string Signature(List<string> parameters, List<Expr> defaults)
    {
        var first = parameters.Count - defaults.Count;
        return "(" + string.Join(", ", parameters.Select((p, i) => i >= first ? p + "=" + Operand(defaults[i - first]) : p)) + ")";
    }

    /// <summary>A filter chain with a null innermost target, as <c>|f(a)|g</c>.</summary>
    private static string FilterChain(FilterExpr f) =>
        (f.Target is FilterExpr inner ? FilterChain(inner) : string.Empty) + "|" + f.Name + Args(f.Args, f.HasParens);

    private static string Target(Expr target) => target switch
    {
        NameExpr n => n.Name,
        NamespaceRefExpr r => r.Name + "." + r.Attr,
        TupleExpr { Items.Count: 1 } t => TargetItem(t.Items[0]) + ",",
        TupleExpr t => string.Join(", ", t.Items.Select(TargetItem)),
        _ => throw new InvalidOperationException("not an assignment target"),
    };

    private static string TargetItem(Expr e) => e is TupleExpr t ? "(" + Target(t) + (t.Items.Count == 0 ? string.Empty : string.Empty) + ")" : Target(e);

    private static bool IsPrimary(Expr e) => e is NameExpr or ListExpr or DictExpr or TupleExpr or GetAttrExpr or GetItemExpr or CallExpr
        || (e is ConstExpr c && c.Value is not (double and < 0) && !(c.Value is long l && l < 0) && !(c.Value is BigInteger b && b.Sign < 0));

    /// <summary>The target of a postfix: a bare name (even <c>not</c>) stays bare.</summary>
    private static string Root(Expr e) => e is NameExpr n ? n.Name : Operand(e);

    /// <summary>An operand: parenthesized unless it is a primary.</summary>
    private static string Operand(Expr e) => IsPrimary(e) ? Expr(e) : "(" + Expr(e) + ")";

    public static string Expr(Expr e)
    {
        switch (e)
        {
            case ConstExpr c:
                return Const(c.Value);
            case NameExpr n:
                return n.Name;
            case TupleExpr t:
                return t.Items.Count == 1 ? "(" + Expr(t.Items[0]) + ",)" : "(" + string.Join(", ", t.Items.Select(Expr)) + ")";
            case ListExpr l:
                return "[" + string.Join(", ", l.Items.Select(Expr)) + "]";
            case DictExpr d:
                return "{" + string.Join(", ", d.Items.Select(kv => Expr(kv.Key) + ": " + Expr(kv.Value))) + "}";
            case GetAttrExpr ga:
                return Root(ga.Target) + "." + ga.Name;
            case GetItemExpr gi:
                return Root(gi.Target) + "[" + (gi.Index is SliceExpr slice ? Slice(slice) : Expr(gi.Index)) + "]";
            case SliceExpr s:
                return Slice(s);
            case CallExpr call:
                return Root(call.Target) + Args(call.Args, true);
            case FilterExpr f:
                return Operand(f.Target ?? throw new InvalidOperationException("filter without a value")) + "|" + f.Name + Args(f.Args, f.HasParens);
            case TestExpr t when t.Args.Args.Count == 1 && t.Args.Kwargs.Count == 0 && t.Args.DynArgs == null && t.Args.DynKwargs == null && RootName(t.Args.Args[0]) != null:
                // `x is defined not` makes a test argument of the name `not` (with any postfix), which only this form can write back
                return Operand(t.Target) + " is " + t.Name + " " + Expr(t.Args.Args[0]);
            case TestExpr t:
                return Operand(t.Target) + " is " + t.Name + (t.Args.IsEmpty ? string.Empty : Args(t.Args, true));
            case UnaryExpr u:
                return (u.Op switch { "not" => "not ", "neg" => "-", _ => "+" }) + Operand(u.Operand);
            case BinaryExpr b:
                return Operand(b.Left) + " " + b.Op + " " + Operand(b.Right);
            case ConcatExpr cc:
                return string.Join(" ~ ", cc.Items.Select(Operand));
            case CompareExpr cmp:
                return Operand(cmp.First) + string.Concat(cmp.Ops.Select(o => " " + CompareSymbol(o.Op) + " " + Operand(o.Operand)));
            case CondExpr ce:
                return Operand(ce.Then) + " if " + Operand(ce.Test) + (ce.Otherwise == null ? string.Empty : " else " + Operand(ce.Otherwise));
            default:
                throw new InvalidOperationException(e.GetType().Name);
        }
    }

    private static string? RootName(Expr e) => e switch
    {
        NameExpr n => n.Name,
        GetAttrExpr ga => RootName(ga.Target),
        GetItemExpr gi => RootName(gi.Target),
        CallExpr c => RootName(c.Target),
        _ => null,
    };

    private static string Slice(SliceExpr s) =>
        (s.Start == null ? string.Empty : Expr(s.Start)) + ":" + (s.Stop == null ? string.Empty : Expr(s.Stop)) + (s.Step == null ? string.Empty : ":" + Expr(s.Step));

    private static string CompareSymbol(string op) => op switch
    {
        "eq" => "==",
        "ne" => "!=",
        "lt" => "<",
        "lteq" => "<=",
        "gt" => ">",
        "gteq" => ">=",
        "in" => "in",
        _ => "not in",
    };

    private static string Args(CallArgs a, bool parens)
    {
        if (a.IsEmpty)
        {
            return parens ? "()" : string.Empty;
        }
        var parts = new List<string>();
        parts.AddRange(a.Args.Select(Expr));
        parts.AddRange(a.Kwargs.Select(kv => kv.Name + "=" + Expr(kv.Value)));
        if (a.DynArgs != null)
        {
            parts.Add("*" + Expr(a.DynArgs));
        }
        if (a.DynKwargs != null)
        {
            parts.Add("**" + Expr(a.DynKwargs));
        }
        return "(" + string.Join(", ", parts) + ")";
    }

    private static string Const(object? value) => value switch
    {
        null => "none",
        true => "true",
        false => "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        double d when double.IsPositiveInfinity(d) => "1e999",
        double d => Sirocco.Values.Py.FloatRepr(d),
        string s => PyText.Repr(s),
        _ => throw new InvalidOperationException("not a constant"),
    };

    // ---------------------------------------------------------------- structural dump

    /// <summary>An S-expression of the tree without positions, for structural equality.</summary>
    public static string Dump(Node node)
    {
        var sb = new StringBuilder();
        DumpNode(sb, node);
        return sb.ToString();
    }

    private static void DumpNode(StringBuilder sb, Node? node)
    {
        switch (node)
        {
            case null:
                sb.Append("nil");
                return;
            case ConstExpr c:
                sb.Append("(const ").Append(c.Value switch
                {
                    null => "none",
                    bool b => b ? "true" : "false",
                    double d => "f" + d.ToString("R", CultureInfo.InvariantCulture),
                    string s => PyText.Repr(s),
                    _ => "i" + Convert.ToStorable(c.Value),
                }).Append(')');
                return;
            case NameExpr n:
                sb.Append("(name ").Append(n.Name).Append(')');
                return;
            case DataStmt d:
                sb.Append("(data ").Append(PyText.Repr(d.Text)).Append(')');
                return;
        }
        sb.Append('(').Append(node.GetType().Name);
        switch (node)
        {
            case GetAttrExpr ga:
                sb.Append(' ').Append(ga.Name);
                break;
            case FilterExpr f:
                sb.Append(' ').Append(f.Name);
                DumpArgs(sb, f.Args);
                if (f.Target == null)
                {
                    sb.Append(" nil");
                }
                break;
            case TestExpr t:
                sb.Append(' ').Append(t.Name);
                DumpArgs(sb, t.Args);
                break;
            case CallExpr c:
                DumpArgs(sb, c.Args);
                break;
            case UnaryExpr u:
                sb.Append(' ').Append(u.Op);
                break;
            case BinaryExpr b:
                sb.Append(' ').Append(b.Op);
                break;
            case CompareExpr cmp:
                sb.Append(' ').Append(string.Join(",", cmp.Ops.Select(o => o.Op)));
                break;
            case CondExpr ce:
                sb.Append(ce.Otherwise == null ? " noelse" : " else");
                break;
            case SliceExpr s:
                sb.Append(s.Start == null ? " -" : " s").Append(s.Stop == null ? "-" : "s").Append(s.Step == null ? "-" : "s");
                break;
            case NamespaceRefExpr r:
                sb.Append(' ').Append(r.Name).Append('.').Append(r.Attr);
                break;
            case IfStmt i:
                sb.Append(" elifs=").Append(i.Elifs.Count).Append(" body=").Append(i.Body.Count).Append(" else=").Append(i.Else.Count);
                break;
            case ForStmt f:
                sb.Append(" body=").Append(f.Body.Count).Append(" else=").Append(f.Else.Count).Append(f.Filter == null ? " nofilter" : " filter").Append(f.Recursive ? " recursive" : string.Empty);
                break;
            case SetBlockStmt sb2:
                sb.Append(sb2.Filter == null ? " nofilter" : " filter");
                break;
            case WithStmt w:
                sb.Append(' ').Append(w.Assignments.Count);
                break;
            case MacroStmt m:
                sb.Append(' ').Append(m.Name).Append(" (").Append(string.Join(",", m.Parameters)).Append(") defaults=").Append(m.Defaults.Count);
                break;
            case CallBlockStmt c:
                sb.Append(" (").Append(string.Join(",", c.Parameters)).Append(") defaults=").Append(c.Defaults.Count);
                break;
            case DictExpr d:
                sb.Append(' ').Append(d.Items.Count);
                break;
            case TupleExpr t:
                sb.Append(' ').Append(t.Items.Count);
                break;
            case ListExpr l:
                sb.Append(' ').Append(l.Items.Count);
                break;
            case ConcatExpr cc:
                sb.Append(' ').Append(cc.Items.Count);
                break;
        }
        foreach (var child in AstWalker.Children(node))
        {
            sb.Append(' ');
            DumpNode(sb, child);
        }
        sb.Append(')');
    }

    private static void DumpArgs(StringBuilder sb, CallArgs a)
    {
        sb.Append(" [").Append(a.Args.Count).Append(' ').Append(string.Join(",", a.Kwargs.Select(k => k.Name)))
            .Append(a.DynArgs == null ? string.Empty : " *").Append(a.DynKwargs == null ? string.Empty : " **").Append(']');
    }
}

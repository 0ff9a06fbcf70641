namespace Sirocco.Expressions.Jinja;

/// <summary>Visits every node of a tree (for the compile-time checks Jinja makes).</summary>
internal static class AstWalker
{
    public static IEnumerable<Node> Descendants(Node root)
    {
        var stack = new Stack<Node>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var child in Children(node))
            {
                stack.Push(child);
            }
        }
    }

    private static IEnumerable<Node> Args(CallArgs a)
    {
        foreach (var x in a.Args)
        {
            yield return x;
        }
        foreach (var (_, v) in a.Kwargs)
        {
            yield return v;
        }
        if (a.DynArgs != null)
        {
            yield return a.DynArgs;
        }
        if (a.DynKwargs != null)
        {
            yield return a.DynKwargs;
        }
    }

    public static IEnumerable<Node> Children(Node node)
    {
        switch (node)
        {
            case TemplateNode t:
                return t.Body;
            case OutputStmt o:
                return [o.Value];
            case IfStmt i:
                return [i.Test, .. i.Body, .. i.Elifs.SelectMany(e => (IEnumerable<Node>)[e.Test, .. e.Body]), .. i.Else];
            case ForStmt f:
                return [f.Target, f.Iter, .. f.Body, .. f.Else, .. f.Filter == null ? [] : new Node[] { f.Filter }];
            case SetStmt s:
                return [s.Target, s.Value];
            case SetBlockStmt sb:
                return [sb.Target, .. sb.Filter == null ? [] : new Node[] { sb.Filter }, .. sb.Body];
            case WithStmt w:
                return [.. w.Assignments.SelectMany(a => (IEnumerable<Node>)[a.Target, a.Value]), .. w.Body];
            case MacroStmt m:
                return [.. m.Defaults, .. m.Body];
            case CallBlockStmt c:
                return [c.Call, .. c.Defaults, .. c.Body];
            case FilterBlockStmt fb:
                return [fb.Filter, .. fb.Body];
            case TupleExpr t:
                return t.Items;
            case ListExpr l:
                return l.Items;
            case DictExpr d:
                return d.Items.SelectMany(kv => (IEnumerable<Node>)[kv.Key, kv.Value]);
            case GetAttrExpr ga:
                return [ga.Target];
            case GetItemExpr gi:
                return [gi.Target, gi.Index];
            case SliceExpr s:
                return new[] { s.Start, s.Stop, s.Step }.Where(x => x != null).Cast<Node>();
            case CallExpr c:
                return [c.Target, .. Args(c.Args)];
            case FilterExpr f:
                return [.. f.Target == null ? [] : new Node[] { f.Target }, .. Args(f.Args)];
            case TestExpr t:
                return [t.Target, .. Args(t.Args)];
            case UnaryExpr u:
                return [u.Operand];
            case BinaryExpr b:
                return [b.Left, b.Right];
            case ConcatExpr c:
                return c.Items;
            case CompareExpr c:
                return [c.First, .. c.Ops.Select(o => o.Operand)];
            case CondExpr c:
                return [c.Test, c.Then, .. c.Otherwise == null ? [] : new Node[] { c.Otherwise }];
            default:
                return [];
        }
    }
}

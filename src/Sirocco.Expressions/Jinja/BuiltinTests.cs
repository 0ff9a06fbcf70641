using System.Numerics;

namespace Sirocco.Expressions.Jinja;

/// <summary>Jinja's default tests (<c>x is defined</c>, <c>x is divisibleby 3</c>, ...).</summary>
internal static partial class Builtins
{
    private static void RegisterTests()
    {
        Tests["defined"] = (_, v, a) => NoArgs(a, "test_defined", v is not Undefined);
        Tests["undefined"] = (_, v, a) => NoArgs(a, "test_undefined", v is Undefined);
        Tests["none"] = (_, v, a) => NoArgs(a, "test_none", v is null);
        Tests["boolean"] = (_, v, a) => NoArgs(a, "test_boolean", v is bool);
        Tests["false"] = (_, v, a) => NoArgs(a, "test_false", v is false);
        Tests["true"] = (_, v, a) => NoArgs(a, "test_true", v is true);
        Tests["integer"] = (_, v, a) => NoArgs(a, "test_integer", v is long or int or BigInteger);
        Tests["float"] = (_, v, a) => NoArgs(a, "test_float", v is double);
        Tests["number"] = (_, v, a) => NoArgs(a, "test_number", PyNum.IsNumber(v));
        Tests["string"] = (_, v, a) => NoArgs(a, "test_string", v is string or Markup);
        Tests["mapping"] = (_, v, a) => NoArgs(a, "test_mapping", v is IDictionary<string, object?>);
        Tests["sequence"] = (_, v, a) => NoArgs(a, "test_sequence", v is string or Markup or IList<object?> or IDictionary<string, object?> or PyRange);
        Tests["iterable"] = (_, v, a) => NoArgs(a, "test_iterable", v is string or Markup or IEnumerable<object?> or IDictionary<string, object?>);
        Tests["callable"] = (_, v, a) => NoArgs(a, "callable", v is IJinjaCallable);
        Tests["escaped"] = (_, v, a) => NoArgs(a, "test_escaped", v is Markup);
        Tests["lower"] = (_, v, a) => NoArgs(a, "test_lower", Methods.IsLower(PyText.Str(v)));
        Tests["upper"] = (_, v, a) => NoArgs(a, "test_upper", Methods.IsUpper(PyText.Str(v)));
        Tests["even"] = (ip, v, a) => NoArgs(a, "test_even", PyOps.Eq(PyOps.Binary("%", v, 2L, ip.Budget), 0L));
        Tests["odd"] = (ip, v, a) => NoArgs(a, "test_odd", PyOps.Eq(PyOps.Binary("%", v, 2L, ip.Budget), 1L));
        Tests["divisibleby"] = (ip, v, a) =>
        {
            var p = a.Bind("test_divisibleby", ["num"], 1);
            return PyOps.Eq(PyOps.Binary("%", v, p[0], ip.Budget), 0L);
        };
        Tests["filter"] = (_, v, a) => NoArgs(a, "test_filter", v is string s && HasFilter(s));
        Tests["test"] = (_, v, a) => NoArgs(a, "test_test", v is string s && HasTest(s));
        Tests["sameas"] = (_, v, a) =>
        {
            var p = a.Bind("test_sameas", ["other"], 1);
            return SameAs(v, p[0]);
        };
        Tests["in"] = (_, v, a) =>
        {
            var p = a.Bind("test_in", ["seq"], 1);
            return PyOps.Contains(p[0], v);
        };
        AddComparison("eq", "eq", "==", "equalto");
        AddComparison("ne", "ne", "!=");
        AddComparison("lt", "lt", "<", "lessthan");
        AddComparison("le", "lteq", "<=");
        AddComparison("gt", "gt", ">", "greaterthan");
        AddComparison("ge", "gteq", ">=");
    }

    private static void AddComparison(string name, string op, params string[] aliases)
    {
        Test test = (_, v, a) =>
        {
            var p = a.Bind(name, ["b"], 1);
            return PyOps.CompareOp(op, v, p[0]);
        };
        Tests[name] = test;
        foreach (var alias in aliases)
        {
            Tests[alias] = test;
        }
    }

    private static bool NoArgs(CallArguments a, string name, bool result)
    {
        a.Bind(name, [], 0);
        return result;
    }

    /// <summary>Python's <c>is</c>: singletons and small cached ints compare by value, everything else by identity.</summary>
    private static bool SameAs(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (a is bool ba)
        {
            return b is bool bb && ba == bb;
        }
        if (a is long la && b is long lb)
        {
            return la == lb && la is >= -5 and <= 256;
        }
        if (a is string sa && b is string sb)
        {
            return ReferenceEquals(sa, sb) || (sa == sb && sa.Length <= 1);
        }
        return ReferenceEquals(a, b);
    }
}

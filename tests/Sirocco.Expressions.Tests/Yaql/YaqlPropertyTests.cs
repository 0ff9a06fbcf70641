using CsCheck;
using Sirocco.Expressions.Yaql;
using Sirocco.Values;

namespace Sirocco.Expressions.Tests.Yaql;

public class YaqlPropertyTests
{
    private static readonly string[] Binary = [".", "?.", "+", "-", "*", "/", "mod", "=", "!=", "<", ">", "<=", ">=", "in", "and", "or", "=~", "!~", "->"];

    private static Gen<string> Atom => Gen.OneOf(
        Gen.Int[0, 1000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double[0, 1000].Select(d => Math.Round(d, 3).ToString("0.0##", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("$", "$.a", "$1", "$x", "true", "false", "null", "abc", "'s\\'q'", "\"d\"", "`v`", "[]", "{}", "len($)", "$.l[0]"));

    private static Gen<string> Expr(int depth) => depth == 0
        ? Atom
        : Gen.OneOf(
            Atom,
            Gen.Select(Expr(depth - 1), Gen.OneOf(Binary), Expr(depth - 1), (l, op, r) => op is "." or "?." ? $"{l}{op}{(r.Length > 0 && char.IsLetter(r[0]) ? r : "x")}" : $"{l} {op} {r}"),
            Gen.Select(Gen.OneOf("-", "+", "not "), Expr(depth - 1), (op, e) => op + e),
            Expr(depth - 1).Select(e => $"({e})"),
            Gen.Select(Expr(depth - 1), Expr(depth - 1), (a, b) => $"[{a}, {b}]"),
            Gen.Select(Expr(depth - 1), Expr(depth - 1), (a, b) => $"{{k => {a}, {b} => 1}}"),
            Gen.Select(Expr(depth - 1), Expr(depth - 1), (a, b) => $"f({a}, key => {b})"),
            Gen.Select(Expr(depth - 1), Expr(depth - 1), (a, b) => $"{a}.select({b})"),
            Gen.Select(Expr(depth - 1), Expr(depth - 1), (a, b) => $"{a}[{b}]"));

    [Fact]
    public void Printed_And_Reparsed_Asts_Are_Equal()
    {
        Expr(4).Sample(text =>
        {
            YaqlNode ast;
            try
            {
                ast = Parser.Parse(text);
            }
            catch (YaqlParseException)
            {
                return;
            }
            var printed = AstPrinter.Print(ast);
            var reparsed = Parser.Parse(printed);
            Assert.True(AstPrinter.AreEquivalent(ast, reparsed), $"{text} printed as {printed}");
        }, iter: 2000);
    }

    [Fact]
    public void Random_Input_Only_Ever_Fails_As_A_Syntax_Error()
    {
        var chars = Gen.Char[(char)0, (char)255];
        var tokens = Gen.OneOf("$", ".", "(", ")", "[", "]", "{", "}", ",", "=>", "'", "\"", "`", "\\", "a", "1", "1.5", " ", "-", "not", "and", "=~", "?.", "->", "__", "f(");
        var text = Gen.OneOf(chars.Array[0, 30].Select(a => new string(a)), tokens.Array[0, 30].Select(a => string.Concat(a)));
        text.Sample(t =>
        {
            try
            {
                YaqlEvaluator.Parse(t);
            }
            catch (ExpressionSyntaxException e)
            {
                Assert.True(e.CauseKind is "YaqlGrammarException" or "YaqlLexicalException");
                Assert.InRange(e.Position, 0, t.Length);
            }
        }, iter: 5000);
    }

    [Theory]
    [InlineData("range(1000000000).len()")]
    [InlineData("sequence().select($ * 2).len()")]
    [InlineData("'ab' * 1000000000")]
    [InlineData("range(100).aggregate($1 + $1, 'x')")]
    [InlineData("pow(10, 100000000)")]
    [InlineData("range(1000000).select(range(1000000).len()).len()")]
    [InlineData("$.l.cycle().toList()")]
    public void Hostile_Expressions_Stop_Within_Limits(string expression)
    {
        var limits = new EvaluationLimits { MaxSteps = 200_000, MaxResultSize = 1_000_000, Timeout = TimeSpan.FromSeconds(5) };
        var e = Assert.Throws<ExpressionEvaluationException>(() => YaqlEvaluator.EvaluateExpression(expression, Json.Parse("""{"l": [1, 2]}"""), null, limits));
        Assert.Equal("LimitExceeded", e.CauseKind);
    }

    [Fact]
    public void Generated_Deeply_Nested_Expressions_Stop_Without_Blowing_The_Stack()
    {
        Gen.Int[1, 5000].Sample(n =>
        {
            var text = new string('(', n) + "1" + new string(')', n);
            var nestedList = string.Concat(Enumerable.Repeat("[", n)) + string.Concat(Enumerable.Repeat("]", n));
            var chain = "1" + string.Concat(Enumerable.Repeat(" + 1", n));
            foreach (var t in new[] { text, nestedList, chain, string.Concat(Enumerable.Repeat("-", n)) + "1" })
            {
                try
                {
                    YaqlEvaluator.EvaluateExpression(t, Json.Parse("""{"a": 1}"""));
                }
                catch (ExpressionException)
                {
                    // a syntax error (too deep) or a limit: both are fine, a crash is not
                }
            }
        }, iter: 50);
    }
}

using Sirocco.Values;

namespace Sirocco.Expressions.Tests;

public class ExpressionEvaluatorTests
{
    private static readonly object? Ctx = Json.Parse("""{"a": 1, "b": 2.5, "n": null, "t": true, "l": [3, 1, 2], "d": {"x": 1}, "s": "hi"}""");

    private static string Eval(string json) => Json.Serialize(ExpressionEvaluator.EvaluateRecursively(Json.Parse(json), Ctx));

    [Fact]
    public void Whole_String_Expression_Keeps_The_Native_Type()
    {
        Assert.Equal("""[1,2.5,null,true,[3,1,2],{"x":1}]""", Eval("""["<% $.a %>", "<% $.b %>", "<% $.n %>", "<% $.t %>", "<% $.l %>", "<% $.d %>"]"""));
    }

    [Fact]
    public void Text_Around_Expressions_Renders_Values_As_Python_Str()
    {
        Assert.Equal("\"a=1 b=2.5 n=None t=True l=[3, 1, 2] d={'x': 1}\"", Eval("\"a=<% $.a %> b=<% $.b %> n=<% $.n %> t=<% $.t %> l=<% $.l %> d=<% $.d %>\""));
        Assert.Equal("\"1\\n\"", Eval("\"<% $.a %>\\n\""));
    }

    [Fact]
    public void Keys_Are_Never_Evaluated_And_Non_Strings_Pass_Through()
    {
        Assert.Equal("""{"<% $.a %>":1,"x":5,"y":false,"z":null}""", Eval("""{"<% $.a %>": "<% $.a %>", "x": 5, "y": false, "z": null}"""));
    }

    [Fact]
    public void An_Empty_Context_Evaluates_Nothing()
    {
        var data = Json.Parse("""{"k": "<% 1 + 1 %>"}""");
        Assert.Same(data, ExpressionEvaluator.EvaluateRecursively(data, Json.Parse("{}")));
        Assert.Same(data, ExpressionEvaluator.EvaluateRecursively(data, null));
    }

    [Fact]
    public void Multi_Line_Delimiters_Are_Not_Recognised_And_Strip_Quirk_Applies()
    {
        Assert.Equal("\"<% $.a\\n%>\"", Eval("\"<% $.a\\n%>\""));
        Assert.Equal("1", Eval("\"<%% $.a %%>\""));
        Assert.False(ExpressionEvaluator.HasExpression("<% $.a\n%>"));
        Assert.True(ExpressionEvaluator.HasExpression("x <%$.a%> y"));
    }

    [Fact]
    public void Sets_And_Iterators_Are_Stored_As_Lists()
    {
        Assert.Equal("""["x"]""", Eval("\"<% $.d.keys() %>\""));
        Assert.Equal("[6,2,4]", Eval("\"<% $.l.select($ * 2) %>\""));
    }

    [Fact]
    public void A_Missing_Key_Names_The_Expression_And_The_Key()
    {
        var e = Assert.Throws<ExpressionEvaluationException>(() => ExpressionEvaluator.EvaluateRecursively("pre <% $.missing %>", Ctx));
        Assert.Equal("YaqlEvaluationException", e.Kind);
        Assert.Equal("KeyError", e.CauseKind);
        Assert.Equal("$.missing", e.Expression);
        Assert.StartsWith("Can not evaluate YAQL expression [expression=$.missing, error='missing', data={'a': 1,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_First_Failing_Expression_In_Document_Order_Raises()
    {
        var e = Assert.Throws<ExpressionEvaluationException>(() => ExpressionEvaluator.EvaluateRecursively(Json.Parse("""{"a": "<% $.one %>", "b": "<% $.two %>"}"""), Ctx));
        Assert.Equal("$.one", e.Expression);
    }

    [Theory]
    [InlineData("<% (1 + 2 %>", "YaqlGrammarException", 6, "Parse error: unexpected end of statement")]
    [InlineData("<% 1 == 1 %>", "YaqlGrammarException", 3, "Parse error: unexpected '=' at position 3 of expression '1 == 1'")]
    [InlineData("<% 1.5e3 %>", "YaqlLexicalException", 2, "Lexical error: illegal character '5' at position 2")]
    [InlineData("<% 'a' 'b' %>", "YaqlGrammarException", 4, "Parse error: unexpected 'b' at position 4 of expression ''a' 'b''")]
    public void Syntax_Errors_Carry_Position_And_Yaql_Cause(string text, string cause, int position, string reason)
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => ExpressionEvaluator.ValidateSyntax(Json.Parse(Json.Serialize(new List<object?> { text }))));
        Assert.Equal(cause, e.CauseKind);
        Assert.Equal(position, e.Position);
        Assert.Equal(reason, e.Reason);
        var e2 = Assert.Throws<ExpressionSyntaxException>(() => ExpressionEvaluator.EvaluateRecursively(text, Ctx));
        Assert.Equal("YaqlEvaluationException", e2.Kind);
    }

    [Fact]
    public void Execution_Functions_Without_An_Implementation_Fail_Like_Mistral_Without_A_Database()
    {
        var e = Assert.Throws<ExpressionEvaluationException>(() => ExpressionEvaluator.EvaluateRecursively("<% task(t1) %>", Ctx));
        Assert.Equal("TypeError", e.CauseKind);
    }

    [Fact]
    public void Execution_Functions_Use_The_Engine_Implementation()
    {
        var functions = new FakeExecution();
        Assert.Equal("SUCCESS", ExpressionEvaluator.EvaluateRecursively("<% task(t1).state %>", Ctx, functions));
        Assert.Equal("t1", functions.LastTask);
        Assert.Equal(42L, ExpressionEvaluator.EvaluateRecursively("<% global(g) %>", Ctx, functions));
    }

    private sealed class FakeExecution : IExecutionFunctions
    {
        public string? LastTask { get; private set; }

        public object? Task(string? name)
        {
            LastTask = name;
            return new OrderedDictionary<string, object?> { ["name"] = name, ["state"] = "SUCCESS" };
        }

        public object? Tasks(string? workflowExecutionId, bool recursive, string? state, bool flat) => new List<object?>();

        public object? Execution() => new OrderedDictionary<string, object?> { ["id"] = "e1" };

        public object? Executions(string? id, string? rootExecutionId, string? state, string? fromTime, string? toTime) => new List<object?>();

        public object? Global(string name) => 42L;
    }
}

using Sirocco.Expressions.Jinja;
using Sirocco.Values;

namespace Sirocco.Expressions.Tests.Jinja;

public class JinjaEvaluatorTests
{
    private static readonly object? Ctx = Json.Parse("""{"a": 1, "b": 2.5, "s": "Hello World", "t": true, "n": null, "l": [3, 1, 2], "d": {"x": 1, "y": {"z": "deep"}}}""");

    private static object? Eval(string text, object? ctx = null, IExecutionFunctions? functions = null, EvaluationLimits? limits = null) =>
        JinjaEvaluator.Evaluate(text, ctx ?? Ctx, functions, limits ?? EvaluationLimits.Default);

    private static ExpressionException Fails(string text, object? ctx = null, EvaluationLimits? limits = null) =>
        Assert.ThrowsAny<ExpressionException>(() => Eval(text, ctx, null, limits));

    [Theory]
    [InlineData("{{ x }}", true)]
    [InlineData("a {% if x %}", true)]
    [InlineData("{{ x\n}}", false)]
    [InlineData("<% $.x %>", false)]
    [InlineData("{ { x } }", false)]
    public void IsExpression_Follows_Mistral_Patterns(string text, bool expected) => Assert.Equal(expected, JinjaEvaluator.IsExpression(text));

    [Fact]
    public void A_Whole_String_Expression_Keeps_Its_Type_And_Text_Around_It_Renders_Python_Str()
    {
        Assert.Equal(3.5, Eval("{{ 7 / 2 }}"));
        Assert.Equal(new List<object?> { 3L, 1L, 2L }, Eval("{{ _.l }}"));
        Assert.Equal("x True None {'x': 1, 'y': {'z': 'deep'}} 1.0 (1, 2) (1,)", Eval("x {{ _.t }} {{ _.n }} {{ _.d }} {{ 1.0 }} {{ (1, 2) }} {{ (1,) }}"));
        Assert.Equal("1", Eval("{{ _.a }}\n"));
        Assert.Equal(-1L, Eval("{{- _.a }}"));
    }

    [Theory]
    [InlineData("a\n  {% if true %}\n  b\n  {% endif %}\nc", "a\n  b\nc")]
    [InlineData("a\n  {%+ if true %}b{% endif %}", "a\n  b")]
    [InlineData("a  {%- if true -%}  \n b  {%- endif %}", "ab")]
    [InlineData("{% if true +%}\nb{% endif %}", "\nb")]
    [InlineData("x  {{- _.a -}}  y", "x1y")]
    [InlineData("  {# comment #}\nx", "x")]
    [InlineData("x {#- c -#}  y", "xy")]
    [InlineData("{% raw %}{{ not evaluated }}{% endraw %}", "{{ not evaluated }}")]
    [InlineData("{% for i in _.l %}\n  - {{ i }}\n{% endfor %}", "  - 3\n  - 1\n  - 2\n")]
    [InlineData("{{ 1 }}\r\n{{ 2 }}", "1\n2")]
    public void Whitespace_Control_Follows_Trim_And_Lstrip_Blocks(string template, string expected) =>
        Assert.Equal(expected, Eval(template + "{{ '' }}"));

    [Theory]
    [InlineData("{% set t = 0 %}{% for x in _.l %}{% set t = t + x %}{% endfor %}{{ t }}", "0")]
    [InlineData("{% set ns = namespace(t=0) %}{% for x in _.l %}{% set ns.t = ns.t + x %}{% endfor %}{{ ns.t }}", "6")]
    [InlineData("{% for x in [1, 2] %}{% if loop.first %}{% set a = 5 %}{% endif %}{{ a is defined }}{% endfor %}", "TrueFalse")]
    [InlineData("{% if true %}{% set y = 3 %}{% endif %}{{ y }}", "3")]
    [InlineData("{% with z = 5 %}{{ z }}{% endwith %}{{ z is defined }}", "5False")]
    [InlineData("{% set x = 9 %}{% for x in [1, 2] %}{% endfor %}{{ x }}", "9")]
    [InlineData("{% macro m(a, b=2) %}{{ a }}{{ b }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 3, 4, z=5) }}", "13(4,){'z': 5}")]
    [InlineData("{% macro w() %}<{{ caller(5) }}>{% endmacro %}{% call(x) w() %}got {{ x }}{% endcall %}", "<got 5>")]
    [InlineData("{% for x in [1, [2, [3]]] recursive %}{% if x is number %}{{ x }}:{{ loop.depth }} {% else %}[{{ loop(x) }}]{% endif %}{% endfor %}", "1:1 [2:2 [3:3 ]]")]
    public void Scoping_Follows_Jinja(string template, string expected) => Assert.Equal(expected, Eval(template));

    [Theory]
    [InlineData("{{ [1, 2 }}", "TemplateSyntaxError", 9)]
    [InlineData("{{ $ }}", "TemplateSyntaxError", 3)]
    [InlineData("x {{ 1 + }}", "TemplateSyntaxError", 9)]
    [InlineData("{% for x in _.l %}{{ x }}", "TemplateSyntaxError", 25)]
    [InlineData("{{ _.l | to_json }}", "TemplateAssertionError", 3)]
    [InlineData("{{ 1 is nosuchtest }}", "TemplateAssertionError", 3)]
    public void Syntax_Errors_Name_The_Kind_And_Position(string text, string kind, int position)
    {
        var e = Assert.IsType<ExpressionSyntaxException>(Fails(text));
        Assert.Equal(kind, e.CauseKind);
        Assert.Equal(position, e.Position);
        Assert.Equal("JinjaEvaluationException", e.Kind);
        Assert.StartsWith($"Can not evaluate Jinja expression [expression={text}, error=", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateSyntax_Reports_The_Position_And_Accepts_Valid_Templates()
    {
        JinjaEvaluator.ValidateSyntax("{% for x in _.l %}{{ x | upper }}{% endfor %}");
        var e = Assert.Throws<ExpressionSyntaxException>(() => JinjaEvaluator.ValidateSyntax("ab {% if %}{% endif %}"));
        Assert.Equal(9, e.Position);
        Assert.Equal("TemplateSyntaxError", e.CauseKind);
    }

    [Theory]
    [InlineData("{{ _.zz }}", "UndefinedError", "'dict object' has no attribute 'zz'")]
    [InlineData("{{ _.s.__class__ }}", "SecurityError", "access to attribute '__class__' of 'str' object is unsafe.")]
    [InlineData("{{ 1 < 'a' }}", "TypeError", "'<' not supported between instances of 'int' and 'str'")]
    [InlineData("{{ 1 // 0 }}", "ZeroDivisionError", "integer division or modulo by zero")]
    [InlineData("{{ range(100001) }}", "OverflowError", "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).")]
    [InlineData("{% if _.a %}x{% endif %}", "IndexError", "list index out of range")]
    [InlineData("{{ task() }}", "KeyError", "'__task_execution'")]
    [InlineData("{{ _.l | json_dump }}", "TypeError", "json_dump_() missing 1 required positional argument: 'data'")]
    public void Runtime_Errors_Carry_Mistral_Cause_And_Reason(string text, string cause, string reason)
    {
        var e = Assert.IsType<ExpressionEvaluationException>(Fails(text));
        Assert.Equal(cause, e.CauseKind);
        Assert.Equal(reason, e.Reason);
        Assert.Contains("data={'a': 1, 'b': 2.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutating_Methods_Work_On_A_Copy_And_Leave_The_Callers_Context_Intact()
    {
        var ctx = Json.Parse("""{"l": [1]}""");
        Assert.Equal(new List<object?> { 1L, 2L }, Eval("{{ _.l.append(2) or _.l }}", ctx));
        Assert.Equal(new List<object?> { 1L }, ((IDictionary<string, object?>)ctx!)["l"]);
    }

    [Theory]
    [InlineData("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ 1 }}")]
    [InlineData("{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}")]
    [InlineData("{{ 'x' * 1000000000 }}")]
    [InlineData("{{ 2 ** 100000000 }}")]
    [InlineData("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")]
    [InlineData("{{ range(100000) | map('string') | join(',') | replace(',', range(100000) | join) }}")]
    public void Hostile_Templates_Stop_With_LimitExceeded(string text)
    {
        var limits = new EvaluationLimits { MaxSteps = 200_000, MaxResultSize = 1_000_000, MaxDepth = 100 };
        var e = Assert.IsType<ExpressionEvaluationException>(Fails(text, limits: limits));
        Assert.Equal("LimitExceeded", e.CauseKind);
    }

    [Fact]
    public void Execution_Functions_Come_From_The_Engine()
    {
        var functions = new RecordingFunctions();
        var result = JinjaEvaluator.Evaluate("{{ task('t1').state }} {{ _ | task('t2') | length }} {{ execution().id }} {{ global('g') }}", Ctx, functions, EvaluationLimits.Default);
        Assert.Equal("SUCCESS 2 wf-1 G", result);
        Assert.Equal(["task:t1", "task:t2", "execution", "global:g"], functions.Calls);
    }

    [Fact]
    public void Compiled_Templates_Are_Shared_Safely_Across_Threads()
    {
        var results = new string?[200];
        Parallel.For(0, results.Length, i =>
        {
            var ctx = new OrderedDictionary<string, object?> { ["i"] = (long)i };
            results[i] = (string?)JinjaEvaluator.Evaluate("{% for x in range(3) %}{{ _.i }}{% endfor %}", ctx, null, EvaluationLimits.Default);
        });
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"{i}{i}{i}", results[i]);
        }
    }

    private sealed class RecordingFunctions : IExecutionFunctions
    {
        public List<string> Calls { get; } = [];

        public object? Task(string? name)
        {
            Calls.Add("task:" + name);
            return new OrderedDictionary<string, object?> { ["name"] = name, ["state"] = "SUCCESS" };
        }

        public object? Tasks(string? workflowExecutionId, bool recursive, string? state, bool flat) => new List<object?>();

        public object? Execution()
        {
            Calls.Add("execution");
            return new OrderedDictionary<string, object?> { ["id"] = "wf-1" };
        }

        public object? Executions(string? id, string? rootExecutionId, string? state, string? fromTime, string? toTime) => new List<object?>();

        public object? Global(string name)
        {
            Calls.Add("global:" + name);
            return "G";
        }
    }
}

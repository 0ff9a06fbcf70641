using Sirocco.Values;
using Xunit;

namespace Sirocco.Language.Tests;

/// <summary>The inline parameter table of the language reference (§2.2), checked against Mistral 15.</summary>
public class InlineParametersTests
{
    [Theory]
    [InlineData("std.echo output=5", """{"output":5}""")]
    [InlineData("std.echo output=1.5", """{"output":1}""")]
    [InlineData("std.echo output=-1", "{}")]
    [InlineData("std.echo output=word", "{}")]
    [InlineData("std.echo url=http://x.org", "{}")]
    [InlineData("""std.echo output={"a": 1}""", "{}")]
    [InlineData("""std.echo output= "x" """, "{}")]
    [InlineData("std.echo output=[1, 2] delay=[3]", """{"output":"[1, 2] delay=[3]"}""")]
    [InlineData("std.echo output=[1, 2]", """{"output":[1,2]}""")]
    [InlineData("""std.echo a=1 b="2" """, """{"a":1,"b":"2"}""")]
    [InlineData("std.echo a='x y' b=true c=false d=null", """{"a":"x y","b":true,"c":false,"d":null}""")]
    [InlineData("std.echo a=<% $.x %> b={{ _.y }}", """{"a":"<% $.x %>","b":"{{ _.y }}"}""")]
    [InlineData("std.echo a=007", """{"a":"007"}""")]
    [InlineData("""fail(msg="a b")""", """{"msg":"a b"}""")]
    [InlineData("std.echo a=1 a=2", """{"a":2}""")]
    public void Parameters(string command, string expectedJson)
    {
        var parsed = InlineParameters.Parse(command);
        Assert.NotNull(parsed);
        Assert.Equal(expectedJson, Json.Serialize(parsed.Value.Params));
    }

    [Theory]
    [InlineData("std.echo output=5", "std.echo")]
    [InlineData("std.echo", "std.echo")]
    [InlineData("""fail(msg="x")""", """fail(msg="x")""")] // no space: no parsing at all
    [InlineData("""fail(msg="a b")""", "fail")]
    [InlineData("<% $.action %> x=1", "<% $.action %>")]
    public void Name(string command, string expected) => Assert.Equal(expected, InlineParameters.Parse(command)!.Value.Name);

    [Fact]
    public void Text_not_starting_with_a_name_is_refused() => Assert.Null(InlineParameters.Parse("=x y"));

    [Fact]
    public void Inline_parameters_overwrite_input_keys_as_in_Mistral_15()
    {
        // Verified on Mistral 15: lang/v2/tasks.py merges the inline parameters into 'input', overwriting.
        var spec = LanguageParser.ParseWorkflows("""
            version: '2.0'
            wf:
              tasks:
                t1:
                  action: std.echo output="inline" extra=1
                  input:
                    output: from-input
                    other: 2
            """);
        Assert.Equal("""{"output":"inline","other":2,"extra":1}""", Json.Serialize(spec.Workflows[0].Tasks[0].Input));
    }
}

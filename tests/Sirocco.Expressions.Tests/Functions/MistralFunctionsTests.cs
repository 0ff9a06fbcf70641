using Sirocco.Expressions.Functions;
using Sirocco.Values;

namespace Sirocco.Expressions.Tests.Functions;

public class MistralFunctionsTests
{
    [Fact]
    public void JsonDump_Indents_By_Four_And_Keeps_Key_Order()
    {
        var value = Json.Parse("""{"b": 1, "a": [1, 2.0], "c": {"d": null}, "e": [], "u": "é"}""");
        Assert.Equal("{\n    \"b\": 1,\n    \"a\": [\n        1,\n        2.0\n    ],\n    \"c\": {\n        \"d\": null\n    },\n    \"e\": [],\n    \"u\": \"\\u00e9\"\n}", MistralFunctions.JsonDump(value));
    }

    [Fact]
    public void JsonPp_Unescapes_Newlines_And_Falls_Back_To_Context()
    {
        Assert.Equal("\"a\nb\"", MistralFunctions.JsonPp(null, "a\nb"));
        Assert.Equal("{\n    \"k\": 1\n}", MistralFunctions.JsonPp(Json.Parse("""{"k": 1}"""), null));
    }

    [Fact]
    public void JsonParse_Keeps_Int_And_Float_And_Fails_Like_Python()
    {
        Assert.Equal(3.0, MistralFunctions.JsonParse("3.0"));
        Assert.Equal(3L, MistralFunctions.JsonParse("3"));
        Assert.Equal("TypeError", Assert.Throws<FunctionException>(() => MistralFunctions.JsonParse(1L)).CauseKind);
        Assert.Equal("JSONDecodeError", Assert.Throws<FunctionException>(() => MistralFunctions.JsonParse("[1")).CauseKind);
    }

    [Theory]
    [InlineData("""{"b": 1, "a": [1, 2], "c": {"d": null}}""", "a:\n- 1\n- 2\nb: 1\nc:\n  d: null\n")]
    [InlineData("\"x\"", "x\n...\n")]
    [InlineData("1.5", "1.5\n...\n")]
    [InlineData("{}", "{}\n")]
    [InlineData("""["yes", "1", "", "a: b", [1, [2]], {"k": "v", "j": [true]}]""", "- 'yes'\n- '1'\n- ''\n- 'a: b'\n- - 1\n  - - 2\n- j:\n  - true\n  k: v\n")]
    public void YamlDump_Writes_Like_PyYaml_SafeDump(string json, string expected)
    {
        Assert.Equal(expected, MistralFunctions.YamlDump(Json.Parse(json)));
    }

    [Fact]
    public void YamlParse_Uses_Yaml_1_1_Scalars()
    {
        var parsed = MistralFunctions.YamlParse("name: demo\nitems:\n  - 1\n  - two\nflag: yes\nf: 1.5\nq: 'on'\nn: ~\nh: 0x1f\n");
        Assert.Equal("""{"name":"demo","items":[1,"two"],"flag":true,"f":1.5,"q":"on","n":null,"h":31}""", Json.Serialize(parsed));
        Assert.Equal(true, MistralFunctions.YamlParse("on"));
        Assert.Equal("1e3", MistralFunctions.YamlParse("1e3"));
        Assert.Throws<FunctionException>(() => MistralFunctions.YamlParse("{a: "));
    }

    [Fact]
    public void Env_Reads_Env_From_Context()
    {
        var ctx = Json.Parse("""{"__env": {"r": 1}}""");
        Assert.Equal("""{"r":1}""", Json.Serialize(MistralFunctions.Env(ctx, strict: false)));
        Assert.Null(MistralFunctions.Env(Json.Parse("{}"), strict: false));
        Assert.Equal("KeyError", Assert.Throws<FunctionException>(() => MistralFunctions.Env(Json.Parse("{}"), strict: true)).CauseKind);
    }

    [Fact]
    public void Uuid_Is_A_Fresh_Version_4_Uuid()
    {
        var a = MistralFunctions.Uuid();
        Assert.Equal(36, a.Length);
        Assert.Equal('4', a[14]);
        Assert.NotEqual(a, MistralFunctions.Uuid());
    }
}

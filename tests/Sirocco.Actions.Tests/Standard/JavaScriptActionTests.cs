using Sirocco.Actions.Standard;
using Sirocco.Actions.Standard.JavaScript;
using Sirocco.Actions.Testing;

namespace Sirocco.Actions.Tests.Standard;

public class JavaScriptActionTests
{
    private static readonly StandardActionProvider Std = new(new StandardActionOptions
    {
        JavaScript = new JavaScriptLimits { Timeout = TimeSpan.FromMilliseconds(300), MemoryBytes = 8L * 1024 * 1024 },
    });

    private static Dictionary<string, object?> In(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Script_Is_A_Function_Body_And_Dollar_Is_The_Context()
    {
        using var env = new ActionEnvironment();
        var context = new OrderedDictionary<string, object?> { ["items"] = new List<object?> { 1L, 2L, 3L }, ["name"] = "x" };
        var r = await env.RunAsync(Std, "std.javascript", In(("script", "return {sum: $.items.reduce((a, b) => a + b, 0), name: $.name + '!', half: 1.5, list: [true, null]};"), ("context", context)));
        Assert.True(r.IsSuccess, r.ToString());
        var data = Assert.IsType<OrderedDictionary<string, object?>>(r.Data);
        Assert.Equal(6L, data["sum"]);
        Assert.Equal("x!", data["name"]);
        Assert.Equal(1.5, data["half"]);
        Assert.Equal(new List<object?> { true, null }, data["list"]);
    }

    [Fact]
    public async Task Js_Is_The_Same_Action_And_A_Script_Without_Return_Gives_Null()
    {
        using var env = new ActionEnvironment();
        Assert.Equal("abc", (await env.RunAsync(Std, "std.js", In(("script", "return 'abc';")))).Data);
        Assert.Null((await env.RunAsync(Std, "std.js", In(("script", "var a = 1;")))).Data);
        Assert.Null((await env.RunAsync(Std, "std.js", In(("script", "return $;")))).Data);
    }

    [Fact]
    public async Task Script_Errors_Fail_With_JavaScriptAction_Failed()
    {
        using var env = new ActionEnvironment();
        var thrown = await env.RunAsync(Std, "std.js", In(("script", "throw new Error('bad thing');")));
        Assert.Contains("msg='JavaScriptAction failed: bad thing'", (string)thrown.Error!, StringComparison.Ordinal);
        var syntax = await env.RunAsync(Std, "std.js", In(("script", "return (;")));
        Assert.Contains("JavaScriptAction failed: ", (string)syntax.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Endless_Script_Is_Stopped_At_The_Time_Limit()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.js", In(("script", "while (true) {}")));
        Assert.True(r.IsError);
        Assert.Contains("timeout", (string)r.Error!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("JavaScriptAction failed: ", (string)r.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Script_That_Allocates_Too_Much_Is_Stopped_At_The_Memory_Limit()
    {
        var std = new StandardActionProvider(new StandardActionOptions
        {
            JavaScript = new JavaScriptLimits { Timeout = TimeSpan.FromMinutes(1), MemoryBytes = 4L * 1024 * 1024 },
        });
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(std, "std.js", In(("script", "var a = []; for (var i = 0; i < 1e8; i++) { a.push('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' + i); } return a.length;")));
        Assert.True(r.IsError);
        Assert.Contains("JavaScriptAction failed: ", (string)r.Error!, StringComparison.Ordinal);
        Assert.Contains("memory", (string)r.Error!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("timeout", (string)r.Error!, StringComparison.OrdinalIgnoreCase);
    }
}

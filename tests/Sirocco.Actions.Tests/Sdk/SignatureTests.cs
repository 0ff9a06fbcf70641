using System.ComponentModel;
using System.Runtime.InteropServices;
using Sirocco.Actions;
using Sirocco.Actions.Standard;

namespace Sirocco.Actions.Tests.Sdk;

public class SignatureTests
{
    [Description("Greets someone.")]
    private sealed class GreetAction(string name, long times = 2, [Description("how to end")] string? suffix = null, bool shout = false, double ratio = 0.5,
        List<object?>? tags = null, IReadOnlyDictionary<string, object?>? extra = null) : ActionBase
    {
        protected override object? Run(ActionContext context) =>
            string.Concat(Enumerable.Repeat(shout ? name.ToUpperInvariant() : name, (int)times)) + suffix + (tags?.Count ?? 0) + (extra?.Count ?? 0) + ratio;
    }

    private sealed class KwargsAction(string keyPrefix, [InputName("json")] object? payload = null, [OtherInput] OrderedDictionary<string, object?>? rest = null) : ActionBase
    {
        protected override object? Run(ActionContext context) => new OrderedDictionary<string, object?> { ["key_prefix"] = keyPrefix, ["json"] = payload, ["rest"] = rest };
    }

    [Fact]
    public void Constructor_Parameters_Become_The_Signature_With_Snake_Case_Names_Types_And_Defaults()
    {
        var d = ClassActionDescriptor.For<GreetAction>("my.greet");
        var p = d.Signature.Parameters;
        Assert.Equal(["name", "times", "suffix", "shout", "ratio", "tags", "extra"], p.Select(x => x.Name));
        Assert.Equal(["string", "integer", "string", "boolean", "number", "list", "dict"], p.Select(x => x.Type));
        Assert.Equal([true, false, false, false, false, false, false], p.Select(x => x.IsRequired));
        Assert.Equal(2L, p[1].DefaultValue);
        Assert.Equal("how to end", p[2].Description);
        Assert.Equal("name, times=2, suffix=null, shout=false, ratio=0.5, tags=null, extra=null", d.ParamsSpec);
        Assert.Equal("Greets someone.", d.Description);
        Assert.True(d.IsSync);
    }

    [Fact]
    public void InputName_Overrides_And_OtherInput_Accepts_Anything_As_Kwargs()
    {
        var d = ClassActionDescriptor.For<KwargsAction>("my.kw");
        Assert.Equal("key_prefix, json=null, **rest", d.ParamsSpec);
        d.CheckParameters(new Dictionary<string, object?> { ["whatever"] = 1L }); // no check with **kwargs, as in Mistral
    }

    [Fact]
    public async Task OtherInput_Receives_The_Undeclared_Names()
    {
        using var env = new Testing.ActionEnvironment();
        var result = await env.RunAsync(ClassActionDescriptor.For<KwargsAction>("my.kw"),
            new Dictionary<string, object?> { ["key_prefix"] = "k", ["json"] = 3L, ["color"] = "red" });
        var data = Assert.IsType<OrderedDictionary<string, object?>>(result.Data);
        Assert.Equal("k", data["key_prefix"]);
        Assert.Equal(3L, data["json"]);
        Assert.Equal(new OrderedDictionary<string, object?> { ["color"] = "red" }, Assert.IsType<OrderedDictionary<string, object?>>(data["rest"]));
    }

    [Fact]
    public void Delegate_Parameters_Become_The_Signature_And_Context_And_Cancellation_Are_Injected()
    {
        var d = new DelegateActionDescriptor("my.add", (ActionContext ctx, long a, CancellationToken ct, long b = 10) => a + b);
        Assert.Equal("a, b=10", d.ParamsSpec);
    }

    [Fact]
    public void Missing_And_Unexpected_Input_Fail_With_Mistrals_Message()
    {
        var d = ClassActionDescriptor.For<GreetAction>("my.greet");
        var e = Assert.Throws<ActionInputException>(() => d.CheckParameters(new Dictionary<string, object?> { ["nmae"] = "x", ["times"] = 1L, ["it's"] = 1L }));
        Assert.Equal($"Invalid input [name=my.greet, class={typeof(GreetAction).FullName}, missing=['name'], unexpected=['nmae', \"it's\"]]", e.Message);
        Assert.Equal(["name"], e.Missing);
        Assert.Equal(["nmae", "it's"], e.Unexpected);
    }

    [Fact]
    public async Task Std_Signatures_Are_Mistrals()
    {
        var std = new StandardActionProvider();
        async Task<string> Spec(string name) => (await std.FindAsync(name, null, TestContext.Current.CancellationToken))!.ParamsSpec;
        Assert.Equal("url, method=\"GET\", params=null, body=null, json=null, headers=null, cookies=null, auth=null, timeout=null, allow_redirects=null, proxies=null, verify=null", await Spec("std.http"));
        Assert.Equal("output, delay=0", await Spec("std.echo"));
        Assert.Equal("error_data=null", await Spec("std.fail"));
        Assert.Equal("seconds=1", await Spec("std.sleep"));
        Assert.Equal("size=0, key_prefix=\"\", val=\"\"", await Spec("std.test_dict"));
        Assert.Equal("script, context=null", await Spec("std.javascript"));
        Assert.Equal("", await Spec("std.noop"));
        Assert.Equal("from_addr, to_addrs, smtp_server, reply_to=null, cc_addrs=null, bcc_addrs=null, smtp_password=null, subject=null, body=null, html_body=null", await Spec("std.email"));
        Assert.Equal("cmd, host, username, password=\"\", private_key_filename=null, private_key=null", await Spec("std.ssh"));
    }

    [Fact]
    public async Task Std_Input_Errors_Name_Mistrals_Class()
    {
        var http = (await new StandardActionProvider().FindAsync("std.http", null, TestContext.Current.CancellationToken))!;
        var e = Assert.Throws<ActionInputException>(() => http.CheckParameters(new Dictionary<string, object?> { ["urll"] = "x" }));
        Assert.Equal("Invalid input [name=std.http, class=mistral.actions.std_actions.HTTPAction, missing=['url'], unexpected=['urll']]", e.Message);
    }

    [Theory]
    [InlineData("keyPrefix", "key_prefix")]
    [InlineData("allowRedirects", "allow_redirects")]
    [InlineData("url", "url")]
    [InlineData("HTTPMethod", "http_method")]
    [InlineData("value2Name", "value2_name")]
    public void SnakeCase_Names(string clr, string input) => Assert.Equal(input, ActionSignature.SnakeCase(clr));

    [Fact]
    public void Typed_Parameters_Reject_Values_Of_Another_Type_With_A_Clear_Error()
    {
        var e = Assert.Throws<ArgumentException>(() => ActionValues.ConvertTo("three", typeof(long), "times"));
        Assert.StartsWith("Invalid value for parameter 'times': expected integer", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, ActionValues.ConvertTo(3L, typeof(int), "n"));
        Assert.Equal(3.0, ActionValues.ConvertTo(3L, typeof(double), "n"));
        Assert.Equal(new[] { "a", "b" }, ActionValues.ConvertTo(new List<object?> { "a", "b" }, typeof(string[]), "xs"));
        Assert.Null(ActionValues.ConvertTo(null, typeof(long?), "n"));
        Assert.Throws<ArgumentException>(() => ActionValues.ConvertTo(null, typeof(long), "n"));
    }

    [Fact]
    public void Results_Are_Normalized_To_The_Value_Model()
    {
        var v = ActionValues.Normalize(new Dictionary<string, object?> { ["i"] = 1, ["f"] = 1.5f, ["a"] = new[] { 1, 2 }, ["m"] = 2.0m });
        var map = Assert.IsType<OrderedDictionary<string, object?>>(v);
        Assert.Equal(1L, map["i"]);
        Assert.Equal(1.5, map["f"]);
        Assert.Equal(new List<object?> { 1L, 2L }, map["a"]);
        Assert.Equal(2L, map["m"]);
        Assert.Throws<ArgumentException>(() => ActionValues.Normalize(new object()));
        Assert.Equal("{\"a\": [1, 2.0, \"\\u00e9\"], \"b\": null}", ActionValues.ToJson(new OrderedDictionary<string, object?> { ["a"] = new List<object?> { 1L, 2.0, "é" }, ["b"] = null }));
    }

    [Fact]
    public void Object_Parameters_Take_Non_Null_Defaults_Through_DefaultParameterValue()
    {
        var d = new DelegateActionDescriptor("x", ([Optional, DefaultParameterValue(5L)] object? n) => n);
        Assert.Equal("n=5", d.ParamsSpec);
    }
}

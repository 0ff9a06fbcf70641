using Sirocco.Actions;
using Sirocco.Actions.Testing;
using Xunit;

namespace Sirocco.Samples.Plugin.Tests;

/// <summary>The sample actions run through the SDK's test kit, as the executor would run them.</summary>
public sealed class SampleActionTests
{
    [Fact]
    public async Task Greet_uses_its_input_defaults_and_the_callers_identity()
    {
        using var env = new ActionEnvironment { Security = new SecurityContext { UserName = "alice" } };
        var result = await env.RunAsync<GreetAction>(new Dictionary<string, object?> { ["name"] = "Bob" });
        Assert.True(result.IsSuccess, result.ToString());
        var data = Assert.IsType<OrderedDictionary<string, object?>>(result.Data);
        Assert.Equal("Hello, Bob!", data["text"]);
        Assert.Equal("alice", data["user"]);
        Assert.Matches(@"^\d+\.\d+\.\d+$", (string)data["version"]!);
    }

    [Fact]
    public void Greet_signature_comes_from_the_constructor()
    {
        var d = ClassActionDescriptor.For<GreetAction>("sample.greet");
        Assert.Equal("name, greeting=\"Hello\"", d.ParamsSpec);
    }

    [Fact]
    public async Task Missing_input_fails_with_mistrals_message()
    {
        using var env = new ActionEnvironment();
        var result = await env.RunAsync<AddAction>(new Dictionary<string, object?> { ["b"] = 2L });
        Assert.True(result.IsError);
        Assert.Contains("missing=['a']", (string)result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_adds_and_refuse_fails_with_its_reason()
    {
        using var env = new ActionEnvironment();
        var sum = await env.RunAsync<AddAction>(new Dictionary<string, object?> { ["a"] = 40L, ["b"] = 2L });
        Assert.Equal(42L, sum.Data);
        var refused = await env.RunAsync<RefuseAction>(new Dictionary<string, object?> { ["reason"] = "because" });
        Assert.True(refused.IsError);
        Assert.Contains("refused: because", (string)refused.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_for_file_stops_when_cancelled()
    {
        using var env = new ActionEnvironment();
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        var run = env.RunAsync<WaitForFileAction>(new Dictionary<string, object?> { ["path"] = path });
        env.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Wait_for_file_returns_the_version_once_the_file_exists()
    {
        using var env = new ActionEnvironment();
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(path, "go", TestContext.Current.CancellationToken);
        try
        {
            var result = await env.RunAsync<WaitForFileAction>(new Dictionary<string, object?> { ["path"] = path });
            Assert.Matches(@"^\d+\.\d+\.\d+$", (string)result.Data!);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

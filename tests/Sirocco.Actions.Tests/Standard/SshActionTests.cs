using Sirocco.Actions.Standard;
using Sirocco.Actions.Testing;
using Sirocco.Actions.Tests.Peers;

namespace Sirocco.Actions.Tests.Standard;

/// <summary>std.ssh against a real openssh-server on a loopback port (see <see cref="SshServer"/>).</summary>
[Trait("Category", "Integration")]
public sealed class SshActionTests : IAsyncLifetime
{
    private static readonly StandardActionProvider Std = new();
    private SshServer? _server;

    private SshServer Server => _server ?? throw new InvalidOperationException("sshd not started");

    public async ValueTask InitializeAsync()
    {
        _server = await SshServer.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static Dictionary<string, object?> In(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Runs_A_Command_With_A_Key_File_And_Returns_Its_Stdout()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.ssh", In(
            ("cmd", "echo hello; echo 'a;b' | tr ';' '-'"), ("host", Server.Host), ("username", Server.UserName), ("private_key_filename", Server.UserKeyPath)));
        Assert.True(r.IsSuccess, $"{r}\nsshd: {Server.Log}");
        Assert.Equal("hello\na-b\n", r.Data);
    }

    [Fact]
    public async Task Several_Hosts_Give_A_List_And_Key_Text_Works()
    {
        using var env = new ActionEnvironment();
        var key = await File.ReadAllTextAsync(Server.UserKeyPath, TestContext.Current.CancellationToken);
        var r = await env.RunAsync(Std, "std.ssh", In(
            ("cmd", "printf x"), ("host", new List<object?> { Server.Host, Server.Host }), ("username", Server.UserName), ("private_key", key)));
        Assert.True(r.IsSuccess, $"{r}\nsshd: {Server.Log}");
        Assert.Equal(new List<object?> { "x", "x" }, r.Data);
    }

    [Fact]
    public async Task A_Non_Zero_Exit_Fails_With_Mistrals_Message()
    {
        using var env = new ActionEnvironment { Execution = new ExecutionContext { ActionExecutionId = "ae-s" } };
        var r = await env.RunAsync(Std, "std.ssh", In(
            ("cmd", "exit 3"), ("host", Server.Host), ("username", Server.UserName), ("private_key_filename", Server.UserKeyPath)));
        Assert.Equal($"The action raised an exception [action=SSH action, action_ex_id=ae-s, msg='Failed to execute ssh cmd 'exit 3' on ['{Server.Host}']']", r.Error);
    }

    [Fact]
    public async Task A_Refused_Login_Fails_With_The_Same_Message()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.ssh", In(("cmd", "true"), ("host", Server.Host), ("username", Server.UserName), ("password", "wrong")));
        Assert.Contains($"msg='Failed to execute ssh cmd 'true' on ['{Server.Host}']'", (string)r.Error!, StringComparison.Ordinal);
    }
}

using Sirocco.Actions.Standard;
using Sirocco.Actions.Testing;
using Sirocco.Actions.Tests.Peers;

namespace Sirocco.Actions.Tests.Standard;

[Trait("Category", "Integration")]
public sealed class EmailActionTests : IAsyncLifetime
{
    private static readonly StandardActionProvider Std = new();
    private readonly SmtpListener _smtp = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _smtp.DisposeAsync();

    private static Dictionary<string, object?> In(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Sends_A_Plain_Message_To_Every_Recipient()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.email", In(
            ("from_addr", "wf@example.org"),
            ("to_addrs", new List<object?> { "a@example.org", "b@example.org" }),
            ("cc_addrs", new List<object?> { "c@example.org" }),
            ("bcc_addrs", new List<object?> { "hidden@example.org" }),
            ("smtp_server", _smtp.Server),
            ("subject", "Build done"),
            ("body", "All green.")));
        Assert.True(r.IsSuccess, r.ToString());
        Assert.Null(r.Data);
        var message = Assert.Single(_smtp.Messages);
        Assert.Equal("wf@example.org", message.From);
        Assert.Equal(["c@example.org", "hidden@example.org", "a@example.org", "b@example.org"], message.Recipients);
        Assert.Contains("Subject: Build done", message.Data, StringComparison.Ordinal);
        Assert.Contains("To: a@example.org, b@example.org", message.Data, StringComparison.Ordinal);
        Assert.Contains("Cc: c@example.org", message.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden@example.org", message.Data, StringComparison.Ordinal);
        Assert.Contains("All green.", message.Data, StringComparison.Ordinal);
        Assert.Contains("text/plain", message.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Defaults_Subject_And_Body_And_Html_Makes_A_Multipart_Alternative()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.email", In(
            ("from_addr", "wf@example.org"), ("to_addrs", new List<object?> { "a@example.org" }), ("smtp_server", _smtp.Server),
            ("html_body", "<b>bold</b>"), ("reply_to", new List<object?> { "replies@example.org" })));
        Assert.True(r.IsSuccess, r.ToString());
        var message = Assert.Single(_smtp.Messages);
        Assert.Contains("Subject: <No subject>", message.Data, StringComparison.Ordinal);
        Assert.Contains("<No body>", message.Data, StringComparison.Ordinal);
        Assert.Contains("multipart/alternative", message.Data, StringComparison.Ordinal);
        Assert.Contains("<b>bold</b>", message.Data, StringComparison.Ordinal);
        Assert.Contains("Reply-To: replies@example.org", message.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Refused_Recipient_Fails_With_Failed_To_Send()
    {
        _smtp.RejectedRecipients.Add("nobody@example.org");
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.email", In(
            ("from_addr", "wf@example.org"), ("to_addrs", new List<object?> { "nobody@example.org" }), ("smtp_server", _smtp.Server)));
        Assert.True(r.IsError);
        Assert.Contains("msg='Failed to send an email message: ", (string)r.Error!, StringComparison.Ordinal);
        Assert.Empty(_smtp.Messages);
    }

    [Fact]
    public async Task Missing_Parameters_Are_Reported_Mistrals_Way()
    {
        using var env = new ActionEnvironment();
        var r = await env.RunAsync(Std, "std.email", In(("from_addr", "x@example.org")));
        Assert.Equal("Invalid input [name=std.email, class=mistral.actions.std_actions.SendEmailAction, missing=['to_addrs', 'smtp_server']]", r.Error);
    }
}

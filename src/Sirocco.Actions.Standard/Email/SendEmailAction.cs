using System.ComponentModel;
using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Sirocco.Values;

namespace Sirocco.Actions.Standard.Email;

/// <summary>
/// <c>std.email</c>: sends one message over SMTP (<c>smtp_server</c> is <c>host</c> or <c>host:port</c>, port 25 by
/// default). With <c>smtp_password</c> the session is upgraded with STARTTLS and logs in as <c>from_addr</c>, as
/// Mistral does. A plain text message, or multipart/alternative when <c>html_body</c> is given. The result is null;
/// an SMTP failure raises <c>Failed to send an email message: …</c>.
/// </summary>
/// <remarks>
/// Mistral joins <c>to_addrs</c> with <c>', '.join(...)</c>, so a plain string there is split into characters;
/// here a string is one address (the list form behaves the same in both).
/// </remarks>
[Description("Sends an email message over SMTP.")]
public sealed class SendEmailAction(
    object? fromAddr,
    object? toAddrs,
    string smtpServer,
    object? replyTo = null,
    object? ccAddrs = null,
    object? bccAddrs = null,
    string? smtpPassword = null,
    string? subject = null,
    string? body = null,
    string? htmlBody = null) : ActionBase
{
    /// <summary>Longest time for the whole SMTP exchange.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    public override async Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var sender = Py.Str(fromAddr);
        var to = Addresses(toAddrs);
        var cc = Addresses(ccAddrs);
        var bcc = Addresses(bccAddrs);
        var message = new MimeMessage();
        try
        {
            message.From.Add(MailboxAddress.Parse(sender));
            message.To.AddRange(to.Select(MailboxAddress.Parse));
            message.Cc.AddRange(cc.Select(MailboxAddress.Parse));
            foreach (var r in Addresses(replyTo))
            {
                message.ReplyTo.Add(MailboxAddress.Parse(r));
            }
        }
        catch (ParseException e)
        {
            throw new ActionException($"Failed to send an email message: {e.Message}", e);
        }

        message.Subject = string.IsNullOrEmpty(subject) ? "<No subject>" : subject;
        var text = new TextPart("plain") { Text = string.IsNullOrEmpty(body) ? "<No body>" : body };
        text.ContentType.Charset = "utf-8";
        if (string.IsNullOrEmpty(htmlBody))
        {
            message.Body = text;
        }
        else
        {
            var html = new TextPart("html") { Text = htmlBody };
            html.ContentType.Charset = "utf-8";
            message.Body = new MultipartAlternative { text, html };
        }

        var (host, port) = Server(smtpServer);
        var recipients = cc.Concat(bcc).Concat(to).Select(MailboxAddress.Parse).ToList();
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(host, port, smtpPassword is null ? SecureSocketOptions.None : SecureSocketOptions.StartTls, cancellationToken).ConfigureAwait(false);
            if (smtpPassword is not null)
            {
                await client.AuthenticateAsync(sender, smtpPassword, cancellationToken).ConfigureAwait(false);
            }

            await client.SendAsync(message, MailboxAddress.Parse(sender), recipients, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ActionException($"Failed to send an email message: {e.Message}", e);
        }

        return null;
    }

    private static List<string> Addresses(object? value) => value switch
    {
        null => [],
        string s => s.Length == 0 ? [] : [s],
        IEnumerable<object?> list => list.Where(x => x is not null).Select(Py.Str).ToList(),
        _ => [Py.Str(value)],
    };

    private static (string Host, int Port) Server(string server)
    {
        var colon = server.LastIndexOf(':');
        if (colon > 0 && int.TryParse(server[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return (server[..colon], port);
        }

        return (server, 25);
    }
}

using System.ComponentModel;
using System.Globalization;
using System.Text;
using Renci.SshNet;
using Sirocco.Values;

namespace Sirocco.Actions.Standard.Ssh;

/// <summary>
/// <c>std.ssh</c>: runs <c>cmd</c> over SSH on one host (the result is its stdout) or a list of hosts (a list of
/// stdouts, in host order). A non-zero exit status, or any connection or authentication failure, raises
/// <c>Failed to execute ssh cmd '&lt;cmd&gt;' on &lt;host&gt;</c> (Mistral hides the cause from the user).
/// Authentication: <c>private_key</c> (key text), else <c>private_key_filename</c> (absolute, or relative to
/// <c>~/.ssh/</c>; <c>..</c> is refused), else <c>password</c>. Host keys are accepted as presented, as Mistral's
/// paramiko client does. A host may be written <c>host:port</c> (port 22 by default).
/// </summary>
[Description("Runs Secure Shell (SSH) command on provided single or multiple hosts.")]
public sealed class SshAction(
    string cmd,
    object? host,
    string username,
    string? password = "",
    string? privateKeyFilename = null,
    string? privateKey = null) : ActionBase
{
    /// <summary>Connection timeout.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public override Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken) =>
        Task.Run(() => Run(cancellationToken), cancellationToken);

    private object? Run(CancellationToken cancellationToken)
    {
        var hosts = host is IEnumerable<object?> list ? list.Select(Py.Str).ToList() : [Py.Str(host)];
        // Mistral wraps a single host in a list before the loop, so its message shows the list.
        var shown = Py.Str(hosts.Cast<object?>().ToList());
        var results = new List<object?>();
        foreach (var h in hosts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var (exitCode, stdout) = Execute(h, cancellationToken);
                if (exitCode > 0)
                {
                    throw new ActionException($"Failed to execute ssh cmd '{cmd}' on {shown}");
                }

                results.Add(stdout);
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not ActionException)
            {
                throw new ActionException($"Failed to execute ssh cmd '{cmd}' on {shown}", e);
            }
        }

        return results.Count == 1 ? results[0] : results;
    }

    private (int ExitCode, string Stdout) Execute(string target, CancellationToken cancellationToken)
    {
        var (hostName, port) = Split(target);
        var info = new ConnectionInfo(hostName, port, username, Authentication()) { Timeout = ConnectTimeout };
        using var client = new SshClient(info);
        client.Connect();
        using var registration = cancellationToken.Register(() => client.Disconnect());
        using var command = client.CreateCommand(cmd);
        command.Execute();
        cancellationToken.ThrowIfCancellationRequested();
        return (command.ExitStatus ?? -1, command.Result);
    }

    private AuthenticationMethod[] Authentication()
    {
        if (!string.IsNullOrEmpty(privateKey))
        {
            using var key = new MemoryStream(Encoding.UTF8.GetBytes(privateKey));
            return [new PrivateKeyAuthenticationMethod(username, new PrivateKeyFile(key))];
        }

        if (!string.IsNullOrEmpty(privateKeyFilename))
        {
            if (privateKeyFilename.Contains("../", StringComparison.Ordinal) || privateKeyFilename.Contains("..\\", StringComparison.Ordinal))
            {
                throw new ActionException($"Private key filename must not contain '..'. Actual: {privateKeyFilename}");
            }

            var path = Path.IsPathRooted(privateKeyFilename)
                ? privateKeyFilename
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", privateKeyFilename);
            return [new PrivateKeyAuthenticationMethod(username, new PrivateKeyFile(path))];
        }

        return [new PasswordAuthenticationMethod(username, password ?? "")];
    }

    private static (string Host, int Port) Split(string target)
    {
        var colon = target.LastIndexOf(':');
        return colon > 0 && target.IndexOf(':', StringComparison.Ordinal) == colon
                         && int.TryParse(target[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (target[..colon], port)
            : (target, 22);
    }
}

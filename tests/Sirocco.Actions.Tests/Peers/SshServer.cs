using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sirocco.Actions.Tests.Peers;

/// <summary>
/// Debian's openssh-server started on a loopback port for one test class, with a throwaway host key and a
/// throwaway user key (authorized for the current user), all in a temp directory. The config is one a non-root user
/// can run too (<c>StrictModes no</c>, <c>UsePAM no</c>, <c>AuthorizedKeysFile</c> in the temp directory). Needs
/// <c>/usr/sbin/sshd</c> (Debian package openssh-server, which <c>.ci/run</c> installs); without it the start fails
/// with a message that says so, it is never skipped.
/// </summary>
internal sealed class SshServer : IAsyncDisposable
{
    public const string Sshd = "/usr/sbin/sshd";

    private readonly Process _process;
    private readonly System.Text.StringBuilder _log;

    private SshServer(string directory, int port, Process process, System.Text.StringBuilder log)
    {
        Directory = directory;
        Port = port;
        _process = process;
        _log = log;
    }

    public string Directory { get; }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public string UserKeyPath => Path.Combine(Directory, "user_key");

    public string UserName => Environment.UserName;

    /// <summary>What sshd wrote to stderr (<c>-e</c>), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<SshServer> StartAsync(CancellationToken ct)
    {
        Assert.True(File.Exists(Sshd), $"{Sshd} is not installed: the std.ssh tests need Debian's openssh-server (apt-get install openssh-server; .ci/run installs it)");
        var dir = System.IO.Directory.CreateTempSubdirectory("sirocco-sshd-").FullName;
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "host_key")], ct);
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(dir, "user_key")], ct);
        File.Copy(Path.Combine(dir, "user_key.pub"), Path.Combine(dir, "authorized_keys"));
        if (Environment.IsPrivilegedProcess)
        {
            // run as root, sshd insists on its privilege separation directory; as another user it does without
            System.IO.Directory.CreateDirectory("/run/sshd");
        }

        var port = FreePort();
        var config = Path.Combine(dir, "sshd_config");
        await File.WriteAllLinesAsync(config,
        [
            $"Port {port}",
            "ListenAddress 127.0.0.1",
            $"HostKey {Path.Combine(dir, "host_key")}",
            $"AuthorizedKeysFile {Path.Combine(dir, "authorized_keys")}",
            $"PidFile {Path.Combine(dir, "sshd.pid")}",
            "StrictModes no",
            "UsePAM no",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
        ], ct);
        // -D: stay in the foreground (the test owns the process), -e: log to stderr
        var process = Process.Start(new ProcessStartInfo(Sshd, ["-D", "-e", "-f", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var log = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        // wait until it accepts connections, with a deadline
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                lock (log)
                {
                    Assert.Fail($"sshd exited with {process.ExitCode} before listening: {log}");
                }
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, ct);
            }
        }

        return new SshServer(dir, port, process, log);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken ct)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await p.WaitForExitAsync(ct);
        Assert.Equal(0, p.ExitCode);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

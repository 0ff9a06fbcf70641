using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sirocco.Testing;

/// <summary>
/// A throw-away PostgreSQL cluster for tests: <c>initdb</c> into a temp folder, <c>postgres</c> on a free loopback
/// port, stopped and deleted on dispose. Used as an xunit assembly fixture, so one cluster serves a whole test
/// assembly; each test asks for its own fresh database. When running as root (CI containers), the server runs as
/// the <c>postgres</c> user, since initdb refuses root. Missing binaries fail the test: never a silent skip.
/// Set SIROCCO_TEST_POSTGRES to a connection string to use an existing server instead.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private string? _dataDir;
    private string? _adminConnectionString;
    private string? _bin;
    private string? _runAs;
    private Process? _postgres;
    private int _databases;

    /// <summary>Creates an empty database on the (lazily started) server and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct = default)
    {
        var admin = await EnsureStartedAsync(ct).ConfigureAwait(false);
        var name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync(ct).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ConnectionString;
    }

    private async Task<string> EnsureStartedAsync(CancellationToken ct)
    {
        await _startGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_adminConnectionString is not null)
            {
                return _adminConnectionString;
            }

            if (Environment.GetEnvironmentVariable("SIROCCO_TEST_POSTGRES") is { Length: > 0 } external)
            {
                return _adminConnectionString = external;
            }

            _bin = FindBinaries();
            _dataDir = Path.Combine(Path.GetTempPath(), "sirocco-pg-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(_dataDir);
            if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" || IsRoot())
            {
                _runAs = "postgres";
                await RunAsync("chown", ["postgres:postgres", _dataDir], ct).ConfigureAwait(false);
            }

            var pgdata = Path.Combine(_dataDir, "data");
            await RunAsync(Path.Combine(_bin, "initdb"),
                ["-D", pgdata, "-U", "sirocco", "--auth=trust", "--no-locale", "--encoding=UTF8", "--no-sync"], ct).ConfigureAwait(false);
            var port = FreePort();
            _postgres = Start(Path.Combine(_bin, "postgres"),
            [
                "-D", pgdata, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _dataDir,
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB",
            ]);
            var admin = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1", Port = port, Username = "sirocco", Database = "postgres", Pooling = false, Timeout = 5,
            }.ConnectionString;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    await using var c = new NpgsqlConnection(admin);
                    await c.OpenAsync(ct).ConfigureAwait(false);
                    break;
                }
                catch (NpgsqlException) when (DateTime.UtcNow < deadline && !_postgres.HasExited)
                {
                    await Task.Delay(100, ct).ConfigureAwait(false);
                }
            }

            return _adminConnectionString = admin;
        }
        finally
        {
            _startGate.Release();
        }
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string FindBinaries()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "postgres")))
            {
                return dir;
            }
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(dir, "bin", "initdb")))
                {
                    return Path.Combine(dir, "bin");
                }
            }
        }

        throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, postgres) are not installed; install the Debian package 'postgresql' " +
            "or set SIROCCO_TEST_POSTGRES to a connection string. PostgreSQL tests never skip.");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private ProcessStartInfo Info(string file, IEnumerable<string> args)
    {
        var info = _runAs is null ? new ProcessStartInfo(file) : new ProcessStartInfo("runuser");
        if (_runAs is not null)
        {
            foreach (var a in new[] { "-u", _runAs, "--", file })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = Path.GetTempPath();
        return info;
    }

    private Process Start(string file, IEnumerable<string> args)
    {
        var p = Process.Start(Info(file, args)) ?? throw new InvalidOperationException($"cannot start {file}");
        // drain the output so the server never blocks on a full pipe
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private async Task RunAsync(string file, IEnumerable<string> args, CancellationToken ct)
    {
        using var p = Process.Start(file == "chown" ? new ProcessStartInfo("chown", args) { RedirectStandardError = true } : Info(file, args))
                      ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = p.StartInfo.RedirectStandardError ? p.StandardError.ReadToEndAsync(ct) : Task.FromResult("");
        var stdout = p.StartInfo.RedirectStandardOutput ? p.StandardOutput.ReadToEndAsync(ct) : Task.FromResult("");
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await stderr.ConfigureAwait(false)} {await stdout.ConfigureAwait(false)}");
        }
    }

    /// <summary>Stops the server (fast shutdown, then kill) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_postgres is { } p)
        {
            if (!p.HasExited && _bin is not null && _dataDir is not null)
            {
                try
                {
                    await RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", Path.Combine(_dataDir, "data"), "-m", "immediate", "-w"], CancellationToken.None)
                        .ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    // fall through to kill
                }
            }

            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }

            await p.WaitForExitAsync().ConfigureAwait(false);
            p.Dispose();
        }

        if (_dataDir is not null)
        {
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
                // best effort: the OS cleans temp folders eventually
            }
            catch (UnauthorizedAccessException)
            {
                // best effort
            }
        }

        _startGate.Dispose();
    }
}

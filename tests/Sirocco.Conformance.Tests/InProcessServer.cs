using Sirocco.Server;

namespace Sirocco.Conformance.Tests;

/// <summary>A <see cref="SiroccoServer"/> in this process on a free loopback port over a temp SQLite file.</summary>
public sealed class InProcessServer : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-conformance", Guid.NewGuid().ToString("N"));
    private SiroccoServer? _server;

    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _server = await SiroccoServer.StartAsync(new ServerOptions
        {
            Port = 0,
            DatabasePath = Path.Combine(_dir, "sirocco.db"),
            SyncEveryCommit = false,
        });
        Http = new HttpClient { BaseAddress = _server.BaseUri };
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // pooled SQLite connections may still hold the file; the OS cleans temp eventually
        }
    }
}

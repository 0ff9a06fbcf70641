namespace Sirocco.Store.Tests;

/// <summary>A SQLite file in a fresh temp folder, removed with the folder when the test ends.</summary>
internal sealed class TempDatabase : IAsyncDisposable
{
    private readonly string _dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sirocco-store-tests", Guid.NewGuid().ToString("N"));

    public TempDatabase()
    {
        Directory.CreateDirectory(_dir);
        Path = System.IO.Path.Combine(_dir, "sirocco.db");
    }

    public string Path { get; }

    public Task<SiroccoStore> OpenAsync(StoreOptions? options = null) =>
        SiroccoStore.OpenSqliteAsync(Path, options ?? new StoreOptions { SyncEveryCommit = false }, TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a file still open by a pooled connection; the temp folder is cleaned by the OS eventually
        }

        return ValueTask.CompletedTask;
    }
}

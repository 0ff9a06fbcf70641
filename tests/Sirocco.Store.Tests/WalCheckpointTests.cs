namespace Sirocco.Store.Tests;

public sealed class WalCheckpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Committed_data_reaches_the_database_file_from_the_background_checkpoint()
    {
        await using var db = new TempDatabase();
        await using var store = await db.OpenAsync();
        var before = new FileInfo(db.Path).Length;

        // ~4 MB in 64 commits: far below the size at which a committing connection would checkpoint by itself
        // (8192 pages, 32 MB), so only the background checkpoint can move these pages into the database file.
        var text = "wf: {}\n#" + new string('x', 64 * 1024);
        for (var i = 0; i < 64; i++)
        {
            await store.WorkflowDefinitions.CreateAsync(new() { Name = $"wf{i}", Definition = text }, Ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (new FileInfo(db.Path).Length < before + (2 << 20) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(new FileInfo(db.Path).Length >= before + (2 << 20),
            $"the database file is {new FileInfo(db.Path).Length} bytes (was {before}): the log was not checkpointed");
        Assert.Equal(64, (await store.WorkflowDefinitions.ListAsync(ct: Ct)).Count);
    }
}

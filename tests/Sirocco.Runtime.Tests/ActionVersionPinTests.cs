using Sirocco.Actions;
using Sirocco.Engine.Model;
using Sirocco.Store;

namespace Sirocco.Runtime.Tests;

/// <summary>
/// The plugin versions an execution started with: recorded in the database at start, read back for its sub-workflows,
/// held while it runs, released when it ends — also when it ended on another node (the sweep reads its state).
/// </summary>
public sealed class ActionVersionPinTests : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-pin-tests", Guid.NewGuid().ToString("N"));
    private SiroccoStore? _store;

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A versioned provider that records what it is told to hold and release.</summary>
    private sealed class RecordingProvider : IVersionedActionProvider
    {
        public string Name => "plugins";

        public IReadOnlyDictionary<string, string> CurrentVersions { get; set; } = new Dictionary<string, string> { ["P"] = "v1" };

        public Dictionary<string, IReadOnlyDictionary<string, string>> Holds { get; } = [];

        public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken) => new((ActionDescriptor?)null);

        public ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken) => new([]);

        public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, IReadOnlyDictionary<string, string> versions, CancellationToken cancellationToken) =>
            new((ActionDescriptor?)null);

        public void Hold(string holder, IReadOnlyDictionary<string, string> versions) => Holds[holder] = versions;

        public void Release(string holder) => Holds.Remove(holder);
    }

    [Fact]
    public async Task Versions_are_recorded_read_back_through_the_root_and_released_when_it_ended_elsewhere()
    {
        Directory.CreateDirectory(_dir);
        _store = await SiroccoStore.OpenSqliteAsync(Path.Combine(_dir, "s.db"), new StoreOptions { SyncEveryCommit = false }, RuntimeFixture.Ct);
        var provider = new RecordingProvider();
        await using var runtime = new SiroccoRuntime(_store, new RuntimeOptions(), null, [provider]);
        var pins = runtime.ActionVersions;
        Assert.True(pins.Enabled);

        const string root = "11111111-1111-4111-8111-111111111111";
        const string sub = "33333333-3333-4333-8333-333333333333";
        await pins.RecordAsync(root, RuntimeFixture.Ct);
        provider.CurrentVersions = new Dictionary<string, string> { ["P"] = "v2" }; // the plugin is replaced
        Assert.Equal("v1", provider.Holds[root]["P"]);

        // the execution and a sub-workflow of it, committed as steps would; another node reads the pins back
        await Seed(RuntimeFixture.Execution(States.Running, root));
        var child = RuntimeFixture.Execution(States.Running, sub);
        child.Workflow.RootExecutionId = root;
        await Seed(child);
        await using var other = new SiroccoRuntime(_store, new RuntimeOptions(), null, [new RecordingProvider()]);
        var read = await other.ActionVersions.ForExecutionAsync(sub);
        Assert.Equal("v1", read!["plugins"]["P"]);
        Assert.Equal([root], other.ActionVersions.Holders);

        // still running: the sweep keeps the hold; ended (on whichever node): released
        Assert.Equal(0, await pins.SweepAsync(TimeSpan.FromMinutes(1), RuntimeFixture.Ct));
        Assert.True(provider.Holds.ContainsKey(root));
        await Seed(RuntimeFixture.Execution(States.Success, root));
        Assert.Equal(1, await pins.SweepAsync(TimeSpan.FromMinutes(1), RuntimeFixture.Ct));
        Assert.Empty(provider.Holds);
        Assert.Empty(pins.Holders);

        // a hold on an execution that never appeared (its start failed elsewhere) goes after the grace period
        await pins.RecordAsync("44444444-4444-4444-8444-444444444444", RuntimeFixture.Ct);
        Assert.Equal(0, await pins.SweepAsync(TimeSpan.FromMinutes(1), RuntimeFixture.Ct));
        Assert.Equal(1, await pins.SweepAsync(TimeSpan.Zero - TimeSpan.FromTicks(1), RuntimeFixture.Ct));
        Assert.Empty(provider.Holds);
    }

    private Task Seed(ExecutionState state) =>
        _store!.WriteAsync((c, tx, ct) => SiroccoStore.SaveStateAsync(c, tx, state, state.Tasks.Select(t => t.Id), state.Actions.Select(a => a.Id), ct),
            RuntimeFixture.Ct);
}

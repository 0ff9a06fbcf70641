using Sirocco.Engine.Model;
using Sirocco.Runtime.Executors;
using Sirocco.Runtime.Notifications;
using Sirocco.Store;
using Sirocco.Store.Definitions;

namespace Sirocco.Runtime.Tests;

/// <summary>
/// A runtime on a SQLite file in a fresh temp folder. <see cref="RestartAsync"/> stops the runtime and opens a new
/// store and runtime on the same file, as a process restart does.
/// </summary>
internal sealed class RuntimeFixture : IAsyncDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-runtime-tests", Guid.NewGuid().ToString("N"));

    private IReadOnlyList<IActionRunner> _runners = [];

    private RuntimeFixture(RuntimeOptions options)
    {
        Directory.CreateDirectory(_dir);
        DatabasePath = Path.Combine(_dir, "sirocco.db");
        Options = options;
    }

    public string DatabasePath { get; }

    public RuntimeOptions Options { get; private set; }

    public SiroccoStore Store { get; private set; } = null!;

    public SiroccoRuntime Runtime { get; private set; } = null!;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A deadline for waits: generous, because CI machines are slow; tests never sleep.</summary>
    public static CancellationToken Deadline(int seconds = 30)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromSeconds(seconds));
        return cts.Token;
    }

    public static async Task<RuntimeFixture> StartAsync(RuntimeOptions? options = null, bool start = true, params IActionRunner[] runners)
    {
        var f = new RuntimeFixture(options ?? new RuntimeOptions()) { _runners = runners };
        await f.OpenAsync(start);
        return f;
    }

    private async Task OpenAsync(bool start)
    {
        Store = await SiroccoStore.OpenSqliteAsync(DatabasePath, new StoreOptions { SyncEveryCommit = false }, Ct);
        Runtime = new SiroccoRuntime(Store, Options, _runners);
        if (start)
        {
            await Runtime.StartAsync(Ct);
        }
    }

    /// <summary>Stops this runtime (its leases stay behind, as after a crash) and starts a new one on the same file.</summary>
    public async Task RestartAsync(params IActionRunner[] runners)
    {
        _runners = runners;
        await Runtime.DisposeAsync();
        await Store.DisposeAsync();
        Options = Options with { NodeId = $"restarted-{Guid.NewGuid():N}" };
        await OpenAsync(start: true);
    }

    public Task<WorkflowDefinition> CreateWorkflowAsync(string name, string yaml) =>
        Store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = name, Definition = yaml }, Ct);

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a file still open; the temp folder is cleaned by the OS eventually
        }
    }

    /// <summary>Stores an execution state as a step would have committed it.</summary>
    public Task SeedAsync(ExecutionState state) =>
        Store.WriteAsync((c, tx, ct) => SiroccoStore.SaveStateAsync(c, tx, state, state.Tasks.Select(t => t.Id), state.Actions.Select(a => a.Id), ct), Ct);

    public static ExecutionState Execution(string state, string id = "22222222-2222-4222-8222-222222222222")
    {
        var now = DateTime.UtcNow;
        return new ExecutionState
        {
            Workflow = new WorkflowExecution
            {
                Id = id, Name = "wf", WorkflowName = "wf", State = state, CreatedAt = now, UpdatedAt = now,
            },
        };
    }

    /// <summary>Waits (no polling) until a task of the execution named <paramref name="taskName"/> is in one of <paramref name="states"/>.</summary>
    public async Task WaitForTaskAsync(string executionId, string taskName, CancellationToken ct, params string[] states)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(ExecutionChange change)
        {
            if (change.Workflow.Id == executionId && change.ChangedTasks.Any(t => t.Name == taskName && states.Contains(t.State)))
            {
                seen.TrySetResult();
            }
        }

        Runtime.ExecutionChanged += Handler;
        try
        {
            var current = await Store.LoadExecutionAsync(executionId, ct);
            if (current?.Tasks.Any(t => t.Name == taskName && states.Contains(t.State)) == true)
            {
                return;
            }

            await seen.Task.WaitAsync(ct);
        }
        finally
        {
            Runtime.ExecutionChanged -= Handler;
        }
    }
}

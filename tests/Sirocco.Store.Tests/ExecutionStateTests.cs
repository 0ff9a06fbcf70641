using Sirocco.Engine.Model;
using Sirocco.Store.Internal;
using Sirocco.Values;

namespace Sirocco.Store.Tests;

public abstract class ExecutionStateTests(StoreKind kind, PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTime T0 = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private static ExecutionState State()
    {
        var wf = new WorkflowExecution
        {
            Id = "11111111-1111-4111-8111-111111111111",
            Name = "wf",
            WorkflowName = "wf",
            State = States.Running,
            Input = new OrderedDictionary<string, object?> { ["n"] = 2L, ["f"] = 1.0 },
            Params = new OrderedDictionary<string, object?> { ["env"] = new OrderedDictionary<string, object?>() },
            Definition = "version: '2.0'\nwf:\n  tasks: {}\n",
            CreatedAt = T0,
            UpdatedAt = T0,
        };
        var t1 = new TaskExecution
        {
            Id = "t1", Name = "task1", WorkflowExecutionId = wf.Id, WorkflowName = "wf", State = States.Success,
            Published = new OrderedDictionary<string, object?> { ["v"] = "x" }, Sequence = 0, CreatedAt = T0, UpdatedAt = T0,
            StartedAt = T0, FinishedAt = T0.AddSeconds(1), Processed = true,
        };
        var t2 = new TaskExecution
        {
            Id = "t2", Name = "task2", WorkflowExecutionId = wf.Id, WorkflowName = "wf", State = States.Running,
            Sequence = 2, CreatedAt = T0, UpdatedAt = T0,
        };
        var a1 = new ActionExecution
        {
            Id = "a1", Name = "std.echo", TaskExecutionId = "t1", TaskName = "task1", WorkflowExecutionId = wf.Id, State = States.Success,
            Accepted = true, Output = new OrderedDictionary<string, object?> { ["result"] = "hello" }, Sequence = 1, CreatedAt = T0, UpdatedAt = T0,
        };
        return new ExecutionState { Workflow = wf, Tasks = [t1, t2], Actions = [a1], NextSequence = 3 };
    }

    [Fact]
    public async Task The_write_path_warm_up_keeps_nothing_and_leaves_the_store_writable()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var warm = Sirocco.Engine.EngineWarmup.RunState();
        Assert.NotEmpty(warm.Tasks);

        for (var i = 0; i < 3; i++)
        {
            await store.WarmUpWritePathAsync(warm, Ct);
        }

        foreach (var table in new[] { "workflow_executions", "task_executions", "action_executions" })
        {
            var count = await store.ReadAsync((c, ct) => Db.ScalarAsync(c, null, $"SELECT COUNT(*) FROM {table}", ct), Ct);
            Assert.Equal(0L, Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture));
        }

        await Assert.ThrowsAsync<EntityNotFoundException>(() => store.GetExecutionAsync(warm.Workflow.Id, Ct));
        // the same state can still be stored for real afterwards: nothing of the warm-up is left holding its ids
        await store.WriteAsync((c, tx, ct) => SiroccoStore.SaveStateAsync(c, tx, warm, warm.Tasks.Select(t => t.Id), warm.Actions.Select(a => a.Id), ct), Ct);
        Assert.Equal(warm.Tasks.Count, (await store.GetExecutionAsync(warm.Workflow.Id, Ct)).Tasks.Count);
    }

    [Fact]
    public async Task Saved_state_loads_back_with_every_record_and_value_kind()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var state = State();

        await store.WriteAsync((c, tx, ct) => SiroccoStore.SaveStateAsync(c, tx, state, ["t1", "t2"], ["a1"], ct), Ct);
        var loaded = await store.GetExecutionAsync(state.Workflow.Id, Ct);

        Assert.Equal(States.Running, loaded.Workflow.State);
        Assert.Equal(2L, loaded.Workflow.Input["n"]);
        Assert.IsType<double>(loaded.Workflow.Input["f"]);
        Assert.Equal(["task1", "task2"], loaded.Tasks.Select(t => t.Name));
        Assert.Equal("x", loaded.Tasks[0].Published!["v"]);
        Assert.Equal("hello", Assert.Single(loaded.Actions).Output["result"]);
        Assert.Equal(3, loaded.NextSequence);
    }

    [Fact]
    public async Task Api_columns_hold_mistral_fields_and_the_completed_task_result()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var state = State();
        await store.WriteAsync((c, tx, ct) => SiroccoStore.SaveStateAsync(c, tx, state, ["t1", "t2"], ["a1"], ct), Ct);

        var rows = await store.ReadAsync(async (c, ct) =>
        {
            var list = new List<(string, string?, string, string?)>();
            await using var cmd = Db.Command(c, null, "SELECT name, result, state, finished_at FROM task_executions ORDER BY seq");
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                list.Add((r.GetString(0), r.StringOrNull(1), r.GetString(2), r.StringOrNull(3)));
            }

            return list;
        }, Ct);
        var input = await store.ReadAsync((c, ct) => Db.ScalarAsync(c, null, "SELECT input FROM workflow_executions", ct), Ct);

        Assert.Equal(("task1", "\"hello\"", "SUCCESS", "2026-11-23 12:00:01"), rows[0]);
        Assert.Equal(("task2", null, "RUNNING", null), rows[1]);
        Assert.Equal("{\"n\":2,\"f\":1.0}", input);
    }

    [Fact]
    public async Task Saving_again_updates_only_the_changed_rows_and_bumps_the_version()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var state = State();
        await store.WriteAsync((c, tx, ct) => SiroccoStore.SaveStateAsync(c, tx, state, ["t1", "t2"], ["a1"], ct), Ct);

        state.Tasks[1].State = States.Error;
        state.Tasks[0].State = States.Error; // not listed as changed: must stay as stored
        state.Workflow.State = States.Error;
        await store.WriteAsync((c, tx, ct) => SiroccoStore.SaveStateAsync(c, tx, state, ["t2"], [], ct), Ct);

        var loaded = await store.GetExecutionAsync(state.Workflow.Id, Ct);
        Assert.Equal(States.Error, loaded.Workflow.State);
        Assert.Equal([States.Success, States.Error], loaded.Tasks.Select(t => t.State));
        var version = await store.ReadAsync((c, ct) => Db.ScalarAsync(c, null, "SELECT version FROM workflow_executions", ct), Ct);
        Assert.Equal(2L, version);
    }

    [Fact]
    public async Task Missing_execution_is_not_found_with_mistral_message()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() => store.GetExecutionAsync("nope", Ct));
        Assert.Equal("WorkflowExecution not found [id=nope]", error.Message);
    }
}

/// <summary>The compliance suite on SQLite.</summary>
public sealed class ExecutionStateTestsOnSqlite(PostgresServer postgres) : ExecutionStateTests(StoreKind.Sqlite, postgres);

/// <summary>The compliance suite on PostgreSQL.</summary>
public sealed class ExecutionStateTestsOnPostgres(PostgresServer postgres) : ExecutionStateTests(StoreKind.Postgres, postgres);

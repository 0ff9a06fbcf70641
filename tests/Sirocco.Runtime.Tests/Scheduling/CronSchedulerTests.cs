using System.Globalization;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Engine.Serialization;
using Sirocco.Runtime.Scheduling;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Store.Triggers;

namespace Sirocco.Runtime.Tests.Scheduling;

/// <summary>
/// The scheduler on a real SQLite file with an injected clock: exactly one start per due time while several
/// schedulers (each with its own store, as separate nodes) race, the missed-fire policies, deletion at the last
/// execution, and starts that survive the death of the node that queued them.
/// </summary>
public sealed class CronSchedulerTests : IAsyncDisposable
{
    private const string Workflow = """
        version: '2.0'
        ticker:
          input:
            - label
          tasks:
            t:
              action: std.echo output=<% $.label %>
        """;

    private static readonly DateTime Start = new(2026, 5, 4, 8, 0, 0, DateTimeKind.Utc);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-cron-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SiroccoStore> _stores = [];
    private readonly ManualClock _clock = new(Start);

    public CronSchedulerTests() => Directory.CreateDirectory(_dir);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_dir, "sirocco.db");

    private async Task<SiroccoStore> OpenAsync()
    {
        var store = await SiroccoStore.OpenSqliteAsync(DatabasePath, new StoreOptions { SyncEveryCommit = false, Clock = _clock }, Ct);
        _stores.Add(store);
        return store;
    }

    private static async Task<CronTrigger> CreateAsync(SiroccoStore store, string name, string? pattern, int? count = null, DateTime? next = null)
    {
        var wf = await store.WorkflowDefinitions.FindAsync("ticker", ct: Ct)
                 ?? await store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = "ticker", Definition = Workflow }, Ct);
        return await store.CronTriggers.CreateAsync(new CronTrigger
        {
            Name = name,
            Pattern = pattern,
            RemainingExecutions = count,
            NextExecutionTime = next ?? CronPattern.TryParse(pattern, out _)!.Next(store.Clock.GetUtcNow().UtcDateTime)!.Value,
            WorkflowName = wf.Name,
            WorkflowId = wf.Id,
            WorkflowInput = new() { ["label"] = name },
        }, Ct);
    }

    /// <summary>The queued execution starts: (trigger name, due time) per start event.</summary>
    private static async Task<List<(string Trigger, string DueTime, StartWorkflow Start)>> StartsAsync(SiroccoStore store) =>
        await store.ReadAsync(async (c, ct) =>
        {
            var list = new List<(string, string, StartWorkflow)>();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT payload FROM pending_events WHERE kind = 'start' ORDER BY seq";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var start = (StartWorkflow)EngineJson.Deserialize<EngineEvent>(r.GetString(0));
                var by = (OrderedDictionary<string, object?>)((OrderedDictionary<string, object?>)Values.Json.Parse(start.Description!)!)["triggered_by"]!;
                list.Add(((string)by["name"]!, (string)by["due_time"]!, start));
            }

            return list;
        }, Ct);

    private static string Text(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Racing_schedulers_on_one_database_start_exactly_one_execution_per_due_time()
    {
        var stores = new List<SiroccoStore>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add(await OpenAsync());
        }

        var schedulers = stores.Select(s => new CronScheduler(s, new CronOptions())).ToList();
        await CreateAsync(stores[0], "every-second", "* * * * * *");
        await CreateAsync(stores[0], "every-7-seconds", "* * * * * */7");
        await CreateAsync(stores[0], "five-times", "* * * * * */3", count: 5);

        const int Seconds = 90;
        for (var s = 1; s <= Seconds; s++)
        {
            _clock.Set(Start.AddSeconds(s).AddMilliseconds(s % 3 * 300));
            await Task.WhenAll(schedulers.Select(x => x.FireDueAsync(Ct)));
        }

        var starts = await StartsAsync(stores[0]);
        var duplicates = starts.GroupBy(x => (x.Trigger, x.DueTime)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
        Assert.Equal(Enumerable.Range(1, Seconds).Select(i => Text(Start.AddSeconds(i))),
            starts.Where(x => x.Trigger == "every-second").Select(x => x.DueTime).Order());
        Assert.Equal(Enumerable.Range(1, Seconds).Where(i => i % 60 % 7 == 0).Select(i => Text(Start.AddSeconds(i))),
            starts.Where(x => x.Trigger == "every-7-seconds").Select(x => x.DueTime).Order());
        Assert.Equal([3, 6, 9, 12, 15], starts.Where(x => x.Trigger == "five-times").Select(x => (int)(DateTime.Parse(x.DueTime, CultureInfo.InvariantCulture) - Start).TotalSeconds).Order());
        Assert.Equal(starts.Count, schedulers.Sum(x => x.Fired));
        Assert.Equal(starts.Count, starts.Select(x => x.Start.ExecutionId).Distinct().Count());

        // the counted trigger is gone after its last execution, as in Mistral
        Assert.Null(await stores[0].CronTriggers.FindAsync("five-times", ct: Ct));
        Assert.NotNull(await stores[0].CronTriggers.FindAsync("every-second", ct: Ct));
    }

    [Fact]
    public async Task A_start_is_queued_with_the_trigger_input_params_and_a_description_naming_the_trigger()
    {
        var store = await OpenAsync();
        var wf = await store.WorkflowDefinitions.CreateAsync(new WorkflowDefinition { Name = "ticker", Definition = Workflow }, Ct);
        var trigger = await store.CronTriggers.CreateAsync(new CronTrigger
        {
            Name = "nightly", Pattern = "0 2 * * *", NextExecutionTime = Start.AddHours(2), WorkflowName = "ticker", WorkflowId = wf.Id,
            WorkflowInput = new() { ["label"] = "x" }, WorkflowParams = new() { ["env"] = new OrderedDictionary<string, object?> { ["k"] = 1L } },
        }, Ct);
        _clock.Set(Start.AddHours(2).AddSeconds(1));
        Assert.Equal(1, await new CronScheduler(store, new CronOptions()).FireDueAsync(Ct));

        var (name, due, start) = Assert.Single(await StartsAsync(store));
        Assert.Equal("nightly", name);
        Assert.Equal(Text(Start.AddHours(2)), due);
        Assert.Equal("ticker", start.Workflow.Name);
        Assert.Equal("x", start.Input["label"]);
        Assert.Equal(1L, ((OrderedDictionary<string, object?>)start.Params["env"]!)["k"]);
        Assert.StartsWith($"{{\"description\": \"Workflow execution created by cron trigger '({trigger.Id})'.\", \"triggered_by\": {{\"type\": \"cron_trigger\"",
            start.Description, StringComparison.Ordinal);

        var after = await store.CronTriggers.GetAsync("nightly", ct: Ct);
        Assert.Equal(Start.Date.AddDays(1).AddHours(2), after.NextExecutionTime);
        Assert.NotNull(after.UpdatedAt);
    }

    [Theory]
    [InlineData(MissedFirePolicy.FireOnce, 1)]
    [InlineData(MissedFirePolicy.FireAll, 31)]
    [InlineData(MissedFirePolicy.Skip, 0)]
    public async Task Due_times_missed_while_no_scheduler_ran_follow_the_policy(MissedFirePolicy policy, int expectedStarts)
    {
        var store = await OpenAsync();
        await CreateAsync(store, "minutely", "* * * * *");

        // every node was down for half an hour
        _clock.Set(Start.AddMinutes(31).AddSeconds(40));
        var options = new CronOptions { MissedPolicy = policy, MissedGrace = TimeSpan.FromSeconds(30) };
        Assert.Equal(expectedStarts, await new CronScheduler(store, options).FireDueAsync(Ct));
        Assert.Equal(expectedStarts, (await StartsAsync(store)).Count);
        Assert.Equal(Start.AddMinutes(32), (await store.CronTriggers.GetAsync("minutely", ct: Ct)).NextExecutionTime);

        // back on time: the next due time fires under every policy
        _clock.Set(Start.AddMinutes(32).AddSeconds(1));
        Assert.Equal(1, await new CronScheduler(store, options).FireDueAsync(Ct));
    }

    [Fact]
    public async Task A_node_that_dies_before_its_commit_leaves_the_due_time_to_another()
    {
        var store = await OpenAsync();
        var trigger = await CreateAsync(store, "t", "* * * * *");
        _clock.Set(trigger.NextExecutionTime.AddSeconds(1));

        // the dying node: it advanced the trigger inside its transaction, then vanished before committing
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync(async (c, tx, ct) =>
        {
            Assert.True(await CronTriggerRepository.AdvanceAsync(c, tx, trigger.Id, trigger.NextExecutionTime,
                trigger.NextExecutionTime.AddMinutes(1), null, _clock.Now, ct));
            throw new InvalidOperationException("node killed");
        }, Ct));

        var other = await OpenAsync();
        Assert.Equal(1, await new CronScheduler(other, new CronOptions()).FireDueAsync(Ct));
        Assert.Equal(Text(trigger.NextExecutionTime), Assert.Single(await StartsAsync(other)).DueTime);
    }

    [Fact]
    public async Task A_start_queued_by_a_node_that_died_right_after_is_run_by_the_next_runtime()
    {
        var store = await OpenAsync();
        var trigger = await CreateAsync(store, "t", "* * * * *");
        _clock.Set(trigger.NextExecutionTime.AddSeconds(1));
        Assert.Equal(1, await new CronScheduler(store, new CronOptions()).FireDueAsync(Ct));
        var (_, _, start) = Assert.Single(await StartsAsync(store));

        // that node is gone; another one opens the database and its host loop takes the queued start
        var next = await OpenAsync();
        await using var runtime = new SiroccoRuntime(next, new RuntimeOptions { Cron = new CronOptions { Enabled = false } });
        var finished = new TaskCompletionSource<WorkflowExecution>(TaskCreationOptions.RunContinuationsAsynchronously);
        runtime.ExecutionChanged += change =>
        {
            if (change.Workflow.Id == start.ExecutionId && States.IsCompleted(change.Workflow.State))
            {
                finished.TrySetResult(change.Workflow);
            }
        };
        await runtime.StartAsync(Ct);
        var done = await finished.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(States.Success, done.State);
        Assert.Equal("t", done.Input["label"]);
    }

    [Fact]
    public async Task A_start_the_engine_refuses_is_logged_with_the_trigger_and_the_due_time_stays_spent()
    {
        var store = await OpenAsync();
        var trigger = await CreateAsync(store, "t", "* * * * *", count: 3);
        // the workflow changed after the trigger was made: its input is no longer valid
        var wf = await store.WorkflowDefinitions.GetAsync("ticker", ct: Ct);
        await store.WorkflowDefinitions.UpdateAsync(wf with { Definition = Workflow.Replace("- label", "- label\n    - extra", StringComparison.Ordinal) }, Ct);
        _clock.Set(trigger.NextExecutionTime.AddSeconds(1));
        Assert.Equal(1, await new CronScheduler(store, new CronOptions()).FireDueAsync(Ct));

        var warned = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var runtime = new SiroccoRuntime(store, new RuntimeOptions { Cron = new CronOptions { Enabled = false }, Warn = m => warned.TrySetResult(m) }))
        {
            await runtime.StartAsync(Ct);
            var message = await warned.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.Contains("the queued start of workflow ticker", message, StringComparison.Ordinal);
            Assert.Contains("Invalid input", message, StringComparison.Ordinal);
            Assert.Contains("extra", message, StringComparison.Ordinal);
            Assert.Contains("\"name\": \"t\"", message, StringComparison.Ordinal); // the trigger, from the description
        }

        // nothing half-made: no execution, no start left to retry; the trigger moved on with its count spent
        Assert.Empty(await StartsAsync(store));
        Assert.Equal(0L, await store.ReadAsync(async (c, ct) =>
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM workflow_executions";
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, Ct));
        var after = await store.CronTriggers.GetAsync("t", ct: Ct);
        Assert.Equal(2, after.RemainingExecutions);
        Assert.True(after.NextExecutionTime > trigger.NextExecutionTime);
    }

    [Fact]
    public async Task A_workflow_that_triggers_start_cannot_be_deleted()
    {
        var store = await OpenAsync();
        var trigger = await CreateAsync(store, "t", "* * * * *");
        var e = await Assert.ThrowsAsync<EntityInUseException>(() => store.WorkflowDefinitions.DeleteAsync("ticker", ct: Ct));
        Assert.Contains(trigger.Id, e.Message, StringComparison.Ordinal);
        await store.CronTriggers.DeleteAsync("t", ct: Ct);
        await store.WorkflowDefinitions.DeleteAsync("ticker", ct: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _stores)
        {
            await s.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // pooled connections may still hold the file
        }
    }
}

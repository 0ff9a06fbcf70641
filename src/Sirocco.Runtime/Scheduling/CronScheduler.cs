using Sirocco.Engine.Events;
using Sirocco.Expressions.Functions;
using Sirocco.Runtime.Hosting;
using Sirocco.Store;
using Sirocco.Store.Triggers;

namespace Sirocco.Runtime.Scheduling;

/// <summary>
/// Fires cron triggers. It sleeps on a timer until the earliest due time (or until a trigger is created here, or at
/// most <see cref="CronOptions.IdleRecheck"/> for triggers created through other nodes), then fires each due trigger
/// in its own transaction: advance the next due time and the count with a compare-and-set on the old due time (or
/// delete the trigger at its last execution) AND queue the start event of each new execution, together. Every node
/// may run a scheduler: for one due time exactly one compare-and-set succeeds, and because the start event commits
/// with it, a node that dies after the commit leaves the start queued for the host loops (of any node) and a node
/// that dies before it leaves the due time to the others.
/// </summary>
public sealed class CronScheduler
{
    private const int DueBatch = 100;

    private readonly SiroccoStore _store;
    private readonly CronOptions _options;
    private readonly WakeSignal _wake = new();

    /// <summary>Creates a scheduler over a store.</summary>
    /// <param name="store">The store (its clock is the scheduler's clock).</param>
    /// <param name="options">Policy and timing.</param>
    /// <param name="startsQueued">Called after a commit that queued execution starts (wakes the host loop).</param>
    public CronScheduler(SiroccoStore store, CronOptions options, Action? startsQueued = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        StartsQueued = startsQueued;
    }

    /// <summary>Called after a commit that queued execution starts.</summary>
    public Action? StartsQueued { get; set; }

    /// <summary>The plugin versions a starting execution records (JSON), or null when no provider is versioned.</summary>
    public Func<string>? ActionVersions { get; set; }

    /// <summary>Executions this scheduler queued so far (diagnostics and tests).</summary>
    public long Fired => Interlocked.Read(ref _fired);

    private long _fired;

    /// <summary>A trigger was created or deleted here: the earliest due time may have changed.</summary>
    public void Wake() => _wake.Set();

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await FireDueAsync(ct).ConfigureAwait(false);
                wait = _options.IdleRecheck;
                if (await _store.CronTriggers.NextDueTimeAsync(ct).ConfigureAwait(false) is { } due)
                {
                    var untilDue = due - _store.Clock.GetUtcNow().UtcDateTime;
                    wait = untilDue < wait ? untilDue : wait;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a database hiccup must not stop the schedule: nothing was committed, try again shortly
            catch (Exception)
#pragma warning restore CA1031
            {
                wait = TimeSpan.FromSeconds(1);
            }

            await _wake.WaitAsync(wait, _store.Clock, ct).ConfigureAwait(false);
        }
    }

    /// <summary>One pass: fires every trigger due now; returns how many executions it queued.</summary>
    public async Task<int> FireDueAsync(CancellationToken ct = default)
    {
        var queued = 0;
        while (true)
        {
            var now = _store.Clock.GetUtcNow().UtcDateTime;
            var due = await _store.CronTriggers.DueAsync(now, DueBatch, ct).ConfigureAwait(false);
            foreach (var trigger in due)
            {
                queued += await FireAsync(trigger.Id, trigger.NextExecutionTime, ct).ConfigureAwait(false);
            }

            if (due.Count < DueBatch)
            {
                return queued;
            }
        }
    }

    /// <summary>
    /// Fires one trigger if it is still due at <paramref name="expectedNext"/>: one transaction for the
    /// compare-and-set and the start events. Returns the number of executions queued (0 when another scheduler won).
    /// </summary>
    public async Task<int> FireAsync(string triggerId, DateTime expectedNext, CancellationToken ct = default)
    {
        var started = await _store.WriteAsync(async (c, tx, token) =>
        {
            var trigger = await CronTriggerRepository.LoadAsync(c, tx, triggerId, token).ConfigureAwait(false);
            var now = _store.Clock.GetUtcNow().UtcDateTime;
            if (trigger is null || trigger.NextExecutionTime != expectedNext || trigger.NextExecutionTime > now)
            {
                return 0;
            }

            var pattern = trigger.Pattern is null ? null : CronPattern.TryParse(trigger.Pattern, out _);
            var plan = CronFirePlan.Make(pattern, trigger.NextExecutionTime, trigger.RemainingExecutions, now, _options);
            var won = plan.NextExecutionTime is { } next
                ? await CronTriggerRepository.AdvanceAsync(c, tx, trigger.Id, expectedNext, next, plan.RemainingExecutions, TruncateToSecond(now), token)
                    .ConfigureAwait(false)
                : await CronTriggerRepository.DeleteIfAsync(c, tx, trigger.Id, expectedNext, token).ConfigureAwait(false);
            if (!won || plan.Fire.Count == 0)
            {
                return 0;
            }

            // the workflow cannot be deleted while triggers start it, so it is found; its text is read now, as Mistral
            // starts the workflow's current definition
            var definition = DefinitionLookup.FindWorkflow(c, tx, trigger.WorkflowId, trigger.WorkflowNamespace)
                             ?? throw new EntityNotFoundException(
                                 $"Workflow not found [workflow_identifier={trigger.WorkflowId}, namespace={trigger.WorkflowNamespace}]");
            var nowMs = _store.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var dueTime in plan.Fire)
            {
                var executionId = Sirocco.Engine.GuidIdGenerator.Instance.NewId();
                var start = new StartWorkflow
                {
                    Workflow = definition,
                    Input = Copy(trigger.WorkflowInput),
                    Params = Copy(trigger.WorkflowParams),
                    Description = Description(trigger, dueTime),
                    ExecutionId = executionId,
                    ProjectId = trigger.ProjectId,
                };
                await SiroccoStore.AppendEventAsync(c, tx, executionId, start, nowMs, token).ConfigureAwait(false);
                if (ActionVersions?.Invoke() is { } versions)
                {
                    // the plugin versions this execution starts with (docs/actions.md); held when its first action resolves
                    await SiroccoStore.InsertActionVersionsAsync(c, tx, executionId, versions, token).ConfigureAwait(false);
                }
            }

            // the host loops of other nodes (PostgreSQL LISTEN) wake for the queued starts at commit
            await _store.Dialect.NotifyAsync(c, tx, WorkTopics.Events, token).ConfigureAwait(false);
            return plan.Fire.Count;
        }, ct).ConfigureAwait(false);

        if (started > 0)
        {
            Interlocked.Add(ref _fired, started);
            StartsQueued?.Invoke();
        }

        return started;
    }

    /// <summary>
    /// Mistral's description of a cron-started execution (a JSON text), plus the due time it is for, so that each
    /// execution says which due time it served.
    /// </summary>
    public static string Description(CronTrigger trigger, DateTime dueTime)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        return PyJson.Dumps(new OrderedDictionary<string, object?>
        {
            ["description"] = $"Workflow execution created by cron trigger '({trigger.Id})'.",
            ["triggered_by"] = new OrderedDictionary<string, object?>
            {
                ["type"] = "cron_trigger",
                ["id"] = trigger.Id,
                ["name"] = trigger.Name,
                ["due_time"] = dueTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            },
        }, indent: null);
    }

    private static DateTime TruncateToSecond(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static OrderedDictionary<string, object?> Copy(OrderedDictionary<string, object?> d) =>
        Values.Json.Parse(Values.Json.Serialize(d)) as OrderedDictionary<string, object?> ?? [];
}

using System.Data.Common;
using Sirocco.Engine.Model;
using Sirocco.Engine.Serialization;
using Sirocco.Store.Internal;
using Sirocco.Values;

namespace Sirocco.Store;

/// <summary>Executions: the engine's <see cref="ExecutionState"/> stored as rows the REST API can query.</summary>
public sealed partial class SiroccoStore
{
    /// <summary>Loads one execution's whole state (workflow, tasks, actions, children, timers); null when missing.</summary>
    public Task<ExecutionState?> LoadExecutionAsync(string executionId, CancellationToken ct = default) =>
        ReadAsync((c, token) => LoadStateAsync(c, null, executionId, token), ct);

    /// <summary>Gets one execution's whole state; throws <see cref="EntityNotFoundException"/> with Mistral's message.</summary>
    public async Task<ExecutionState> GetExecutionAsync(string executionId, CancellationToken ct = default) =>
        await LoadExecutionAsync(executionId, ct).ConfigureAwait(false) ?? throw ExecutionNotFound(executionId);

    internal static EntityNotFoundException ExecutionNotFound(string id) => new($"WorkflowExecution not found [id={id}]");

    /// <summary>The engine-private part of a workflow execution row (everything the columns do not hold).</summary>
    private sealed class StateHeader
    {
        public required WorkflowExecution Workflow { get; set; }

        public List<ChildExecution> Children { get; set; } = [];

        public List<ArmedTimer> Timers { get; set; } = [];

        public long NextSequence { get; set; }
    }

    /// <summary>
    /// Writes a finished execution's rows the way a step's commit does, reads them back the way a restart does, and rolls
    /// it all back: nothing is kept or visible, but the SQL, the row serialisation and the database's own code paths are
    /// compiled and warm before the first real execution commits. Takes the write gate like any write.
    /// </summary>
    public async Task WarmUpWritePathAsync(ExecutionState state, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var gated = Dialect.SingleWriter;
        if (gated)
        {
            await _writeGate.WaitAsync(ct).ConfigureAwait(false);
        }

        try
        {
            await using var connection = await Dialect.OpenAsync(ct).ConfigureAwait(false);
            await using var tx = await Dialect.BeginWriteAsync(connection, ct).ConfigureAwait(false);
            await SaveStateAsync(connection, tx, state, state.Tasks.Select(t => t.Id), state.Actions.Select(a => a.Id), ct).ConfigureAwait(false);
            _ = await LoadVersionedStateAsync(connection, tx, state.Workflow.Id, ct).ConfigureAwait(false);
            await tx.RollbackAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (gated)
            {
                _writeGate.Release();
            }
        }
    }

    internal static async Task<ExecutionState?> LoadStateAsync(DbConnection c, DbTransaction? tx, string executionId, CancellationToken ct) =>
        (await LoadVersionedStateAsync(c, tx, executionId, ct).ConfigureAwait(false)).State;

    /// <summary>The stored version of an execution (every save bumps it), or null when the execution does not exist.</summary>
    internal static async Task<long?> ReadVersionAsync(DbConnection c, DbTransaction? tx, string executionId, CancellationToken ct) =>
        await Db.ScalarAsync(c, tx, "SELECT version FROM workflow_executions WHERE id = @id", ct, ("@id", executionId)).ConfigureAwait(false) is { } v
            ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>Loads one execution's whole state and the version it was loaded at; a null state when missing.</summary>
    internal static async Task<(ExecutionState? State, long Version)> LoadVersionedStateAsync(DbConnection c, DbTransaction? tx, string executionId, CancellationToken ct)
    {
        string? headerJson = null;
        string? spec = null;
        long version = 0;
        await using (var cmd = Db.Command(c, tx, "SELECT engine_state, version, spec FROM workflow_executions WHERE id = @id").With("@id", executionId))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                headerJson = r.GetString(0);
                version = r.GetInt64(1);
                spec = r.IsDBNull(2) ? null : r.GetString(2);
            }
        }

        if (headerJson is null)
        {
            return (null, 0);
        }

        var header = EngineJson.Deserialize<StateHeader>(headerJson);
        if (header.Workflow.Definition.Length == 0 && spec is not null)
        {
            header.Workflow.Definition = spec; // saved once, in the spec column (rows written before hold it in both)
        }
        var state = new ExecutionState
        {
            Workflow = header.Workflow,
            Children = header.Children,
            Timers = header.Timers,
            NextSequence = header.NextSequence,
        };
        await using (var cmd = Db.Command(c, tx, "SELECT engine_state FROM task_executions WHERE workflow_execution_id = @id ORDER BY seq, created_at, id").With("@id", executionId))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                state.Tasks.Add(EngineJson.Deserialize<TaskExecution>(r.GetString(0)));
            }
        }

        await using (var cmd = Db.Command(c, tx, "SELECT engine_state FROM action_executions WHERE workflow_execution_id = @id ORDER BY seq, created_at, id").With("@id", executionId))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                state.Actions.Add(EngineJson.Deserialize<ActionExecution>(r.GetString(0)));
            }
        }

        return (state, version);
    }

    /// <summary>
    /// Writes a stepped execution: the workflow row always, and the task and action rows named in
    /// <paramref name="changedTasks"/> / <paramref name="changedActions"/> (upserts).
    /// </summary>
    /// <returns>the execution's new stored version</returns>
    internal static async Task<long> SaveStateAsync(DbConnection c, DbTransaction tx, ExecutionState state,
        IEnumerable<string> changedTasks, IEnumerable<string> changedActions, CancellationToken ct)
    {
        var wf = state.Workflow;
        var header = new StateHeader { Workflow = wf, Children = state.Children, Timers = state.Timers, NextSequence = state.NextSequence };
        var project = wf.ProjectId ?? StoreOptions.DefaultProjectId;
        // The definition text goes into the spec column when the row is created and never changes; leaving it out of
        // the engine's copy halves the row a step rewrites (and the pages each commit syncs).
        string engineState;
        var definition = wf.Definition;
        wf.Definition = "";
        try
        {
            engineState = EngineJson.Serialize(header);
        }
        finally
        {
            wf.Definition = definition;
        }

        var version = await Db.ScalarAsync(c, tx, """
            INSERT INTO workflow_executions (id, workflow_id, workflow_name, workflow_namespace, description, tags, params,
                task_execution_id, root_execution_id, state, state_info, input, output, published_global, project_id,
                created_at, updated_at, spec, engine_state, version)
            VALUES (@id, @wfid, @wfname, @ns, @desc, @tags, @params, @task, @root, @state, @info, @input, @output, @pg,
                @project, @created, @updated, @spec, @engine, 1)
            ON CONFLICT (id) DO UPDATE SET description = excluded.description, tags = excluded.tags, params = excluded.params,
                state = excluded.state, state_info = excluded.state_info, input = excluded.input, output = excluded.output,
                published_global = excluded.published_global, updated_at = excluded.updated_at,
                engine_state = excluded.engine_state, version = workflow_executions.version + 1
            RETURNING version
            """, ct,
            ("@id", wf.Id), ("@wfid", wf.WorkflowId), ("@wfname", wf.WorkflowName), ("@ns", wf.WorkflowNamespace),
            ("@desc", wf.Description ?? ""), ("@tags", Db.TagsToJson(wf.Tags)), ("@params", Json.Serialize(wf.Params)),
            ("@task", wf.TaskExecutionId), ("@root", wf.RootExecutionId), ("@state", wf.State), ("@info", wf.StateInfo),
            ("@input", Json.Serialize(wf.Input)), ("@output", Json.Serialize(wf.Output)), ("@pg", Json.Serialize(wf.PublishedGlobal)),
            ("@project", project), ("@created", StoreTime.ToText(wf.CreatedAt)), ("@updated", StoreTime.ToDb(wf.UpdatedAt)),
            ("@spec", wf.Definition), ("@engine", engineState)).ConfigureAwait(false);

        // One pass over the state with a set of changed ids (a lookup per id was O(changed x all): quadratic for a
        // with-items step that schedules or completes every item); rows go out in creation order.
        var tasks = changedTasks as IReadOnlySet<string> ?? changedTasks.ToHashSet(StringComparer.Ordinal);
        if (tasks.Count > 0)
        {
            // One prepared statement for all task rows, and the actions grouped by task once for their results
            // (a scan of every action per completed task made saving a step quadratic).
            await using var upsert = TaskUpsertCommand(c, tx);
            IReadOnlyDictionary<string, List<ActionExecution>>? actionsByTask = tasks.Count > 1 ? Sirocco.Engine.TaskResults.ActionsByTask(state) : null;
            foreach (var t in state.Tasks)
            {
                if (tasks.Contains(t.Id))
                {
                    await SaveTaskAsync(upsert, state, t, project, actionsByTask, ct).ConfigureAwait(false);
                }
            }
        }

        var actions = changedActions as IReadOnlySet<string> ?? changedActions.ToHashSet(StringComparer.Ordinal);
        if (actions.Count > 0)
        {
            // One prepared statement for all rows: only the parameter values change between rows.
            await using var upsert = ActionUpsertCommand(c, tx);
            foreach (var a in state.Actions)
            {
                if (actions.Contains(a.Id))
                {
                    await SaveActionAsync(upsert, a, project, ct).ConfigureAwait(false);
                }
            }
        }

        return Convert.ToInt64(version, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly string[] TaskUpsertParameters =
    [
        "@id", "@name", "@type", "@wfname", "@ns", "@wfid", "@wfex", "@tags", "@state", "@info", "@project", "@rc", "@result",
        "@pub", "@pg", "@processed", "@created", "@updated", "@started", "@finished", "@engine", "@seq",
    ];

    private static DbCommand TaskUpsertCommand(DbConnection c, DbTransaction tx)
    {
        var cmd = Db.Command(c, tx, """
            INSERT INTO task_executions (id, name, type, workflow_name, workflow_namespace, workflow_id, workflow_execution_id,
                tags, state, state_info, project_id, runtime_context, result, published, published_global, processed,
                created_at, updated_at, started_at, finished_at, engine_state, seq)
            VALUES (@id, @name, @type, @wfname, @ns, @wfid, @wfex, @tags, @state, @info, @project, @rc, @result, @pub, @pg,
                @processed, @created, @updated, @started, @finished, @engine, @seq)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, state_info = excluded.state_info, tags = excluded.tags,
                runtime_context = excluded.runtime_context, result = excluded.result, published = excluded.published,
                published_global = excluded.published_global, processed = excluded.processed, updated_at = excluded.updated_at,
                started_at = excluded.started_at, finished_at = excluded.finished_at, engine_state = excluded.engine_state
            """);
        foreach (var name in TaskUpsertParameters)
        {
            cmd.With(name, null);
        }

        return cmd;
    }

    private static async Task SaveTaskAsync(DbCommand upsert, ExecutionState state, TaskExecution t, string project,
        IReadOnlyDictionary<string, List<ActionExecution>>? actionsByTask, CancellationToken ct)
    {
        var p = upsert.Parameters;
        p[0].Value = t.Id;
        p[1].Value = t.Name;
        p[2].Value = t.Type;
        p[3].Value = t.WorkflowName;
        p[4].Value = t.WorkflowNamespace;
        p[5].Value = (object?)t.WorkflowId ?? DBNull.Value;
        p[6].Value = t.WorkflowExecutionId;
        p[7].Value = Db.TagsToJson(t.Tags);
        p[8].Value = t.State;
        p[9].Value = (object?)t.StateInfo ?? DBNull.Value;
        p[10].Value = project;
        p[11].Value = Json.Serialize(t.RuntimeContext);
        p[12].Value = States.IsCompleted(t.State) ? Json.Serialize(Sirocco.Engine.TaskResults.Of(state, t, actionsByTask)) : DBNull.Value;
        p[13].Value = t.Published is null ? "{}" : Json.Serialize(t.Published);
        p[14].Value = Json.Serialize(t.PublishedGlobal);
        p[15].Value = t.Processed ? 1 : 0;
        p[16].Value = StoreTime.ToText(t.CreatedAt);
        p[17].Value = StoreTime.ToDb(t.UpdatedAt);
        p[18].Value = StoreTime.ToDb(t.StartedAt);
        p[19].Value = StoreTime.ToDb(t.FinishedAt);
        p[20].Value = EngineJson.Serialize(t);
        p[21].Value = t.Sequence;
        await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static readonly string[] ActionUpsertParameters =
    [
        "@id", "@name", "@desc", "@wfname", "@ns", "@task", "@taskid", "@wfex", "@state", "@info", "@tags", "@accepted",
        "@input", "@output", "@project", "@created", "@updated", "@seq", "@engine",
    ];

    private static DbCommand ActionUpsertCommand(DbConnection c, DbTransaction tx)
    {
        var cmd = Db.Command(c, tx, """
            INSERT INTO action_executions (id, name, description, workflow_name, workflow_namespace, task_name, task_execution_id,
                workflow_execution_id, state, state_info, tags, accepted, input, output, params, project_id, created_at,
                updated_at, last_heartbeat, seq, engine_state)
            VALUES (@id, @name, @desc, @wfname, @ns, @task, @taskid, @wfex, @state, @info, @tags, @accepted, @input, @output,
                '{}', @project, @created, @updated, NULL, @seq, @engine)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, state_info = excluded.state_info, accepted = excluded.accepted,
                output = excluded.output, updated_at = excluded.updated_at, engine_state = excluded.engine_state
            """);
        foreach (var name in ActionUpsertParameters)
        {
            cmd.With(name, null);
        }

        return cmd;
    }

    private static async Task SaveActionAsync(DbConnection c, DbTransaction tx, ActionExecution a, string project, CancellationToken ct)
    {
        await using var upsert = ActionUpsertCommand(c, tx);
        await SaveActionAsync(upsert, a, project, ct).ConfigureAwait(false);
    }

    private static async Task SaveActionAsync(DbCommand upsert, ActionExecution a, string project, CancellationToken ct)
    {
        var p = upsert.Parameters;
        p[0].Value = a.Id;
        p[1].Value = a.Name;
        p[2].Value = a.Description ?? "";
        p[3].Value = (object?)a.WorkflowName ?? DBNull.Value;
        p[4].Value = a.WorkflowNamespace;
        p[5].Value = (object?)a.TaskName ?? DBNull.Value;
        p[6].Value = (object?)a.TaskExecutionId ?? DBNull.Value;
        p[7].Value = (object?)a.WorkflowExecutionId ?? DBNull.Value;
        p[8].Value = a.State;
        p[9].Value = (object?)a.StateInfo ?? DBNull.Value;
        p[10].Value = Db.TagsToJson(a.Tags);
        p[11].Value = a.Accepted ? 1 : 0;
        p[12].Value = Json.Serialize(a.Input);
        p[13].Value = Json.Serialize(a.Output);
        p[14].Value = a.ProjectId ?? project;
        p[15].Value = StoreTime.ToText(a.CreatedAt);
        p[16].Value = StoreTime.ToDb(a.UpdatedAt);
        p[17].Value = a.Sequence;
        p[18].Value = EngineJson.Serialize(a);
        await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Removes an execution with its tasks, actions and pending work (events, action requests, timers).</summary>
    internal static async Task DeleteExecutionRowsAsync(DbConnection c, DbTransaction tx, string executionId, CancellationToken ct)
    {
        foreach (var sql in new[]
                 {
                     "DELETE FROM pending_events WHERE workflow_execution_id = @id",
                     "DELETE FROM action_requests WHERE workflow_execution_id = @id",
                     "DELETE FROM durable_timers WHERE workflow_execution_id = @id",
                     "DELETE FROM action_executions WHERE workflow_execution_id = @id",
                     "DELETE FROM task_executions WHERE workflow_execution_id = @id",
                     "DELETE FROM workflow_executions WHERE id = @id",
                     "DELETE FROM execution_action_versions WHERE execution_id = @id",
                 })
        {
            await Db.ExecuteAsync(c, tx, sql, ct, ("@id", executionId)).ConfigureAwait(false);
        }
    }

    /// <summary>Ids of the sub-workflow executions started by tasks of an execution.</summary>
    internal static async Task<IReadOnlyList<string>> ChildExecutionIdsAsync(DbConnection c, DbTransaction? tx, string executionId, CancellationToken ct)
    {
        var ids = new List<string>();
        await using var cmd = Db.Command(c, tx,
            "SELECT w.id FROM workflow_executions w JOIN task_executions t ON w.task_execution_id = t.id WHERE t.workflow_execution_id = @id")
            .With("@id", executionId);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    /// <summary>The workflow execution a task execution belongs to, or null.</summary>
    public Task<string?> FindExecutionOfTaskAsync(string taskExecutionId, CancellationToken ct = default) =>
        ReadAsync(async (c, token) => await Db.ScalarAsync(c, null, "SELECT workflow_execution_id FROM task_executions WHERE id = @id", token,
            ("@id", taskExecutionId)).ConfigureAwait(false) as string, ct);

    /// <summary>The workflow execution an action execution belongs to, or null.</summary>
    public Task<string?> FindExecutionOfActionAsync(string actionExecutionId, CancellationToken ct = default) =>
        ReadAsync(async (c, token) => await Db.ScalarAsync(c, null, "SELECT workflow_execution_id FROM action_executions WHERE id = @id", token,
            ("@id", actionExecutionId)).ConfigureAwait(false) as string, ct);
}

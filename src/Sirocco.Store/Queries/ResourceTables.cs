namespace Sirocco.Store.Queries;

/// <summary>The REST resources' tables (schema in <c>Sqlite/Migrations</c>), fields in the order Mistral returns them.</summary>
public static class ResourceTables
{
    private static ResourceColumn C(string field, ColumnKind kind = ColumnKind.Text, bool deferred = false) => new(field, field, kind, deferred);

    /// <summary>Workflow definitions (<c>/v2/workflows</c>).</summary>
    public static readonly ResourceTable Workflows = new("Workflow", "workflow_definitions",
    [
        C("id"), C("name"), C("namespace"), C("input"), C("interface", ColumnKind.Json), C("definition"), C("checksum"),
        C("tags", ColumnKind.Tags), C("scope"), C("project_id"), C("created_at", ColumnKind.Time), C("updated_at", ColumnKind.Time),
    ]);

    /// <summary>Workbooks (<c>/v2/workbooks</c>).</summary>
    public static readonly ResourceTable Workbooks = new("Workbook", "workbooks",
    [
        C("id"), C("name"), C("namespace"), C("definition"), C("tags", ColumnKind.Tags), C("scope"), C("project_id"),
        C("created_at", ColumnKind.Time), C("updated_at", ColumnKind.Time),
    ]);

    /// <summary>Workflow executions (<c>/v2/executions</c>).</summary>
    public static readonly ResourceTable Executions = new("Execution", "workflow_executions",
    [
        C("id"), C("workflow_id"), C("workflow_name"), C("workflow_namespace"), C("description"), C("tags", ColumnKind.Tags),
        C("params", ColumnKind.Json), C("task_execution_id"), C("root_execution_id"), C("state"), C("state_info"),
        C("input", ColumnKind.Json), C("output", ColumnKind.Json, deferred: true), C("project_id"),
        C("created_at", ColumnKind.Time), C("updated_at", ColumnKind.Time),
        C("published_global", ColumnKind.Json, deferred: true),
    ]);

    /// <summary>Task executions (<c>/v2/tasks</c>).</summary>
    public static readonly ResourceTable Tasks = new("Task", "task_executions",
    [
        C("id"), C("name"), C("type"), C("workflow_name"), C("workflow_namespace"), C("workflow_id"), C("workflow_execution_id"),
        C("tags", ColumnKind.Tags), C("state"), C("state_info"), C("project_id"), C("runtime_context", ColumnKind.Json),
        C("result", ColumnKind.Json, deferred: true), C("published", ColumnKind.Json),
        C("published_global", ColumnKind.Json, deferred: true), C("processed", ColumnKind.Bool),
        C("created_at", ColumnKind.Time), C("updated_at", ColumnKind.Time), C("started_at", ColumnKind.Time), C("finished_at", ColumnKind.Time),
    ]);

    /// <summary>Action executions (<c>/v2/action_executions</c>).</summary>
    public static readonly ResourceTable ActionExecutions = new("ActionExecution", "action_executions",
    [
        C("id"), C("name"), C("description"), C("workflow_name"), C("workflow_namespace"), C("task_name"), C("task_execution_id"),
        C("state"), C("state_info"), C("tags", ColumnKind.Tags), C("accepted", ColumnKind.Bool), C("input", ColumnKind.Json),
        C("output", ColumnKind.Json, deferred: true), C("project_id"), C("created_at", ColumnKind.Time), C("updated_at", ColumnKind.Time),
    ]);

    /// <summary>Environments (<c>/v2/environments</c>).</summary>
    public static readonly ResourceTable Environments = new("Environment", "environments",
    [
        C("id"), C("name"), C("description"), C("variables", ColumnKind.Json), C("scope"), C("project_id"),
        C("created_at", ColumnKind.Time), C("updated_at", ColumnKind.Time),
    ]);

    /// <summary>Cron triggers (<c>/v2/cron_triggers</c>).</summary>
    public static readonly ResourceTable CronTriggers = new("CronTrigger", "cron_triggers",
    [
        C("id"), C("name"), C("workflow_name"), C("workflow_id"), C("workflow_input", ColumnKind.Json), C("workflow_params", ColumnKind.Json),
        C("scope"), C("pattern"), C("remaining_executions", ColumnKind.Integer), C("first_execution_time", ColumnKind.Time),
        C("next_execution_time", ColumnKind.Time), C("project_id"), C("created_at", ColumnKind.Time), C("updated_at", ColumnKind.Time),
    ]);
}

namespace Sirocco.Store.Triggers;

/// <summary>A stored cron trigger (Mistral's <c>cron_triggers_v2</c>; REST resource "CronTrigger").</summary>
public sealed record CronTrigger
{
    /// <summary>UUID; filled by the store on create when empty.</summary>
    public string Id { get; init; } = "";

    /// <summary>Name, unique per project.</summary>
    public required string Name { get; init; }

    /// <summary>croniter pattern (5 fields, or 6 with seconds last); null for a single run at the first time.</summary>
    public string? Pattern { get; init; }

    /// <summary>The first execution time the user asked for (UTC, whole minutes), if any.</summary>
    public DateTime? FirstExecutionTime { get; init; }

    /// <summary>The next due time (UTC, whole seconds).</summary>
    public required DateTime NextExecutionTime { get; init; }

    /// <summary>Executions left; null means no limit. The trigger is deleted when it reaches 0.</summary>
    public int? RemainingExecutions { get; init; }

    /// <summary>Name of the workflow to start.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>Id of the workflow definition to start.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>Namespace of the workflow.</summary>
    public string WorkflowNamespace { get; init; } = "";

    /// <summary>Input of every execution.</summary>
    public OrderedDictionary<string, object?> WorkflowInput { get; init; } = [];

    /// <summary>Params of every execution (<c>env</c>, ...).</summary>
    public OrderedDictionary<string, object?> WorkflowParams { get; init; } = [];

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string Scope { get; init; } = "private";

    /// <summary>Owning project.</summary>
    public string ProjectId { get; init; } = StoreOptions.DefaultProjectId;

    /// <summary>Creation time; set by the store.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>Time of the last advance; null until the first.</summary>
    public DateTime? UpdatedAt { get; init; }
}

namespace Sirocco.Runtime.Commands;

/// <summary>POST /v2/executions as the runtime takes it.</summary>
public sealed record StartExecutionRequest
{
    /// <summary>Workflow name or id (Mistral's <c>workflow_name</c> / <c>workflow_id</c>).</summary>
    public required string WorkflowIdentifier { get; init; }

    /// <summary>Namespace of the workflow (<c>''</c> by default).</summary>
    public string WorkflowNamespace { get; init; } = "";

    /// <summary>Workflow input.</summary>
    public OrderedDictionary<string, object?> Input { get; init; } = [];

    /// <summary>Execution params (<c>env</c>, <c>task_name</c>, <c>notify</c>, ...).</summary>
    public OrderedDictionary<string, object?> Params { get; init; } = [];

    /// <summary>Description.</summary>
    public string? Description { get; init; }

    /// <summary>Optional client-chosen id; a start with the id of an existing execution returns it unchanged.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>Project to stamp on the execution.</summary>
    public string? ProjectId { get; init; }
}

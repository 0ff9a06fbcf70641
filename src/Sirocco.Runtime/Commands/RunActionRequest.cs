namespace Sirocco.Runtime.Commands;

/// <summary>POST /v2/action_executions (<c>mistral run-action</c>) as the runtime takes it.</summary>
public sealed record RunActionRequest
{
    /// <summary>The action to run (<c>std.echo</c>, a provider's action).</summary>
    public required string ActionName { get; init; }

    /// <summary>The action's input.</summary>
    public OrderedDictionary<string, object?> Input { get; init; } = [];

    /// <summary>Description of the action execution.</summary>
    public string? Description { get; init; }

    /// <summary>Namespace the action is looked up in (<c>workflow_namespace</c> of the request).</summary>
    public string Namespace { get; init; } = "";

    /// <summary><c>params.run_sync</c>: run now and answer with the result (refused for async actions).</summary>
    public bool RunSync { get; init; }

    /// <summary><c>params.save_result</c>: keep an action execution record.</summary>
    public bool SaveResult { get; init; }

    /// <summary><c>params.target</c>: the executor to run on.</summary>
    public string? Target { get; init; }

    /// <summary><c>params.timeout</c>: seconds after which the action is interrupted.</summary>
    public int? Timeout { get; init; }

    /// <summary>Project to stamp on a saved record.</summary>
    public string? ProjectId { get; init; }
}

/// <summary>What a direct action run produced.</summary>
/// <param name="Action">The action execution: RUNNING when scheduled, SUCCESS or ERROR when it ran now.</param>
/// <param name="Saved">Whether it is stored (Mistral answers an unsaved run with a record that has no id).</param>
public sealed record RunActionOutcome(Engine.Model.ActionExecution Action, bool Saved);

namespace Sirocco.Language;

/// <summary>
/// One task of a workflow, with task-defaults already merged in the way Mistral merges them:
/// <see cref="Policies"/>, <see cref="SafeRerun"/>, <see cref="Requires"/> and the <c>Next</c> lists of
/// <see cref="OnSuccess"/> / <see cref="OnError"/> / <see cref="OnComplete"/> are the effective values.
/// The task's own values are kept in <see cref="OwnPolicies"/>.
/// </summary>
/// <remarks>
/// Values (input, publish, policies, ...) are plain values of Sirocco.Values; any string may hold an
/// expression evaluated at run time. Treat every collection as immutable.
/// </remarks>
public sealed record TaskSpec
{
    /// <summary>The task name (the key in <c>tasks:</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Where the task's key is written.</summary>
    public required SourcePosition Position { get; init; }

    /// <summary>
    /// Where each keyword's value is written in the task (e.g. <c>KeyPositions["publish"]</c>), so a run-time
    /// error can point into the text.
    /// </summary>
    public IReadOnlyDictionary<string, SourcePosition> KeyPositions { get; init; } = new Dictionary<string, SourcePosition>();

    /// <summary>The type of the workflow the task belongs to (Mistral injects it into every task).</summary>
    public required WorkflowType Type { get; init; }

    /// <summary><c>description</c>, or null.</summary>
    public string? Description { get; init; }

    /// <summary><c>tags</c>; empty when absent.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>
    /// The action name with inline parameters removed (may be an expression). Mistral's rule: when
    /// neither <c>action</c> nor <c>workflow</c> is given this is <c>std.noop</c>. Null for a
    /// workflow task.
    /// </summary>
    public string? Action { get; init; }

    /// <summary>The sub-workflow name with inline parameters removed (may be an expression), or null.</summary>
    public string? Workflow { get; init; }

    /// <summary>True when the task runs a sub-workflow (<see cref="Workflow"/> is set).</summary>
    public bool IsWorkflowTask => Workflow is not null;

    /// <summary>
    /// The action / sub-workflow input: an <see cref="OrderedDictionary{TKey,TValue}"/> (inline parameters of
    /// <c>action</c>/<c>workflow</c> merged with the <c>input</c> map as Mistral 15 does it: an inline
    /// parameter overwrites an <c>input</c> key of the same name, maps merge deeply) or a string (normally one
    /// expression that must evaluate to a map). An empty map when nothing is given.
    /// </summary>
    public object? Input { get; init; } = new OrderedDictionary<string, object?>();

    /// <summary><c>with-items</c> entries in written order; empty when the task has none.</summary>
    public IReadOnlyList<WithItemsSpec> WithItems { get; init; } = [];

    /// <summary>True when the task has <c>with-items</c>.</summary>
    public bool HasWithItems => WithItems.Count > 0;

    /// <summary>The task-level <c>publish</c> map, or null.</summary>
    public OrderedDictionary<string, object?>? Publish { get; init; }

    /// <summary>The task-level <c>publish-on-error</c> map, or null.</summary>
    public OrderedDictionary<string, object?>? PublishOnError { get; init; }

    /// <summary>The effective policies (task merged over task-defaults; null members are off).</summary>
    public PoliciesSpec Policies { get; init; } = PoliciesSpec.None;

    /// <summary>
    /// The task's own policies as written (null members are absent). Mistral passes the task's own
    /// <c>timeout</c> (not the default's) to the executor as the per-action timeout.
    /// </summary>
    public PoliciesSpec OwnPolicies { get; init; } = PoliciesSpec.None;

    /// <summary><c>target</c> (executor routing key; may be an expression), or null.</summary>
    public string? Target { get; init; }

    /// <summary><c>keep-result</c>: a bool, or an expression string that Mistral never evaluates (non-empty = true). Default true.</summary>
    public object? KeepResult { get; init; } = true;

    /// <summary>
    /// Effective <c>safe-rerun</c>: the task's value, else task-defaults', else false. A bool, or a string
    /// (Mistral does not evaluate it; non-empty counts as true).
    /// </summary>
    public object? SafeRerun { get; init; } = false;

    /// <summary><c>join</c> (direct workflows), or null when the task is not a join (absent or <c>0</c>).</summary>
    public JoinSpec? Join { get; init; }

    /// <summary>Effective <c>requires</c> (reverse workflows): the task's plus task-defaults', minus the task itself.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>
    /// Effective on-success: <c>Next</c> is the task's own list when non-empty, else task-defaults' list
    /// minus this task; <c>Publish</c> is the task's own clause publish only. Null when neither has a clause.
    /// </summary>
    public OnClauseSpec? OnSuccess { get; init; }

    /// <summary>Effective on-error (same merge rule as <see cref="OnSuccess"/>).</summary>
    public OnClauseSpec? OnError { get; init; }

    /// <summary>Effective on-complete (same merge rule as <see cref="OnSuccess"/>).</summary>
    public OnClauseSpec? OnComplete { get; init; }

    /// <summary>
    /// Every transition of the effective on-success, on-error and on-complete clauses, in that order
    /// (the order Mistral evaluates them is on-error, on-success, on-complete depending on the state).
    /// </summary>
    public IEnumerable<TransitionSpec> AllTransitions =>
        (OnSuccess?.Next ?? []).Concat(OnError?.Next ?? []).Concat(OnComplete?.Next ?? []);

    /// <summary>
    /// What the task publishes when it ends in SUCCESS (<paramref name="success"/> true: <c>publish</c> +
    /// on-success) or ERROR (<c>publish-on-error</c> + on-error), merged as Mistral 15 does: on-complete's
    /// publish overwrites the task-level one, which overwrites the on-success / on-error clause's
    /// (including the quirk that a clause publish without <c>branch</c> drops the task-level branch).
    /// Null when nothing is published.
    /// </summary>
    public PublishSpec? GetPublish(bool success) => PublishMerge.Merge(this, success);
}

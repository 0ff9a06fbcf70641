namespace Sirocco.Actions;

/// <summary>
/// What an action knows about its caller (mistral-lib's <c>ActionContext</c>): the security context, so an action
/// can call other services as the user who started the workflow, and the execution context, so it can say which
/// execution it belongs to and where to send a late result.
/// </summary>
/// <param name="Security">Who runs the action.</param>
/// <param name="Execution">Where the action runs.</param>
public sealed record ActionContext(SecurityContext Security, ExecutionContext Execution)
{
    /// <summary>An empty context (no user, no execution), e.g. for an action run outside any workflow.</summary>
    public static ActionContext Empty { get; } = new(new SecurityContext(), new ExecutionContext());

    /// <summary>The context as Mistral serializes it: <c>{"security": {...}, "execution": {...}}</c>, snake_case keys.</summary>
    public OrderedDictionary<string, object?> ToDictionary() => new()
    {
        ["security"] = Security.ToDictionary(),
        ["execution"] = Execution.ToDictionary(),
    };

    /// <summary>
    /// Reads a context from its dictionary form. Accepts both the nested form of <see cref="ToDictionary"/> and a
    /// flat map of execution keys (<c>workflow_execution_id</c>, <c>callback_url</c>, ...), as the engine hands it.
    /// </summary>
    /// <param name="values">The dictionary.</param>
    public static ActionContext FromDictionary(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var security = values.TryGetValue("security", out var s) && s is IReadOnlyDictionary<string, object?> sd ? sd : values;
        var execution = values.TryGetValue("execution", out var e) && e is IReadOnlyDictionary<string, object?> ed ? ed : values;
        return new ActionContext(SecurityContext.FromDictionary(security), ExecutionContext.FromDictionary(execution));
    }

    internal static string? Text(IReadOnlyDictionary<string, object?> values, string key) =>
        values.TryGetValue(key, out var v) && v is not null ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>The caller's identity (mistral-lib's <c>SecurityContext</c>), filled from the request that started the workflow.</summary>
public sealed record SecurityContext
{
    /// <summary>Project (tenant) id.</summary>
    public string? ProjectId { get; init; }

    /// <summary>Project name.</summary>
    public string? ProjectName { get; init; }

    /// <summary>User id.</summary>
    public string? UserId { get; init; }

    /// <summary>User name.</summary>
    public string? UserName { get; init; }

    /// <summary>The user's roles.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>The caller's auth token, so the action authenticates once, as the caller.</summary>
    public string? AuthToken { get; init; }

    /// <summary>Identity service URL.</summary>
    public string? AuthUri { get; init; }

    /// <summary>Region.</summary>
    public string? RegionName { get; init; }

    /// <summary>Whether the token is trust-scoped.</summary>
    public bool IsTrustScoped { get; init; }

    /// <summary>Trust id, when trust-scoped.</summary>
    public string? TrustId { get; init; }

    /// <summary>When the token expires (UTC), if known.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Snake_case dictionary form.</summary>
    public OrderedDictionary<string, object?> ToDictionary() => new()
    {
        ["project_id"] = ProjectId,
        ["project_name"] = ProjectName,
        ["user_id"] = UserId,
        ["user_name"] = UserName,
        ["roles"] = Roles.Cast<object?>().ToList(),
        ["auth_token"] = AuthToken,
        ["auth_uri"] = AuthUri,
        ["region_name"] = RegionName,
        ["is_trust_scoped"] = IsTrustScoped,
        ["trust_id"] = TrustId,
        ["expires_at"] = ExpiresAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Reads the snake_case dictionary form; unknown keys are ignored.</summary>
    /// <param name="values">The dictionary.</param>
    public static SecurityContext FromDictionary(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new SecurityContext
        {
            ProjectId = ActionContext.Text(values, "project_id"),
            ProjectName = ActionContext.Text(values, "project_name"),
            UserId = ActionContext.Text(values, "user_id"),
            UserName = ActionContext.Text(values, "user_name"),
            Roles = values.TryGetValue("roles", out var r) && r is IEnumerable<object?> list
                ? list.Select(x => Convert.ToString(x, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList()
                : [],
            AuthToken = ActionContext.Text(values, "auth_token"),
            AuthUri = ActionContext.Text(values, "auth_uri"),
            RegionName = ActionContext.Text(values, "region_name"),
            IsTrustScoped = values.TryGetValue("is_trust_scoped", out var t) && t is true,
            TrustId = ActionContext.Text(values, "trust_id"),
            ExpiresAt = DateTimeOffset.TryParse(ActionContext.Text(values, "expires_at"), System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null,
        };
    }
}

/// <summary>Where the action runs (mistral-lib's <c>ExecutionContext</c>). Ids are null for an action run directly.</summary>
public sealed record ExecutionContext
{
    /// <summary>The workflow execution.</summary>
    public string? WorkflowExecutionId { get; init; }

    /// <summary>The task execution.</summary>
    public string? TaskExecutionId { get; init; }

    /// <summary>This action execution.</summary>
    public string? ActionExecutionId { get; init; }

    /// <summary>The workflow's name.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>
    /// Where a late result goes (relative: <c>/v2/action_executions/&lt;id&gt;</c>): a third party completes an async
    /// action with <c>PUT</c> there, giving <c>state</c> and <c>output</c>.
    /// </summary>
    public string? CallbackUrl { get; init; }

    /// <summary>with-items index (0 for a plain task).</summary>
    public int WithItemsIndex { get; init; }

    /// <summary>Snake_case dictionary form.</summary>
    public OrderedDictionary<string, object?> ToDictionary() => new()
    {
        ["workflow_execution_id"] = WorkflowExecutionId,
        ["task_execution_id"] = TaskExecutionId,
        ["action_execution_id"] = ActionExecutionId,
        ["workflow_name"] = WorkflowName,
        ["callback_url"] = CallbackUrl,
        ["with_items_index"] = (long)WithItemsIndex,
    };

    /// <summary>Reads the snake_case dictionary form (the old <c>task_id</c> alias is accepted).</summary>
    /// <param name="values">The dictionary.</param>
    public static ExecutionContext FromDictionary(IReadOnlyDictionary<string, object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var actionId = ActionContext.Text(values, "action_execution_id");
        return new ExecutionContext
        {
            WorkflowExecutionId = ActionContext.Text(values, "workflow_execution_id"),
            TaskExecutionId = ActionContext.Text(values, "task_execution_id") ?? ActionContext.Text(values, "task_id"),
            ActionExecutionId = actionId,
            WorkflowName = ActionContext.Text(values, "workflow_name"),
            CallbackUrl = ActionContext.Text(values, "callback_url") ?? (actionId is null ? null : CallbackPath(actionId)),
            WithItemsIndex = values.TryGetValue("with_items_index", out var i) && i is long l ? (int)l : 0,
        };
    }

    /// <summary>Mistral's callback URL for an action execution.</summary>
    /// <param name="actionExecutionId">The action execution id.</param>
    public static string CallbackPath(string actionExecutionId) => $"/v2/action_executions/{actionExecutionId}";
}

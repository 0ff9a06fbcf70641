namespace Sirocco.Actions;

/// <summary>
/// A runnable action instance: what a descriptor's <see cref="ActionDescriptor.Instantiate"/> returns, holding its
/// input (mistral-lib's <c>Action</c>). Most authors derive from <see cref="ActionBase"/> instead.
/// </summary>
public interface IAction
{
    /// <summary>
    /// True (the default) when the value produced by <see cref="RunAsync"/> is the action's result. False for an
    /// action that only starts work which completes later through the API (<c>PUT /v2/action_executions/{id}</c>,
    /// Mistral's <c>is_sync() == False</c>); then a successful return value is ignored, an error result is not.
    /// </summary>
    bool IsSync { get; }

    /// <summary>Runs the action. Errors are returned as <see cref="ActionResult.Failure"/> or thrown.</summary>
    /// <param name="context">Who runs it and where (security and execution context).</param>
    /// <param name="cancellationToken">Signalled when the task times out or the execution is cancelled.</param>
    ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken);
}

namespace Sirocco.Actions;

/// <summary>
/// Runs one action the way Mistral's executor does: check the input, instantiate, run with the context, turn an
/// exception into an error result (<c>The action raised an exception [action=…, action_ex_id=…, msg='…']</c>), and
/// let the descriptor post-process the result. Cancellation is not an
/// error: it propagates as <see cref="OperationCanceledException"/> so the caller can tell a timeout from a failure.
/// </summary>
public static class ActionRunner
{
    /// <summary>Runs <paramref name="descriptor"/> with <paramref name="input"/>.</summary>
    /// <param name="descriptor">The action.</param>
    /// <param name="input">Its input.</param>
    /// <param name="context">The context.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>The result; for an action that completes later, what its start returned (usually ignored).</returns>
    public static async Task<ActionResult> RunAsync(ActionDescriptor descriptor, IReadOnlyDictionary<string, object?> input,
        ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            descriptor.CheckParameters(input);
        }
        catch (ActionInputException e)
        {
            return ActionResult.Failure(e.Message);
        }

        ActionResult result;
        try
        {
            var action = descriptor.Instantiate(input);
            result = await action.RunAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // an action's failure is its result, never the caller's crash
        catch (Exception e)
#pragma warning restore CA1031
        {
            result = ActionResult.Failure(RaisedMessage(descriptor, context.Execution.ActionExecutionId, e));
        }

        return descriptor.PostProcessResult(result);
    }

    /// <summary>Mistral's executor text for an action that threw.</summary>
    /// <param name="descriptor">The action.</param>
    /// <param name="actionExecutionId">The action execution id (may be null for a test run).</param>
    /// <param name="exception">What it threw.</param>
    public static string RaisedMessage(ActionDescriptor descriptor, string? actionExecutionId, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(exception);
        return $"The action raised an exception [action={descriptor.DisplayName}, action_ex_id={actionExecutionId ?? "None"}, msg='{exception.Message}']";
    }
}

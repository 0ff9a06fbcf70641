namespace Sirocco.Actions.Testing;

/// <summary>
/// Runs one action outside any workflow with a fake context (in the manner of Temporal's
/// <c>ActivityEnvironment</c>): set the security and execution context you want the action to see, run it, and
/// cancel it on demand. Running a descriptor goes through the same steps as the executor (input check,
/// instantiation, exception to error result), so a test sees what a workflow would.
/// </summary>
public sealed class ActionEnvironment : IDisposable
{
    private CancellationTokenSource _cancellation = new();

    /// <summary>The security context handed to the action (a fake user and project by default).</summary>
    public SecurityContext Security { get; set; } = new()
    {
        ProjectId = "test-project",
        ProjectName = "test",
        UserId = "test-user",
        UserName = "tester",
        Roles = ["member"],
        AuthToken = "test-token",
    };

    /// <summary>The execution context handed to the action (fresh ids by default).</summary>
    public ExecutionContext Execution { get; set; } = NewExecution();

    /// <summary>The context built from <see cref="Security"/> and <see cref="Execution"/>.</summary>
    public ActionContext Context => new(Security, Execution);

    /// <summary>The token the running action observes.</summary>
    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Cancels the running action (as a task timeout or an execution cancel would).</summary>
    public void Cancel() => _cancellation.Cancel();

    /// <summary>Cancels the running action after a delay.</summary>
    /// <param name="delay">The delay.</param>
    public void CancelAfter(TimeSpan delay) => _cancellation.CancelAfter(delay);

    /// <summary>Runs an action instance directly; exceptions propagate (so a test can assert on them).</summary>
    /// <param name="action">The action.</param>
    public async Task<ActionResult> RunAsync(IAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return await action.RunAsync(Context, CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs an action by descriptor as the executor would: an exception becomes an error result.</summary>
    /// <param name="descriptor">The action.</param>
    /// <param name="input">Its input.</param>
    public Task<ActionResult> RunAsync(ActionDescriptor descriptor, IReadOnlyDictionary<string, object?>? input = null) =>
        ActionRunner.RunAsync(descriptor, input ?? new Dictionary<string, object?>(), Context, CancellationToken);

    /// <summary>Runs an action class with input, as the executor would.</summary>
    /// <typeparam name="TAction">The action class.</typeparam>
    /// <param name="input">Its input.</param>
    public Task<ActionResult> RunAsync<TAction>(IReadOnlyDictionary<string, object?>? input = null)
        where TAction : IAction => RunAsync(ClassActionDescriptor.For<TAction>(typeof(TAction).Name), input);

    /// <summary>Finds an action in a provider and runs it; a miss is Mistral's "Failed to find action" error result.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="name">The action name.</param>
    /// <param name="input">Its input.</param>
    /// <param name="namespace">The namespace to look in.</param>
    public async Task<ActionResult> RunAsync(IActionProvider provider, string name, IReadOnlyDictionary<string, object?>? input = null, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var descriptor = await provider.FindAsync(name, @namespace, CancellationToken).ConfigureAwait(false);
        return descriptor is null
            ? ActionResult.Failure($"Failed to find action [action_name={name}, namespace={@namespace ?? ""}]")
            : await RunAsync(descriptor, input).ConfigureAwait(false);
    }

    /// <summary>Makes cancellation usable again after <see cref="Cancel"/>.</summary>
    public void Reset()
    {
        _cancellation.Dispose();
        _cancellation = new CancellationTokenSource();
    }

    /// <inheritdoc />
    public void Dispose() => _cancellation.Dispose();

    private static ExecutionContext NewExecution()
    {
        var actionId = Guid.NewGuid().ToString();
        return new ExecutionContext
        {
            WorkflowExecutionId = Guid.NewGuid().ToString(),
            TaskExecutionId = Guid.NewGuid().ToString(),
            ActionExecutionId = actionId,
            WorkflowName = "test_workflow",
            CallbackUrl = ExecutionContext.CallbackPath(actionId),
        };
    }
}

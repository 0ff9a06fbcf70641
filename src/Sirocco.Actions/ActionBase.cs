using System.Reflection;

namespace Sirocco.Actions;

/// <summary>
/// Base class for actions. Declare the action's input as constructor parameters (they become its signature, as
/// mistral-lib derives it from <c>__init__</c>) and override either <see cref="Run"/> (blocking) or
/// <see cref="RunAsync"/> (asynchronous, cancellable). Either may return a plain value (see
/// <see cref="ActionValues"/>) or an <see cref="ActionResult"/>; throwing fails the action with the exception text.
/// Mark a class with <see cref="CompletesLaterAttribute"/> when its result arrives later through the API.
/// </summary>
public abstract class ActionBase : IAction
{
    /// <inheritdoc />
    public virtual bool IsSync => GetType().GetCustomAttribute<CompletesLaterAttribute>(inherit: true) is null;

    /// <summary>Runs the action and returns its value, or an <see cref="ActionResult"/>.</summary>
    /// <param name="context">The action context.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public virtual Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Run(context));

    /// <summary>Blocking form of <see cref="RunAsync"/>; override one of the two.</summary>
    /// <param name="context">The action context.</param>
    protected virtual object? Run(ActionContext context) =>
        throw new NotSupportedException($"not supported: {GetType().FullName} overrides neither Run nor RunAsync");

    async ValueTask<ActionResult> IAction.RunAsync(ActionContext context, CancellationToken cancellationToken) =>
        ActionResult.From(await RunAsync(context, cancellationToken).ConfigureAwait(false));
}

/// <summary>
/// Marks an action whose result arrives later through the API (Mistral's async actions such as
/// <c>std.async_noop</c> and <c>std.mistral_http</c>): the task stays RUNNING after <c>Run</c> returns.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class CompletesLaterAttribute : Attribute;

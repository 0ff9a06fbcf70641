using System.Reflection;

namespace Sirocco.Actions;

/// <summary>
/// An action written as a method or lambda: its parameters are the input signature (parameters of type
/// <see cref="ActionContext"/> and <see cref="CancellationToken"/> are supplied by the runtime). It may return a
/// value, an <see cref="ActionResult"/>, or a <see cref="Task"/>/<see cref="ValueTask"/> of either.
/// </summary>
/// <example><code>new DelegateActionDescriptor("my.greet", (string name, long times = 1) => string.Concat(Enumerable.Repeat(name, (int)times)))</code></example>
public sealed class DelegateActionDescriptor : ActionDescriptor
{
    private readonly Delegate _run;
    private readonly ParameterInfo[] _parameters;

    /// <summary>Describes <paramref name="run"/> under <paramref name="name"/>.</summary>
    /// <param name="name">The action name.</param>
    /// <param name="run">The method that runs the action.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="description">Description.</param>
    public DelegateActionDescriptor(string name, Delegate run, string @namespace = "", string description = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(run);
        Name = name;
        _run = run;
        _parameters = run.Method.GetParameters();
        Namespace = @namespace ?? "";
        Description = description ?? "";
        Signature = ActionSignature.FromMethod(run.Method);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override string Namespace { get; }

    /// <inheritdoc />
    public override string Description { get; }

    /// <inheritdoc />
    public override ActionSignature Signature { get; }

    /// <inheritdoc />
    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var snapshot = new Dictionary<string, object?>(input, StringComparer.Ordinal);
        return new Bound(this, snapshot);
    }

    private sealed class Bound(DelegateActionDescriptor owner, IReadOnlyDictionary<string, object?> input) : IAction
    {
        public bool IsSync => true;

        public async ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken)
        {
            var args = BindArguments(owner._parameters, input, p => p.ParameterType == typeof(ActionContext) ? context : cancellationToken);
            object? returned;
            try
            {
                returned = owner._run.DynamicInvoke(args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw; // unreachable
            }

            switch (returned)
            {
                case Task task:
                    await task.ConfigureAwait(false);
                    // the declared type decides: an async lambda returning Task runs as a Task<VoidTaskResult>
                    var declared = owner._run.Method.ReturnType;
                    returned = declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(Task<>)
                        ? declared.GetProperty("Result")!.GetValue(task)
                        : null;
                    break;
                case ValueTask valueTask:
                    await valueTask.ConfigureAwait(false);
                    returned = null;
                    break;
                default:
                    if (returned is not null && returned.GetType().IsGenericType && returned.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>))
                    {
                        var asTask = (Task)returned.GetType().GetMethod("AsTask")!.Invoke(returned, null)!;
                        await asTask.ConfigureAwait(false);
                        returned = asTask.GetType().GetProperty("Result")!.GetValue(asTask);
                    }

                    break;
            }

            return ActionResult.From(returned);
        }
    }
}

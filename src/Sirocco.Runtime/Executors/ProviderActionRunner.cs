using Sirocco.Actions;
using Sirocco.Engine.Definitions;
using Sirocco.Engine.Effects;
using EngineResult = Sirocco.Engine.Events.ActionResult;

namespace Sirocco.Runtime.Executors;

/// <summary>
/// Runs the actions of an action provider (the std provider, custom ones) through the SDK's
/// <see cref="Actions.ActionRunner"/>, which checks the input and turns exceptions into Mistral's error text.
/// </summary>
public sealed class ProviderActionRunner : IActionRunner
{
    private readonly IActionProvider _provider;
    private readonly IReadOnlySet<string> _safeToRerun;
    private readonly Providers.ActionVersionPins? _pins;

    /// <summary>Creates the runner.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="safeToRerun">Names of its actions that have no outside effects and may re-run after a crash.</param>
    /// <param name="pins">
    /// When set (and <paramref name="provider"/> is a composite), an action of a workflow execution resolves against the
    /// plugin versions that execution started with.
    /// </param>
    public ProviderActionRunner(IActionProvider provider, IEnumerable<string>? safeToRerun = null, Providers.ActionVersionPins? pins = null)
    {
        _provider = provider;
        _safeToRerun = new HashSet<string>(safeToRerun ?? [], StringComparer.Ordinal);
        _pins = pins;
    }

    /// <inheritdoc />
    public bool CanRun(string actionName) => Find(actionName) is not null;

    /// <inheritdoc />
    public ActionDefinition? Describe(string actionName, string @namespace)
    {
        if (Find(actionName) is not { } d)
        {
            return null;
        }

        return new ActionDefinition
        {
            Name = actionName,
            Namespace = @namespace,
            // a **kwargs-style signature accepts anything: the engine then checks nothing, as Mistral does
            Parameters = d.Signature.AcceptsOtherInput
                ? null
                : d.Signature.Parameters.Select(p => new Engine.Definitions.ActionParameter(p.Name, p.IsRequired, p.DefaultValue)).ToList(),
            IsAsync = !d.IsSync,
        };
    }

    /// <inheritdoc />
    public bool IsSafeToRerun(string actionName) => _safeToRerun.Contains(actionName);

    /// <inheritdoc />
    public async Task<EngineResult> RunAsync(RunAction request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ActionDescriptor? descriptor;
        try
        {
            descriptor = _pins is { Enabled: true } && request.WorkflowExecutionId is { } executionId && _provider is CompositeActionProvider composite
                         && await _pins.ForExecutionAsync(executionId).ConfigureAwait(false) is { } versions
                ? await composite.FindAsync(request.ActionName, null, versions, ct).ConfigureAwait(false)
                : await _provider.FindAsync(request.ActionName, null, ct).ConfigureAwait(false);
        }
        catch (ActionVersionUnavailableException e)
        {
            return EngineResult.Failed(e.Message); // pinned to a plugin version that is gone: never run another one
        }

        if (descriptor is null)
        {
            return EngineResult.Failed($"not supported: action {request.ActionName} (no action provider for it)");
        }

        var context = ActionContext.FromDictionary(request.ExecutionContext);
        var result = await Actions.ActionRunner.RunAsync(descriptor, request.Input, context, ct).ConfigureAwait(false);
        if (result.IsCancel)
        {
            return EngineResult.Cancelled();
        }

        return result.IsError ? EngineResult.Failed(result.Error!) : EngineResult.Ok(result.Data);
    }

    // Providers answer from memory (catalogs); a provider that needs I/O to find an action blocks here once per lookup.
    private ActionDescriptor? Find(string name)
    {
        var pending = _provider.FindAsync(name, null, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }
}

using Sirocco.Engine.Definitions;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;

namespace Sirocco.Runtime.Executors;

/// <summary>Runs actions of some names (the standard ones, a custom provider's).</summary>
public interface IActionRunner
{
    /// <summary>Whether this runner runs the named action.</summary>
    bool CanRun(string actionName);

    /// <summary>
    /// Whether running the action again after an executor died mid-run is harmless (no side effects outside),
    /// so that it may re-run even when its task does not say <c>safe-rerun: true</c>.
    /// </summary>
    bool IsSafeToRerun(string actionName);

    /// <summary>
    /// How the engine sees one of this runner's actions (declared parameters, checked before the action is scheduled;
    /// whether it completes later), or null when the runner does not run it. By default the input is not checked.
    /// </summary>
    ActionDefinition? Describe(string actionName, string @namespace) =>
        CanRun(actionName) ? new ActionDefinition { Name = actionName, Namespace = @namespace } : null;

    /// <summary>Runs the action; an error is a result with <see cref="ActionResult.Error"/>, cancellation throws.</summary>
    Task<ActionResult> RunAsync(RunAction request, CancellationToken ct);
}

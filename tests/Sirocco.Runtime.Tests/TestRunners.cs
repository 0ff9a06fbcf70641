using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Runtime.Executors;

namespace Sirocco.Runtime.Tests;

/// <summary>
/// <c>test.gate</c>: an action that runs until the test opens the gate, so a test can act while it is running
/// (pause, cancel, restart). Not safe to re-run. Its result is its <c>value</c> input.
/// </summary>
internal sealed class GateRunner : IActionRunner
{
    private readonly SemaphoreSlim _gate = new(0);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Runs;

    public void Open() => _gate.Release(1000);

    public bool CanRun(string actionName) => actionName == "test.gate";

    public bool IsSafeToRerun(string actionName) => false;

    public async Task<ActionResult> RunAsync(RunAction request, CancellationToken ct)
    {
        Interlocked.Increment(ref Runs);
        Entered.TrySetResult();
        try
        {
            await _gate.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult();
            throw;
        }

        return ActionResult.Ok(request.Input.GetValueOrDefault("value"));
    }
}

/// <summary>The real <c>std.sleep</c>, counting how often it started, so a test knows the sleep is under way.</summary>
internal sealed class CountingSleepRunner : IActionRunner
{
    private readonly ProviderActionRunner _inner = new(new Sirocco.Actions.Standard.StandardActionProvider());

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Runs;

    public bool CanRun(string actionName) => actionName == "std.sleep";

    public bool IsSafeToRerun(string actionName) => true;

    public Task<ActionResult> RunAsync(RunAction request, CancellationToken ct)
    {
        Interlocked.Increment(ref Runs);
        Entered.TrySetResult();
        return _inner.RunAsync(request, ct);
    }
}

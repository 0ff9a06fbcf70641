using Sirocco.Runtime.Commands;
using Sirocco.Runtime.Hosting;
using Sirocco.Store;

namespace Sirocco.Runtime.Cluster;

/// <summary>
/// The engine side of the hand-off for what is not an engine step: direct action runs (POST /v2/action_executions)
/// that API-only nodes queued. An engine node claims one (claimed_by = its node id), runs it as it would run its own
/// API's request, and writes the answer. Event and delete commands are not here: the host loop takes them in its own
/// round (<see cref="ExecutionHost"/>). The sweep answers commands claimed by nodes that left the registry: such a run
/// is reported lost, never run again (the action may have had effects).
/// </summary>
internal sealed class CommandWorker
{
    private readonly SiroccoStore _store;
    private readonly RuntimeOptions _options;
    private readonly Func<RunActionRequest, CancellationToken, Task<RunActionOutcome>> _run;
    private readonly WakeSignal _wake = new();
    private readonly SemaphoreSlim _slots;

    public CommandWorker(SiroccoStore store, RuntimeOptions options, Func<RunActionRequest, CancellationToken, Task<RunActionOutcome>> run)
    {
        _store = store;
        _options = options;
        _run = run;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentActions));
    }

    /// <summary>The answer given for a run claimed by a node that stopped or died before answering.</summary>
    internal const string LostMessage =
        "the node running the action stopped before answering: the action was not run again (it may or may not have run)";

    public void Wake() => _wake.Set();

    /// <summary>Called at every slow sweep (the host then reads the command table once: a safety net for missed notifications).</summary>
    public Action? Swept { get; set; }

    public async Task RunAsync(CancellationToken ct)
    {
        var nextSweep = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (true)
                {
                    await _slots.WaitAsync(ct).ConfigureAwait(false);
                    var claimed = await ClaimAsync(ct).ConfigureAwait(false);
                    if (claimed is null)
                    {
                        _slots.Release();
                        break;
                    }

                    _ = Task.Run(() => RunOneAsync(claimed, ct), CancellationToken.None);
                }

                if (_store.Clock.GetUtcNow() >= nextSweep)
                {
                    var aliveSince = _store.Clock.GetUtcNow().ToUnixTimeMilliseconds() - (long)(_options.NodeHeartbeat * 3).TotalMilliseconds;
                    await _store.AnswerCommandsOfLostNodesAsync(aliveSince, CommandAnswer.Failed(new EngineUnavailableException(LostMessage)), ct)
                        .ConfigureAwait(false);
                    nextSweep = _store.Clock.GetUtcNow() + _options.SweepInterval;
                    Swept?.Invoke();
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (System.Data.Common.DbException)
            {
                // the database is away for a moment: the next wake or sweep tries again
            }

            await _wake.WaitAsync(_options.SweepInterval, _store.Clock, ct).ConfigureAwait(false);
        }
    }

    private async Task<SiroccoStore.PendingCommand?> ClaimAsync(CancellationToken ct)
    {
        try
        {
            return await _store.ClaimCommandAsync(SiroccoStore.CommandKinds.RunAction, _options.NodeId, ct).ConfigureAwait(false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private async Task RunOneAsync(SiroccoStore.PendingCommand command, CancellationToken ct)
    {
        try
        {
            string answer;
            try
            {
                var request = Engine.Serialization.EngineJson.Deserialize<RunActionRequest>(command.Payload);
                answer = CommandAnswer.Ok(await _run(request, ct).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // stopping: the sweep of another node answers it as lost once this node leaves the registry
            }
#pragma warning disable CA1031 // every failure is the caller's answer, as on a single node
            catch (Exception e)
#pragma warning restore CA1031
            {
                answer = CommandAnswer.Failed(e);
            }

            await _store.AnswerClaimedCommandAsync(command.Id, _options.NodeId, answer, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OperationCanceledException or ObjectDisposedException)
        {
            // not written: the sweep answers it as lost once this node is gone from the registry
        }
        finally
        {
            _slots.Release();
        }
    }
}

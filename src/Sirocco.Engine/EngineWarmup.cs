using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Engine.Serialization;
using Sirocco.Engine.Testing;

namespace Sirocco.Engine;

/// <summary>
/// Runs one small built-in workflow through the engine in memory, and its state through the engine's JSON, so that a
/// freshly started host compiles the common paths (task scheduling, YAQL evaluation, publish, with-items, joins, error
/// handling, state serialisation) before the first real execution needs them. Nothing is stored and nothing is
/// visible through the API: the definitions, the state and the ids exist only inside <see cref="Run"/>. Jinja is left
/// out on purpose: its engine is loaded and compiled only in processes whose workflows use it (memory over the first
/// Jinja expression's latency).
/// </summary>
public static class EngineWarmup
{
    // Covers what most workflows use: inputs with defaults, std.echo/std.noop run inline, YAQL in inputs, publish and
    // conditions, with-items with and without concurrency, a join, an on-error that handles std.fail, and
    // the workflow output.
    private const string Text = """
        version: '2.0'
        sirocco_warmup:
          type: direct
          input:
            - counter: 0
            - names: [a, b, c]
          output:
            counter: <% $.counter %>
            greeting: <% $.greeting %>
          tasks:
            first:
              action: std.echo output=<% $.counter + 1 %>
              publish:
                counter: <% task().result %>
              on-success:
                - items: <% $.counter > 0 %>
                - plain
            items:
              with-items: name in <% $.names %>
              concurrency: 2
              action: std.echo
              input:
                output: <% $.name.toUpper() %>
              publish:
                upper: <% task().result %>
              on-success: joined
            plain:
              action: std.echo
              input:
                output: <% len($.names) %>
              publish:
                greeting: <% 'hello ' + str(task().result) %>
              on-success: joined
            joined:
              join: all
              action: std.noop
              on-complete: failing
            failing:
              action: std.fail
              on-error: done
            done:
              action: std.echo output=<% len($.upper) %>
        """;

    /// <summary>Runs the warm-up workflow to its end; returns the finished execution (SUCCESS unless the engine is broken).</summary>
    public static WorkflowExecution Run() => RunState().Workflow;

    /// <summary>
    /// Runs the warm-up workflow to its end; returns its whole state (fresh ids each call), which a host may pass through
    /// its store's write path without keeping it (<c>SiroccoStore.WarmUpWritePathAsync</c>).
    /// </summary>
    public static ExecutionState RunState()
    {
        var definitions = new InMemoryDefinitions();
        definitions.AddWorkflows(Text);
        var context = new StepContext { Now = DateTime.UtcNow, Ids = GuidIdGenerator.Instance, Definitions = definitions };
        var result = WorkflowEngine.Step(null, new StartWorkflow { Workflow = definitions.FindWorkflow("sirocco_warmup", "")! }, context);
        var state = result.State;

        // the paths a host takes to store a state (loading one is left to the first restart that needs it)
        foreach (var task in state.Tasks)
        {
            _ = EngineJson.Serialize(task);
            _ = Values.Json.Serialize(TaskResults.Of(state, task, null));
        }

        foreach (var action in state.Actions)
        {
            _ = EngineJson.Serialize(action);
        }

        _ = EngineJson.Serialize(state.Workflow);
        return state;
    }
}

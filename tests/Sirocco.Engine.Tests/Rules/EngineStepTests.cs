using Sirocco.Engine.Definitions;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Engine.Tests.Support;
using Sirocco.Values;

namespace Sirocco.Engine.Tests.Rules;

/// <summary>The step function itself: what one event does to the state and which effects it asks for.</summary>
public class EngineStepTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static StepContext Ctx(DateTime? now = null, IDefinitionResolver? defs = null) => new()
    {
        Now = now ?? T0,
        Ids = new SequentialIdGenerator(),
        Definitions = defs ?? EmptyDefinitionResolver.Instance,
    };

    private static StartWorkflow Start(string yaml, string name = "wf", string? input = null) => new()
    {
        Workflow = new WorkflowDefinition { Name = name, Definition = yaml },
        Input = Run.Map(input),
    };

    private const string SleepThenEcho = """
        version: '2.0'
        wf:
          tasks:
            nap:
              action: std.sleep seconds=5
              on-success: [done]
            done:
              action: std.echo output="woke"
              publish: {r: <% task().result %>}
        """;

    [Fact]
    public void Starting_runs_cheap_actions_inline_and_sends_the_rest_to_an_executor()
    {
        var r = WorkflowEngine.Step(null, Start(SleepThenEcho), Ctx());
        Assert.Equal(States.Running, r.State.Workflow.State);
        var run = Assert.IsType<RunAction>(Assert.Single(r.Effects));
        Assert.Equal("std.sleep", run.ActionName);
        Assert.Equal(5L, run.Input["seconds"]);
        Assert.Contains(run.ActionExecutionId, r.ChangedActions);
        Assert.True(r.WorkflowChanged);

        var done = WorkflowEngine.Step(r.State, new ActionCompleted(run.ActionExecutionId, ActionResult.Ok(null)), Ctx());
        Assert.Empty(done.Effects);
        Assert.Equal(States.Success, done.State.Workflow.State);
        Assert.Equal("""{"r":"woke"}""", Json.Serialize(done.State.Workflow.Output));
    }

    [Fact]
    public void Invalid_input_is_refused_with_Mistrals_message_and_nothing_is_created()
    {
        var e = Assert.Throws<EngineException>(() => WorkflowEngine.Step(null, Start("""
            version: '2.0'
            wf:
              input: [needed, {optional: 1}]
              tasks:
                t: {action: std.noop}
            """, input: """{"unexpected": 1}"""), Ctx()));
        Assert.Equal("InputException", e.Kind);
        Assert.Equal("Invalid input [name=wf, class=DirectWorkflowSpec, missing=['needed'], unexpected=['unexpected']]", e.Message);
    }

    [Fact]
    public void Unknown_action_fails_the_task_and_the_workflow_with_Mistrals_text()
    {
        var r = WorkflowEngine.Step(null, Start("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: my.missing
                  on-error: [h]
                h: {action: std.noop}
            """), Ctx());
        Assert.Equal(States.Error, r.State.Workflow.State);
        Assert.StartsWith("Failed to run task [error=Failed to find action [action_name=my.missing, namespace=], wf=wf, task=t]", r.State.Tasks[0].StateInfo);
        Assert.Single(r.State.Tasks);
    }

    [Fact]
    public void Pause_resume_and_cancel_change_the_execution_and_cascade_to_children()
    {
        var r = WorkflowEngine.Step(null, Start(SleepThenEcho), Ctx());
        var action = ((RunAction)r.Effects[0]).ActionExecutionId;
        var paused = WorkflowEngine.Step(r.State, new PauseWorkflow(), Ctx());
        Assert.Equal(States.Paused, paused.State.Workflow.State);

        // The action finishes while paused: the task completes, its transitions wait for the resume.
        var completed = WorkflowEngine.Step(paused.State, new ActionCompleted(action, ActionResult.Ok(null)), Ctx());
        Assert.Equal(States.Paused, completed.State.Workflow.State);
        Assert.Single(completed.State.Tasks);
        Assert.False(completed.State.Tasks[0].Processed);

        var resumed = WorkflowEngine.Step(completed.State, new ResumeWorkflow(), Ctx());
        Assert.Equal(States.Success, resumed.State.Workflow.State);
        Assert.Equal(2, resumed.State.Tasks.Count);

        var again = WorkflowEngine.Step(null, Start(SleepThenEcho), Ctx());
        var cancelled = WorkflowEngine.Step(again.State, new StopWorkflow(States.Cancelled, "enough"), Ctx());
        Assert.Equal(States.Cancelled, cancelled.State.Workflow.State);
        Assert.Equal("""{"result":"enough"}""", Json.Serialize(cancelled.State.Workflow.Output));
        // A running action is not touched by cancelling, as in Mistral.
        Assert.Equal(States.Running, cancelled.State.Tasks[0].State);
    }

    [Fact]
    public void Pausing_a_completed_execution_is_refused()
    {
        var r = WorkflowEngine.Step(null, Start("""
            version: '2.0'
            wf:
              tasks:
                t: {action: std.noop}
            """), Ctx());
        Assert.Equal(States.Success, r.State.Workflow.State);
        Assert.Throws<EngineException>(() => WorkflowEngine.Step(r.State, new PauseWorkflow(), Ctx()));
        Assert.Equal(States.Success, r.State.Workflow.State);
    }

    [Fact]
    public void Wait_before_arms_a_durable_timer_and_runs_the_action_when_it_fires()
    {
        var r = WorkflowEngine.Step(null, Start("""
            version: '2.0'
            wf:
              tasks:
                t:
                  wait-before: 30
                  action: std.sleep seconds=1
            """), Ctx());
        var arm = Assert.IsType<ArmTimer>(Assert.Single(r.Effects));
        Assert.Equal(T0.AddSeconds(30), arm.DueAt);
        Assert.Equal(States.Delayed, r.State.Tasks[0].State);
        Assert.Equal("Delayed by 'wait-before' policy [delay=30]", r.State.Tasks[0].StateInfo);

        var fired = WorkflowEngine.Step(r.State, new TimerFired(arm.TimerId), Ctx(T0.AddSeconds(30)));
        Assert.IsType<RunAction>(Assert.Single(fired.Effects));
        Assert.Equal(States.Running, fired.State.Tasks[0].State);
        Assert.Empty(fired.State.Timers);

        // A timer that fires twice (redelivered) is ignored the second time.
        var twice = WorkflowEngine.Step(fired.State, new TimerFired(arm.TimerId), Ctx(T0.AddSeconds(31)));
        Assert.Empty(twice.Effects);
    }

    [Fact]
    public void A_second_result_for_the_same_action_is_ignored()
    {
        var r = WorkflowEngine.Step(null, Start(SleepThenEcho), Ctx());
        var action = ((RunAction)r.Effects[0]).ActionExecutionId;
        WorkflowEngine.Step(r.State, new ActionCompleted(action, ActionResult.Ok(null)), Ctx());
        var again = WorkflowEngine.Step(r.State, new ActionCompleted(action, ActionResult.Failed("late")), Ctx());
        Assert.Empty(again.Effects);
        Assert.Equal(States.Success, again.State.Workflow.State);
        Assert.Equal(2, again.State.Tasks.Count);
    }

    [Fact]
    public void A_sub_workflow_starts_through_an_effect_and_its_result_completes_the_parent_task()
    {
        var defs = new Testing.InMemoryDefinitions();
        defs.AddWorkflows("""
            version: '2.0'
            sub:
              input: [n]
              output: {doubled: <% $.n * 2 %>}
              tasks:
                s: {action: std.noop}
            """);
        var r = WorkflowEngine.Step(null, Start("""
            version: '2.0'
            wf:
              tasks:
                t:
                  workflow: sub n=3
                  publish: {d: <% task().result.doubled %>}
            """), Ctx(defs: defs));
        var start = Assert.IsType<StartChildWorkflow>(Assert.Single(r.Effects)).Start;
        Assert.Equal(3L, start.Input["n"]);
        Assert.Equal(r.State.Workflow.Id, start.ParentExecutionId);

        var child = WorkflowEngine.Step(null, start, Ctx(defs: defs));
        Assert.Equal(States.Success, child.State.Workflow.State);
        var notify = Assert.IsType<NotifyParent>(Assert.Single(child.Effects));

        var parent = WorkflowEngine.Step(r.State, notify.Event, Ctx(defs: defs));
        Assert.Equal(States.Success, parent.State.Workflow.State);
        Assert.Equal("""{"d":6}""", Json.Serialize(parent.State.Tasks[0].Published));
    }

    [Fact]
    public void An_async_action_stays_running_until_its_result_arrives()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.async_noop
                  publish: {got: <% task().result %>}
            """);
        Assert.Equal(States.Running, o.Wf.State);
        var action = o.State.Actions.Single();
        Assert.False(action.IsSync);
        o.Env.CompleteAction(o.Wf.Id, action.Id, ActionResult.Ok("later"));
        Assert.Equal(States.Success, o.Wf.State);
        Assert.Equal("later", o.Task("t").Published!["got"]);
    }

    [Fact]
    public void Rerun_of_a_failed_task_runs_it_again_and_the_workflow_can_succeed()
    {
        var calls = 0;
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: my.flaky
                  on-success: [after]
                after: {action: std.noop}
            """, setup: env =>
        {
            env.Definitions.AddAction(new ActionDefinition { Name = "my.flaky" });
            env.ActionHandlers["my.flaky"] = _ => ++calls == 1 ? ActionResult.Failed("first time") : ActionResult.Ok("second time");
        });
        Assert.Equal(States.Error, o.Wf.State);
        Assert.Throws<EngineException>(() => o.Env.Send(o.Wf.Id, new RerunTask("missing-id")));

        o.Env.Send(o.Wf.Id, new RerunTask(o.Task("t").Id));
        Assert.Equal(States.Success, o.Wf.State);
        Assert.Equal("second time", o.Result("t"));
        Assert.Single(o.Named("after"));
    }

    [Fact]
    public void Cancelling_a_parent_cancels_its_running_sub_workflow()
    {
        var o = Run.Workflow("""
            version: '2.0'
            sub:
              tasks:
                s: {action: std.async_noop}
            wf:
              tasks:
                t: {workflow: sub}
            """);
        var child = o.Env.ChildrenOf(o.Wf.Id).Single();
        Assert.Equal(States.Running, child.Workflow.State);
        o.Env.Send(o.Wf.Id, new StopWorkflow(States.Cancelled, "stop"));
        Assert.Equal(States.Cancelled, o.Wf.State);
        Assert.Equal(States.Cancelled, child.Workflow.State);
    }

    [Fact]
    public void Pausing_a_sub_workflow_pauses_its_parent_and_resuming_the_parent_resumes_both()
    {
        var o = Run.Workflow("""
            version: '2.0'
            sub:
              tasks:
                s: {action: std.async_noop}
            wf:
              tasks:
                t: {workflow: sub}
            """);
        var child = o.Env.ChildrenOf(o.Wf.Id).Single();
        o.Env.Send(child.Workflow.Id, new PauseWorkflow());
        Assert.Equal(States.Paused, child.Workflow.State);
        Assert.Equal(States.Paused, o.Task("t").State);
        Assert.Equal(States.Paused, o.Wf.State);

        o.Env.Send(o.Wf.Id, new ResumeWorkflow());
        Assert.Equal(States.Running, child.Workflow.State);
        Assert.Equal(States.Running, o.Wf.State);
        o.Env.CompleteAction(child.Workflow.Id, child.Actions.Single().Id, ActionResult.Ok(null));
        Assert.Equal(States.Success, o.Wf.State);
    }

    [Fact]
    public void Reverse_workflow_runs_only_what_the_target_requires()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              type: reverse
              tasks:
                a: {action: std.noop, publish: {pa: A}}
                b: {action: std.noop, publish: {pb: B}, requires: [a]}
                d: {action: std.noop}
            """, paramsJson: """{"task_name": "b"}""");
        Assert.Equal(States.Success, o.Wf.State);
        Assert.Equal("a,b", o.TaskNames);
        Assert.Equal("""{"pa":"A","pb":"B"}""", o.OutputJson);
    }

    [Fact]
    public void With_items_concurrency_keeps_at_most_N_actions_in_flight_and_orders_results_by_item()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  with-items: x in [3, 1, 2, 5]
                  concurrency: 2
                  action: std.echo output=<% $.x %> delay=<% $.x %>
            """);
        Assert.Equal("[3,1,2,5]", Json.Serialize(o.Result("t")));
        Assert.Equal(4, o.State.Actions.Count);
        // Two requests went out at the start, then one per completion.
        Assert.Equal(4, o.Env.ActionRequests.Count);
    }

    [Fact]
    public void Every_engine_type_survives_the_hosts_serialization()
    {
        var o = Run.Workflow(SleepThenEcho);
        var json = Sirocco.Engine.Serialization.EngineJson.Serialize(o.State);
        var back = Sirocco.Engine.Serialization.EngineJson.Deserialize<ExecutionState>(json);
        Assert.Equal(json, Sirocco.Engine.Serialization.EngineJson.Serialize(back));
    }

    [Fact]
    public void Workbook_ad_hoc_actions_resolve_from_the_executions_own_workbook_text()
    {
        // A host whose resolver knows only workflows (no separately stored workbook actions).
        var workbook = """
            version: '2.0'
            name: wb
            actions:
              shout:
                base: std.echo
                base-input: {output: <% $.text.toUpper() %>}
                input: [text]
            workflows:
              wf:
                tasks:
                  t:
                    action: shout text="hi"
            """;
        var start = new StartWorkflow { Workflow = new WorkflowDefinition { Name = "wb.wf", Definition = workbook, WorkbookName = "wb" } };
        var r = WorkflowEngine.Step(null, start, Ctx());
        Assert.Equal(States.Success, r.State.Workflow.State);
        Assert.Equal("HI", TaskResults.Of(r.State, r.State.Tasks[0]));
        Assert.Equal("wb.shout", r.State.Actions[0].Name);
    }
}

using Sirocco.Engine.Definitions;
using Sirocco.Engine.Effects;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Engine.Serialization;
using Sirocco.Values;

namespace Sirocco.Engine.Tests.Serialization;

public class EngineJsonTests
{
    [Fact]
    public void Execution_state_round_trips_keeping_int_float_and_map_order()
    {
        var input = new OrderedDictionary<string, object?> { ["z"] = 1L, ["a"] = 2.0, ["l"] = new List<object?> { "x", null, true } };
        var state = new ExecutionState
        {
            Workflow = new WorkflowExecution { Id = "wf-1", Name = "wf", WorkflowName = "wf", Input = input, State = States.Running },
            Tasks = [new TaskExecution { Id = "t-1", Name = "t1", WorkflowExecutionId = "wf-1", WorkflowName = "wf", Published = null, NextTasks = [new NextTask("t2", "on-success")] }],
        };

        var json = EngineJson.Serialize(state);
        var back = EngineJson.Deserialize<ExecutionState>(json);

        Assert.Equal(["z", "a", "l"], back.Workflow.Input.Keys);
        Assert.IsType<long>(back.Workflow.Input["z"]);
        Assert.IsType<double>(back.Workflow.Input["a"]);
        Assert.True(ValueEquality.AreEqual(input, back.Workflow.Input));
        Assert.Null(back.Tasks[0].Published);
        Assert.Equal(new NextTask("t2", "on-success"), back.Tasks[0].NextTasks[0]);
        Assert.Equal(json, EngineJson.Serialize(back));
    }

    [Fact]
    public void Events_and_effects_round_trip_polymorphically()
    {
        EngineEvent e = new StartWorkflow
        {
            Workflow = new WorkflowDefinition { Name = "wf", Definition = "version: '2.0'" },
            Input = new OrderedDictionary<string, object?> { ["n"] = 3L },
        };
        var back = EngineJson.Deserialize<EngineEvent>(EngineJson.Serialize(e));
        var start = Assert.IsType<StartWorkflow>(back);
        Assert.Equal(3L, start.Input["n"]);

        EngineEffect effect = new NotifyParent("p", new ChildCompleted("c", States.Success, null, new OrderedDictionary<string, object?> { ["x"] = 1.5 }));
        var effectBack = Assert.IsType<NotifyParent>(EngineJson.Deserialize<EngineEffect>(EngineJson.Serialize(effect)));
        var done = Assert.IsType<ChildCompleted>(effectBack.Event);
        Assert.Equal(1.5, done.Output["x"]);

        var failed = EngineJson.Deserialize<EngineEvent>(EngineJson.Serialize<EngineEvent>(new ActionCompleted("a", ActionResult.Failed("boom"))));
        Assert.True(Assert.IsType<ActionCompleted>(failed).Result.IsError);
    }
}

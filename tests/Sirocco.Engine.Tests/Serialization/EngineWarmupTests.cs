using Sirocco.Engine.Model;
using Sirocco.Values;

namespace Sirocco.Engine.Tests.Serialization;

public class EngineWarmupTests
{
    [Fact]
    public void The_warm_up_workflow_runs_every_branch_to_success()
    {
        var execution = EngineWarmup.Run();

        Assert.Equal(States.Success, execution.State);
        // first published 1; the with-items published three upper-cased names; plain counted the names
        Assert.Equal("""{"counter":1,"greeting":"hello 3"}""", Json.Serialize(execution.Output));
    }

    [Fact]
    public void Each_run_is_a_fresh_execution_with_the_same_outputs()
    {
        var first = EngineWarmup.Run();
        var second = EngineWarmup.Run();

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(first.Output.Keys, second.Output.Keys);
    }
}

using Xunit;

namespace Sirocco.Language.Tests;

/// <summary>Specs carry the positions the engine needs to point run-time errors into the text.</summary>
public class PositionTests
{
    private const string Text = """
        version: '2.0'
        wf:
          input: [a]
          output:
            r: <% $.x %>
          tasks:
            t1:
              action: std.echo output=1
              publish:
                x: <% task().result %>
              on-success:
                - t2: <% $.x > 0 %>
            t2:
              workflow: sub
        """;

    [Fact]
    public void Workflow_task_and_transition_positions()
    {
        var wf = LanguageParser.ParseWorkflows(Text).Workflows[0];
        Assert.Equal(new SourcePosition(2, 1), wf.Position);
        Assert.Equal(new SourcePosition(5, 5), wf.KeyPositions["output"]);
        var t1 = wf.Tasks[0];
        Assert.Equal(new SourcePosition(7, 5), t1.Position);
        Assert.Equal(new SourcePosition(8, 15), t1.KeyPositions["action"]);
        Assert.Equal(new SourcePosition(10, 9), t1.KeyPositions["publish"]);
        Assert.Equal(new SourcePosition(12, 11), t1.OnSuccess!.Next[0].Position);
        Assert.Equal(new SourcePosition(13, 5), wf.Tasks[1].Position);
    }

    [Fact]
    public void Start_and_inbound_tasks()
    {
        var wf = LanguageParser.ParseWorkflows(Text).Workflows[0];
        Assert.Equal(["t1"], wf.StartTasks.Select(t => t.Name));
        Assert.Equal(["t1"], wf.InboundTasks("t2").Select(t => t.Name));
        Assert.Empty(wf.InboundTasks("t1"));
        Assert.True(wf.Tasks[1].IsWorkflowTask);
        Assert.Null(wf.Tasks[1].Action);
    }
}

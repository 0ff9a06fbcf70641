using Sirocco.Actions;
using Sirocco.Actions.Testing;

namespace Sirocco.Actions.Tests.Sdk;

public class ActionEnvironmentTests
{
    /// <summary>Reports what it sees of its context.</summary>
    private sealed class WhoAmIAction(string greeting = "hello") : ActionBase
    {
        protected override object? Run(ActionContext context) => new OrderedDictionary<string, object?>
        {
            ["greeting"] = greeting,
            ["user"] = context.Security.UserName,
            ["project"] = context.Security.ProjectId,
            ["roles"] = context.Security.Roles.Cast<object?>().ToList(),
            ["token"] = context.Security.AuthToken,
            ["execution"] = context.Execution.WorkflowExecutionId,
            ["task"] = context.Execution.TaskExecutionId,
            ["callback"] = context.Execution.CallbackUrl,
            ["workflow"] = context.Execution.WorkflowName,
        };
    }

    private sealed class WaitForeverAction : ActionBase
    {
        public override async Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return "never";
        }
    }

    private sealed class ThrowingAction(string message) : ActionBase
    {
        protected override object? Run(ActionContext context) => throw new InvalidOperationException(message);
    }

    [CompletesLater]
    private sealed class LaterAction : ActionBase
    {
        protected override object? Run(ActionContext context) => null;
    }

    [Fact]
    public async Task The_Action_Sees_The_Fake_Security_And_Execution_Context()
    {
        using var env = new ActionEnvironment
        {
            Security = new SecurityContext { UserName = "alice", ProjectId = "p1", Roles = ["admin", "member"], AuthToken = "tok" },
            Execution = new ExecutionContext { WorkflowExecutionId = "wf-1", TaskExecutionId = "t-1", ActionExecutionId = "a-1", WorkflowName = "wb.wf", CallbackUrl = ExecutionContext.CallbackPath("a-1") },
        };
        var result = await env.RunAsync<WhoAmIAction>(new Dictionary<string, object?> { ["greeting"] = "hi" });
        Assert.True(result.IsSuccess);
        var data = Assert.IsType<OrderedDictionary<string, object?>>(result.Data);
        Assert.Equal("hi", data["greeting"]);
        Assert.Equal("alice", data["user"]);
        Assert.Equal("p1", data["project"]);
        Assert.Equal(new List<object?> { "admin", "member" }, data["roles"]);
        Assert.Equal("tok", data["token"]);
        Assert.Equal("wf-1", data["execution"]);
        Assert.Equal("t-1", data["task"]);
        Assert.Equal("/v2/action_executions/a-1", data["callback"]);
        Assert.Equal("wb.wf", data["workflow"]);
    }

    [Fact]
    public async Task Default_Context_Has_Fresh_Ids_And_A_Callback_Url()
    {
        using var env = new ActionEnvironment();
        var data = Assert.IsType<OrderedDictionary<string, object?>>((await env.RunAsync<WhoAmIAction>()).Data);
        Assert.Equal("hello", data["greeting"]);
        Assert.Equal($"/v2/action_executions/{env.Execution.ActionExecutionId}", data["callback"]);
        Assert.NotNull(data["execution"]);
    }

    [Fact]
    public async Task Cancel_Stops_A_Running_Action()
    {
        using var env = new ActionEnvironment();
        var run = env.RunAsync(new WaitForeverAction());
        Assert.False(run.IsCompleted);
        env.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task An_Exception_Becomes_Mistrals_Raised_Exception_Error()
    {
        using var env = new ActionEnvironment { Execution = new ExecutionContext { ActionExecutionId = "a-9" } };
        var result = await env.RunAsync(new ClassActionDescriptor("my.boom", typeof(ThrowingAction), actionClassName: "pkg.BoomAction"),
            new Dictionary<string, object?> { ["message"] = "it broke" });
        Assert.True(result.IsError);
        Assert.Equal("The action raised an exception [action=Boom action, action_ex_id=a-9, msg='it broke']", result.Error);
        Assert.Equal(new OrderedDictionary<string, object?> { ["result"] = result.Error }, result.ToOutput());
    }

    [Fact]
    public async Task Bad_Input_Is_An_Error_Result_And_Nothing_Runs()
    {
        using var env = new ActionEnvironment();
        var result = await env.RunAsync(new ClassActionDescriptor("my.boom", typeof(ThrowingAction)), new Dictionary<string, object?>());
        Assert.Equal($"Invalid input [name=my.boom, class={typeof(ThrowingAction).FullName}, missing=['message']]", result.Error);
    }

    [Fact]
    public async Task A_Provider_Miss_Is_Mistrals_Failed_To_Find_Action()
    {
        using var env = new ActionEnvironment();
        var result = await env.RunAsync(new ActionCatalog("empty"), "no.such", null, "ns1");
        Assert.Equal("Failed to find action [action_name=no.such, namespace=ns1]", result.Error);
    }

    [Fact]
    public void CompletesLater_Marks_The_Action_And_Its_Descriptor_Async()
    {
        Assert.False(new LaterAction().IsSync);
        Assert.False(ClassActionDescriptor.For<LaterAction>("later").IsSync);
        Assert.True(((IAction)new ThrowingAction("x")).IsSync);
    }

    [Fact]
    public async Task Delegate_Actions_Run_Sync_And_Async_With_Context()
    {
        using var env = new ActionEnvironment { Security = new SecurityContext { UserName = "bob" } };
        var sync = new DelegateActionDescriptor("add", (long a, long b = 10) => a + b);
        Assert.Equal(15L, (await env.RunAsync(sync, new Dictionary<string, object?> { ["a"] = 5L })).Data);
        var asyncOne = new DelegateActionDescriptor("who", async (ActionContext ctx, CancellationToken ct) =>
        {
            await Task.Yield();
            return ctx.Security.UserName;
        });
        Assert.Equal("bob", (await env.RunAsync(asyncOne)).Data);
        var failing = new DelegateActionDescriptor("fail", () => ActionResult.Failure(new OrderedDictionary<string, object?> { ["code"] = 7L }));
        var failed = await env.RunAsync(failing);
        Assert.True(failed.IsError);
        Assert.Equal(7L, Assert.IsType<OrderedDictionary<string, object?>>(failed.Error)["code"]);
        var voidTask = new DelegateActionDescriptor("void", async () => await Task.Yield());
        Assert.True((await env.RunAsync(voidTask)).IsSuccess);
    }

    [Fact]
    public void Result_Semantics_Follow_Mistral_Lib()
    {
        Assert.True(ActionResult.Success(null).IsSuccess);
        Assert.True(ActionResult.Failure("x").IsError);
        var cancelled = ActionResult.Cancelled("stop");
        Assert.True(cancelled.IsCancel);
        Assert.False(cancelled.IsError);
        Assert.False(cancelled.IsSuccess);
        Assert.Equal(new OrderedDictionary<string, object?> { ["result"] = 1L }, ActionResult.From(1).ToOutput());
    }

    [Fact]
    public void Context_Round_Trips_Through_Its_Dictionary_Form()
    {
        var ctx = new ActionContext(new SecurityContext { ProjectId = "p", Roles = ["r"], AuthToken = "t", IsTrustScoped = true },
            new ExecutionContext { WorkflowExecutionId = "w", TaskExecutionId = "t1", ActionExecutionId = "a", WorkflowName = "wf", CallbackUrl = "/v2/action_executions/a" });
        var back = ActionContext.FromDictionary(ctx.ToDictionary());
        Assert.Equal(ctx.Execution, back.Execution);
        Assert.Equal(["r"], back.Security.Roles);
        Assert.Equal("t", back.Security.AuthToken);
        Assert.True(back.Security.IsTrustScoped);
        var flat = ActionContext.FromDictionary(new Dictionary<string, object?> { ["workflow_execution_id"] = "w", ["task_id"] = "t", ["action_execution_id"] = "a" });
        Assert.Equal("t", flat.Execution.TaskExecutionId);
        Assert.Equal("/v2/action_executions/a", flat.Execution.CallbackUrl);
    }
}

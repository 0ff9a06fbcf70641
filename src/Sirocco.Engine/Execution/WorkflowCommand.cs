using Sirocco.Engine.Model;
using Sirocco.Language;

namespace Sirocco.Engine.Execution;

/// <summary>What a workflow command asks for (Mistral's <c>workflow/commands.py</c> classes).</summary>
internal enum CommandKind
{
    RunTask,
    RunExistingTask,
    Fail,
    Succeed,
    Pause,
    Noop,
}

/// <summary>
/// One decision of the workflow controller: run a task (new or existing) or change the workflow state.
/// </summary>
internal sealed class WorkflowCommand
{
    public required CommandKind Kind { get; init; }

    /// <summary>The target task spec (for an engine command: the task whose transition produced it).</summary>
    public required TaskSpec TaskSpec { get; init; }

    /// <summary>The command name as written (task name or engine command).</summary>
    public required string Name { get; init; }

    public OrderedDictionary<string, object?> Context { get; init; } = [];

    public List<object?>? TriggeredBy { get; init; }

    public bool HandlesError { get; init; }

    public bool HasMsg { get; init; }

    public object? Msg { get; init; }

    /// <summary>A join command: the task waits (Mistral's <c>wait</c> flag).</summary>
    public bool Wait { get; set; }

    public string? UniqueKey { get; set; }

    public TaskExecution? Existing { get; init; }

    public bool Reset { get; init; }

    public bool Rerun { get; init; }

    public bool IsStateCommand => Kind is CommandKind.Fail or CommandKind.Succeed or CommandKind.Pause;

    public bool IsEngineCommand => Kind is CommandKind.Fail or CommandKind.Succeed or CommandKind.Pause or CommandKind.Noop;

    /// <summary>The state a state command sets.</summary>
    public string NewState => Kind switch
    {
        CommandKind.Fail => States.Error,
        CommandKind.Succeed => States.Success,
        CommandKind.Pause => States.Paused,
        _ => throw new InvalidOperationException("not a state command"),
    };

    /// <summary>Mistral's <c>create_command</c>: the engine command table is looked up first, so a task named <c>noop</c> cannot be targeted.</summary>
    public static WorkflowCommand Create(string name, TaskSpec taskSpec, OrderedDictionary<string, object?> ctx, IReadOnlyDictionary<string, object?>? parameters, List<object?>? triggeredBy, bool handlesError)
    {
        var kind = name switch
        {
            EngineCommands.Fail => CommandKind.Fail,
            EngineCommands.Succeed => CommandKind.Succeed,
            EngineCommands.Pause => CommandKind.Pause,
            EngineCommands.Noop => CommandKind.Noop,
            _ => CommandKind.RunTask,
        };
        object? msg = null;
        var hasMsg = false;
        if (kind is CommandKind.Fail or CommandKind.Succeed or CommandKind.Pause && parameters is not null)
        {
            hasMsg = true;
            msg = parameters.GetValueOrDefault("msg");
        }
        return new WorkflowCommand
        {
            Kind = kind,
            TaskSpec = taskSpec,
            Name = name,
            Context = ctx,
            TriggeredBy = triggeredBy,
            HandlesError = handlesError,
            HasMsg = hasMsg,
            Msg = msg,
        };
    }
}

namespace Sirocco.Engine.Model;

/// <summary>
/// The aggregate the engine steps: one workflow execution with its task executions, action executions,
/// known sub-workflow executions and armed timers. Lists are in creation order (Mistral's DB order).
/// </summary>
public sealed class ExecutionState
{
    /// <summary>The workflow execution.</summary>
    public required WorkflowExecution Workflow { get; set; }

    /// <summary>Its task executions, in creation order.</summary>
    public List<TaskExecution> Tasks { get; set; } = [];

    /// <summary>Its action executions, in creation order.</summary>
    public List<ActionExecution> Actions { get; set; } = [];

    /// <summary>Sub-workflow executions started by its tasks, in creation order.</summary>
    public List<ChildExecution> Children { get; set; } = [];

    /// <summary>Timers armed and not yet fired or cancelled.</summary>
    public List<ArmedTimer> Timers { get; set; } = [];

    /// <summary>Next creation sequence number for tasks, actions and children.</summary>
    public long NextSequence { get; set; }

    /// <summary>Finds a task execution by id.</summary>
    public TaskExecution? FindTask(string id)
    {
        foreach (var t in Tasks)
        {
            if (t.Id == id)
            {
                return t;
            }
        }
        return null;
    }

    /// <summary>Finds an action execution by id.</summary>
    public ActionExecution? FindAction(string id)
    {
        foreach (var a in Actions)
        {
            if (a.Id == id)
            {
                return a;
            }
        }
        return null;
    }

    /// <summary>Finds a sub-workflow execution by id.</summary>
    public ChildExecution? FindChild(string id)
    {
        foreach (var c in Children)
        {
            if (c.Id == id)
            {
                return c;
            }
        }
        return null;
    }
}

namespace Sirocco.Language;

/// <summary>
/// One entry of an on-success / on-error / on-complete list: a task to start, or an engine command
/// (<c>fail</c>, <c>succeed</c>, <c>pause</c>, <c>noop</c>). Forms: <c>t2</c>, <c>t2: &lt;% guard %&gt;</c>,
/// <c>fail msg="text"</c>, <c>fail(msg="text")</c>, <c>succeed: &lt;% guard %&gt;</c>.
/// </summary>
/// <param name="Name">The target task name or engine command name (inline parameters removed).</param>
/// <param name="Condition">The guard expression string, or null when the transition is unconditional.</param>
/// <param name="Params">Inline parameters (e.g. <c>msg</c> for <c>fail</c>/<c>succeed</c>); values are
/// literals or expression strings. Mistral parses them on task targets too but uses them only for engine
/// commands. Empty when none.</param>
/// <param name="Position">Where the entry is written.</param>
public sealed record TransitionSpec(
    string Name,
    string? Condition,
    OrderedDictionary<string, object?> Params,
    SourcePosition Position)
{
    /// <summary>
    /// True when <see cref="Name"/> is an engine command. Mistral checks commands first, so a
    /// transition to a task named <c>noop</c> runs the command, not the task.
    /// </summary>
    public bool IsEngineCommand => EngineCommands.IsEngineCommand(Name);
}

/// <summary>The names of Mistral's engine commands usable as transition targets.</summary>
public static class EngineCommands
{
    /// <summary>Ends the workflow in ERROR with state_info = msg.</summary>
    public const string Fail = "fail";

    /// <summary>Ends the workflow in SUCCESS with state_info = msg.</summary>
    public const string Succeed = "succeed";

    /// <summary>Pauses the workflow; later commands run on resume.</summary>
    public const string Pause = "pause";

    /// <summary>Does nothing (but counts as handling an error under on-error).</summary>
    public const string Noop = "noop";

    /// <summary>True for <c>fail</c>, <c>succeed</c>, <c>pause</c>, <c>noop</c>.</summary>
    public static bool IsEngineCommand(string name) =>
        name is Fail or Succeed or Pause or Noop;
}

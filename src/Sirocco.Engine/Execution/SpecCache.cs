using System.Collections.Concurrent;
using Sirocco.Engine.Definitions;
using Sirocco.Engine.Model;
using Sirocco.Language;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Parsed specs by definition text. Parsing is deterministic, so caching it does not make the engine impure;
/// a bounded cache keeps memory in check (a miss only costs a parse).
/// </summary>
internal static class SpecCache
{
    private const int MaxEntries = 512;
    private static readonly ConcurrentDictionary<(string Text, bool Workbook), object> Parsed = new();

    public static WorkflowSpec GetWorkflowSpec(WorkflowExecution wf)
    {
        // Looked up per step and per saved task: remember it on the execution (same text instance = same spec).
        if (wf.ParsedSpec is { } hit && ReferenceEquals(hit.Text, wf.Definition))
        {
            return (WorkflowSpec)hit.Spec;
        }
        var spec = GetWorkflowSpec(wf.Definition, wf.WorkflowName, wf.WorkbookName);
        wf.ParsedSpec = (wf.Definition, spec);
        return spec;
    }

    public static WorkflowSpec GetWorkflowSpec(WorkflowDefinition def) => GetWorkflowSpec(def.Definition, def.Name, def.WorkbookName);

    /// <summary>The workflow named <paramref name="fullName"/> in a workflow file, or <c>wb.name</c> in workbook <paramref name="workbookName"/>.</summary>
    public static WorkflowSpec GetWorkflowSpec(string text, string fullName, string? workbookName)
    {
        IReadOnlyList<WorkflowSpec> workflows;
        string name = fullName;
        if (workbookName is not null)
        {
            workflows = Get(text, true, t => LanguageParser.ParseWorkbook(t)).Workflows;
            var prefix = workbookName + ".";
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
            }
        }
        else
        {
            workflows = Get(text, false, t => LanguageParser.ParseWorkflows(t)).Workflows;
        }
        foreach (var w in workflows)
        {
            if (w.Name == name)
            {
                return w;
            }
        }
        if (workflows.Count == 1 && workbookName is null)
        {
            return workflows[0];
        }
        throw new MistralError("WorkflowException", $"Workflow not found in its definition [name={fullName}]");
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<WorkflowSpec, Dictionary<string, TaskSpec>> TaskIndex = new();

    /// <summary>
    /// <see cref="WorkflowSpec.FindTask"/> through a by-name index built once per parsed spec (the engine looks tasks
    /// up many times per task; a linear search made a step quadratic in the number of tasks).
    /// </summary>
    public static TaskSpec? TaskNamed(this WorkflowSpec spec, string name)
    {
        var index = TaskIndex.GetValue(spec, static s =>
        {
            var byName = new Dictionary<string, TaskSpec>(s.Tasks.Count, StringComparer.Ordinal);
            foreach (var t in s.Tasks)
            {
                byName.TryAdd(t.Name, t); // first of a duplicate name, as FindTask
            }
            return byName;
        });
        return index.GetValueOrDefault(name);
    }

    /// <summary>The ad-hoc action named <paramref name="fullName"/> in an action file or workbook.</summary>
    public static AdHocActionSpec GetActionSpec(ActionDefinition def)
    {
        IReadOnlyList<AdHocActionSpec> actions;
        var name = def.Name;
        var text = def.Definition ?? throw new MistralError("InvalidActionException", $"Action has no definition [action_name={def.Name}]");
        if (def.WorkbookName is not null)
        {
            actions = Get(text, true, t => LanguageParser.ParseWorkbook(t)).Actions;
            var prefix = def.WorkbookName + ".";
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
            }
        }
        else
        {
            actions = GetActions(text).Actions;
        }
        foreach (var a in actions)
        {
            if (a.Name == name)
            {
                return a;
            }
        }
        if (actions.Count == 1 && def.WorkbookName is null)
        {
            return actions[0];
        }
        throw new MistralError("InvalidActionException", $"Failed to find action [action_name={def.Name}, namespace={def.Namespace}]");
    }

    /// <summary>A workbook text, parsed.</summary>
    public static WorkbookSpec GetWorkbook(string text) => Get(text, true, t => LanguageParser.ParseWorkbook(t));

    private static ActionListSpec GetActions(string text) =>
        (ActionListSpec)Parsed.GetOrAdd((text + "\u0000actions", false), k => LanguageParser.ParseActions(text));

    private static T Get<T>(string text, bool workbook, Func<string, T> parse)
        where T : class
    {
        if (Parsed.TryGetValue((text, workbook), out var hit))
        {
            return (T)hit;
        }
        var spec = parse(text);
        if (Parsed.Count >= MaxEntries)
        {
            Parsed.Clear();
        }
        Parsed[(text, workbook)] = spec;
        return spec;
    }
}

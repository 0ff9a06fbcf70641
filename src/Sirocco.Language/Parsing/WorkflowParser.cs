using Sirocco.Language.Yaml;
using Sirocco.Values;

namespace Sirocco.Language.Parsing;

/// <summary>
/// One workflow (<c>lang/v2/workflows.py</c>): schema checks, task-defaults merged into every task,
/// then the graph checks Mistral runs at upload (transition targets, start tasks, join counts, requires).
/// </summary>
internal static class WorkflowParser
{
    private static readonly HashSet<string> DefaultsKeys =
    [
        .. PolicyParser.Keys, "on-complete", "on-success", "on-error", "safe-rerun", "requires",
    ];

    public static WorkflowSpec? Parse(YamlEntry entry, string definition, ParseContext ctx)
    {
        var name = entry.Key;
        var position = entry.KeyNode.Position;
        if (!ctx.ExpectNonEmptyMapping(entry.Value, out var map))
        {
            return null;
        }

        var errorsBefore = ctx.Errors.Count;
        NameRules.CheckDefinitionName(name, position, ctx);
        if (NameRules.IsUuidLike(name))
        {
            ctx.Fail(position, "Workflow name cannot be in the format of UUID.");
        }

        var type = WorkflowType.Direct;
        if (map["type"] is { } typeNode)
        {
            switch ((typeNode as YamlScalar)?.Value)
            {
                case "direct":
                    break;
                case "reverse":
                    type = WorkflowType.Reverse;
                    break;
                default:
                    ctx.Invalid(typeNode, $"{ParseContext.Repr(typeNode)} is not one of ['reverse', 'direct']");
                    return null;
            }
        }

        // Mistral does not check 'description' at workflow level (its schema entry is lost in a merge).
        var description = map["description"] switch
        {
            null => null,
            YamlScalar { Value: null } => null,
            var node => Py.Str(node.ToValue()),
        };

        List<string> tags = [];
        if (map["tags"] is { } tagsNode)
        {
            ctx.ExpectUniqueStringList(tagsNode, out tags);
        }

        var input = map["input"] is { } inputNode ? InputParser.Parse(inputNode, ctx) : [];
        var output = NonEmptyMap(map["output"], ctx, checkExpressions: true);
        var outputOnError = NonEmptyMap(map["output-on-error"], ctx, checkExpressions: false);
        var vars = NonEmptyMap(map["vars"], ctx, checkExpressions: true);

        TaskDefaultsSpec? defaults = null;
        if (map["task-defaults"] is { } defaultsNode)
        {
            defaults = ParseDefaults(defaultsNode, ctx);
        }

        var tasksEntry = map.Find("tasks");
        if (tasksEntry is null)
        {
            ctx.Fail(position, "Invalid DSL: 'tasks' is a required property");
            return null;
        }

        if (!ctx.ExpectNonEmptyMapping(tasksEntry.Value, out var tasksMap))
        {
            return null;
        }

        var tasks = new List<TaskSpec>();
        foreach (var taskEntry in tasksMap.Entries.Values)
        {
            if (TaskParser.Parse(taskEntry, type, ctx) is { } task)
            {
                tasks.Add(task);
            }
        }

        if (ctx.Errors.Count > errorsBefore)
        {
            return null;
        }

        tasks = tasks.Select(t => ApplyDefaults(t, defaults)).ToList();
        var spec = new WorkflowSpec
        {
            Name = name,
            Position = position,
            Type = type,
            Description = description,
            Tags = tags,
            Input = input,
            Output = output,
            OutputOnError = outputOnError,
            Vars = vars,
            TaskDefaults = defaults,
            Tasks = tasks,
            Definition = definition,
            KeyPositions = map.Entries.Values.ToDictionary(e => e.Key, e => e.Value.Position),
        };

        if (type == WorkflowType.Direct)
        {
            CheckDirectGraph(spec, ctx);
        }
        else
        {
            CheckReverseGraph(spec, ctx);
        }

        return ctx.Errors.Count > errorsBefore ? null : spec;
    }

    private static OrderedDictionary<string, object?>? NonEmptyMap(YamlNode? node, ParseContext ctx, bool checkExpressions)
    {
        if (node is null || !ctx.ExpectNonEmptyMapping(node, out var map))
        {
            return null;
        }

        if (checkExpressions)
        {
            ctx.CheckExpressions(map);
        }

        return (OrderedDictionary<string, object?>)map.ToValue()!;
    }

    private static TaskDefaultsSpec? ParseDefaults(YamlNode node, ParseContext ctx)
    {
        if (!ctx.ExpectNonEmptyMapping(node, out var map) || !ctx.RejectUnknownKeys(map, DefaultsKeys))
        {
            return null;
        }

        var errorsBefore = ctx.Errors.Count;
        var policies = PolicyParser.Parse(map, ctx);
        object? safeRerun = null;
        if (map["safe-rerun"] is { } safeNode && ctx.ExpectExpressionOrBoolean(safeNode, out var safe))
        {
            safeRerun = safe;
            ctx.CheckExpressions(safeNode);
        }

        List<string> requires = [];
        if (map["requires"] is { } requiresNode)
        {
            ctx.ExpectStringOrUniqueStringList(requiresNode, out requires);
        }

        var onSuccess = map["on-success"] is { } s ? ClauseParser.Parse(s, ctx) : null;
        var onError = map["on-error"] is { } e ? ClauseParser.Parse(e, ctx) : null;
        var onComplete = map["on-complete"] is { } c ? ClauseParser.Parse(c, ctx) : null;
        return ctx.Errors.Count > errorsBefore
            ? null
            : new TaskDefaultsSpec(policies, onSuccess, onError, onComplete, safeRerun, requires, node.Position);
    }

    /// <summary>task-defaults as Mistral applies them (§2.4 of the language reference).</summary>
    private static TaskSpec ApplyDefaults(TaskSpec task, TaskDefaultsSpec? defaults)
    {
        if (defaults is null)
        {
            return task with { Policies = PolicyParser.Merge(task.OwnPolicies, null), SafeRerun = task.SafeRerun ?? false };
        }

        return task with
        {
            Policies = PolicyParser.Merge(task.OwnPolicies, defaults.Policies),
            SafeRerun = task.SafeRerun ?? defaults.SafeRerun ?? false,
            Requires = task.Requires.Concat(defaults.Requires).Distinct(StringComparer.Ordinal).Where(r => r != task.Name).ToList(),
            OnSuccess = MergeClause(task.OnSuccess, defaults.OnSuccess, task.Name),
            OnError = MergeClause(task.OnError, defaults.OnError, task.Name),
            OnComplete = MergeClause(task.OnComplete, defaults.OnComplete, task.Name),
        };
    }

    // The task's own 'next' when non-empty, else the default's minus the task itself; publish stays the task's.
    private static OnClauseSpec? MergeClause(OnClauseSpec? own, OnClauseSpec? fallback, string taskName)
    {
        if (own is { Next.Count: > 0 } || fallback is null)
        {
            return own;
        }

        var next = fallback.Next.Where(t => t.Name != taskName).ToList();
        if (own is null)
        {
            return next.Count == 0 ? null : new OnClauseSpec(next, null, fallback.Position);
        }

        return own with { Next = next };
    }

    private static void CheckDirectGraph(WorkflowSpec spec, ParseContext ctx)
    {
        if (spec.StartTasks.Count == 0)
        {
            ctx.Fail(spec.Position,
                "Failed to find start tasks in direct workflow. There must be at least one task without inbound transition." +
                $"[workflow_name={spec.Name}]");
        }

        var names = spec.Tasks.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var task in spec.Tasks)
        {
            foreach (var transition in task.AllTransitions.DistinctBy(t => t.Name))
            {
                if (!names.Contains(transition.Name) && !transition.IsEngineCommand)
                {
                    ctx.Fail(transition.Position, $"Task '{transition.Name}' not found.");
                }
            }
        }

        foreach (var task in spec.Tasks)
        {
            if (task.Join is not { } join)
            {
                continue;
            }

            var inbound = spec.InboundTasks(task.Name).Count();
            if (join.IsAll && inbound == 0)
            {
                ctx.Fail(task.Position, $"No inbound tasks for task with 'join: all' [task_name={task.Name}]");
            }
            else if (!join.IsAll && inbound < join.Count)
            {
                ctx.Fail(task.Position,
                    $"Not enough inbound tasks for task with 'join' [task_name={task.Name}, join={join.Count}, inbound_tasks={inbound}]");
            }
        }
    }

    private static void CheckReverseGraph(WorkflowSpec spec, ParseContext ctx)
    {
        var names = spec.Tasks.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var task in spec.Tasks)
        {
            foreach (var required in task.Requires)
            {
                if (!names.Contains(required))
                {
                    ctx.Fail(task.Position, $"Task '{required}' not found.");
                }
            }
        }
    }
}

using System.Text.RegularExpressions;
using Sirocco.Language.Yaml;
using Sirocco.Values;

namespace Sirocco.Language.Parsing;

/// <summary>One task (<c>lang/v2/tasks.py</c>): its own keys; task-defaults are merged by <see cref="WorkflowParser"/>.</summary>
internal static partial class TaskParser
{
    internal const int MaxTaskNameLength = 255;
    internal const int MaxJoinTaskNameLength = MaxTaskNameLength - 47;

    private static readonly string[] CommonKeys =
    [
        "name", "version", "type", "description", "tags", "action", "workflow", "input", "with-items",
        "publish", "publish-on-error", "retry", "wait-before", "wait-after", "timeout", "pause-before",
        "concurrency", "fail-on", "target", "keep-result", "safe-rerun",
    ];

    private static readonly HashSet<string> DirectKeys = [.. CommonKeys, "join", "on-complete", "on-success", "on-error"];
    private static readonly HashSet<string> ReverseKeys = [.. CommonKeys, "requires"];

    /// <summary>Parses a task; null when it is too broken to build (errors are in <paramref name="ctx"/>).</summary>
    public static TaskSpec? Parse(YamlEntry entry, WorkflowType type, ParseContext ctx)
    {
        var name = entry.Key;
        var position = entry.KeyNode.Position;
        // The workflow schema requires a non-empty map only for names matching ^\w+$ (a patternProperties
        // rule); other names, e.g. 'main-task', may be an empty map, as in Mistral.
        var mapOk = WordName().IsMatch(name)
            ? ctx.ExpectNonEmptyMapping(entry.Value, out var map)
            : ctx.ExpectMapping(entry.Value, out map);
        if (!mapOk)
        {
            return null;
        }

        var errorsBefore = ctx.Errors.Count;
        if (entry.KeyNode is YamlScalar { Value: not string })
        {
            // Mistral crashes on such a name (TypeError); say what is wrong instead.
            ctx.Invalid(entry.KeyNode, $"task name {ParseContext.Repr(entry.KeyNode)} is not of type 'string' (quote it)");
        }

        ctx.RejectUnknownKeys(map, type == WorkflowType.Direct ? DirectKeys : ReverseKeys);

        if (name.Length > MaxTaskNameLength)
        {
            ctx.Fail(position, $"The length of a '{name}' task name must not exceed {MaxTaskNameLength} symbols");
        }

        string? description = null;
        if (map["description"] is { } descriptionNode && ctx.ExpectNonEmptyString(descriptionNode))
        {
            description = (string)((YamlScalar)descriptionNode).Value!;
        }

        List<string> tags = [];
        if (map["tags"] is { } tagsNode)
        {
            ctx.ExpectUniqueStringList(tagsNode, out tags);
        }

        // action / workflow: non-empty strings, at most one of them.
        var actionNode = map["action"];
        var workflowNode = map["workflow"];
        var actionOk = actionNode is null || ctx.ExpectNonEmptyString(actionNode);
        var workflowOk = workflowNode is null || ctx.ExpectNonEmptyString(workflowNode);
        if (actionNode is not null && workflowNode is not null)
        {
            ctx.Fail(map.Find("workflow")!.KeyNode.Position,
                "Invalid DSL: a task may have 'action' or 'workflow', not both (the task is valid under each of " +
                "{'type': 'object', 'required': ['workflow']}, {'type': 'object', 'required': ['action']})");
        }

        string? action = null;
        string? workflow = null;
        OrderedDictionary<string, object?> inlineParams = [];
        var commandNode = actionNode ?? workflowNode;
        if (actionOk && workflowOk && commandNode is YamlScalar { Value: string command })
        {
            if (InlineParameters.Parse(command) is var (commandName, parameters))
            {
                inlineParams = parameters;
                ctx.CheckExpressions(parameters, commandNode.Position);
                if (actionNode is not null)
                {
                    action = commandName;
                }
                else
                {
                    workflow = commandName;
                }
            }
            else
            {
                ctx.Fail(commandNode, $"Invalid action/workflow task property: {command}");
            }
        }
        else if (actionNode is null && workflowNode is null)
        {
            action = "std.noop";
        }

        // input: a non-empty map or a non-empty string; inline parameters merged in (they win, as in Mistral 15).
        object? input = new OrderedDictionary<string, object?>();
        if (map["input"] is { } inputNode)
        {
            if (inputNode is YamlMapping)
            {
                if (ctx.ExpectNonEmptyMapping(inputNode, out _))
                {
                    input = inputNode.ToValue();
                }
            }
            else if (ParseContext.IsNonEmptyString(inputNode))
            {
                input = ((YamlScalar)inputNode).Value;
            }
            else
            {
                ctx.Invalid(inputNode, $"{ParseContext.Repr(inputNode)} is not valid under any of the given schemas");
            }

            ctx.CheckExpressions(inputNode);
        }

        if (inlineParams.Count > 0)
        {
            if (input is OrderedDictionary<string, object?> inputMap)
            {
                MergeInto(inputMap, inlineParams);
            }
            else
            {
                ctx.Fail(map.Find("input")!.KeyNode.Position,
                    "Invalid DSL: inline parameters of 'action'/'workflow' cannot be merged into an 'input' given as a string");
            }
        }

        var withItems = map["with-items"] is { } withItemsNode ? ParseWithItems(withItemsNode, ctx) : [];

        var publish = NonEmptyMap(map["publish"], ctx);
        var publishOnError = NonEmptyMap(map["publish-on-error"], ctx);

        var policies = PolicyParser.Parse(map, ctx);

        string? target = null;
        if (map["target"] is { } targetNode && ctx.ExpectNonEmptyString(targetNode))
        {
            target = (string)((YamlScalar)targetNode).Value!;
        }

        object? keepResult = true;
        if (map["keep-result"] is { } keepNode && ctx.ExpectExpressionOrBoolean(keepNode, out var keep))
        {
            keepResult = keep;
            ctx.CheckExpressions(keepNode);
        }

        object? safeRerun = null;
        if (map["safe-rerun"] is { } safeNode && ctx.ExpectExpressionOrBoolean(safeNode, out var safe))
        {
            safeRerun = safe;
            ctx.CheckExpressions(safeNode);
        }

        JoinSpec? join = null;
        if (map["join"] is { } joinNode)
        {
            join = ParseJoin(joinNode, ctx);
            if (join is not null && name.Length > MaxJoinTaskNameLength)
            {
                ctx.Fail(position, $"The length of a '{name}' join task name must not exceed {MaxJoinTaskNameLength} symbols");
            }
        }

        List<string> requires = [];
        if (map["requires"] is { } requiresNode)
        {
            ctx.ExpectStringOrUniqueStringList(requiresNode, out requires);
        }

        var onSuccess = map["on-success"] is { } s ? ClauseParser.Parse(s, ctx) : null;
        var onError = map["on-error"] is { } e ? ClauseParser.Parse(e, ctx) : null;
        var onComplete = map["on-complete"] is { } c ? ClauseParser.Parse(c, ctx) : null;

        if (ctx.Errors.Count > errorsBefore)
        {
            return null;
        }

        return new TaskSpec
        {
            Name = name,
            Position = position,
            Type = type,
            Description = description,
            Tags = tags,
            Action = action,
            Workflow = workflow,
            Input = input,
            WithItems = withItems,
            Publish = publish,
            PublishOnError = publishOnError,
            Policies = policies,
            OwnPolicies = policies,
            Target = target,
            KeepResult = keepResult,
            SafeRerun = safeRerun,
            Join = join,
            Requires = requires,
            OnSuccess = onSuccess,
            OnError = onError,
            OnComplete = onComplete,
            KeyPositions = map.Entries.Values.ToDictionary(e => e.Key, e => e.Value.Position),
        };
    }

    private static OrderedDictionary<string, object?>? NonEmptyMap(YamlNode? node, ParseContext ctx)
    {
        if (node is null || !ctx.ExpectNonEmptyMapping(node, out var map))
        {
            return null;
        }

        ctx.CheckExpressions(map);
        return (OrderedDictionary<string, object?>)map.ToValue()!;
    }

    private static JoinSpec? ParseJoin(YamlNode node, ParseContext ctx)
    {
        switch ((node as YamlScalar)?.Value)
        {
            case "all":
                return JoinSpec.All;
            case "one":
                return new JoinSpec(false, 1);
            case var v when ParseContext.IsNonNegativeInteger(v):
                {
                    var count = v switch { long l => l, double d => (long)d, _ => long.MaxValue };

                    // join: 0 is accepted by the schema and means "not a join" (Mistral tests its truth).
                    return count == 0 ? null : new JoinSpec(false, (int)Math.Min(count, int.MaxValue));
                }

            default:
                ctx.Invalid(node, $"{ParseContext.Repr(node)} is not valid under any of the given schemas (join is 'all', 'one' or a number)");
                return null;
        }
    }

    private static List<WithItemsSpec> ParseWithItems(YamlNode node, ParseContext ctx)
    {
        var result = new List<WithItemsSpec>();
        if (!ctx.ExpectStringOrUniqueStringList(node, out _))
        {
            return result;
        }

        var items = node is YamlSequence seq ? seq.Items : [node];
        foreach (var item in items)
        {
            var text = (string)((YamlScalar)item).Value!;
            var match = WithItemsPattern().Match(text);
            if (!match.Success)
            {
                ctx.Fail(item, "Wrong format of 'with-items' property. Please use format 'var in {[some, list] | <% $.array %> }: " + text);
                continue;
            }

            var variable = match.Groups[1].Value;
            var array = match.Groups[2].Value;
            ctx.CheckExpression(array, item.Position);
            object? collection = array;
            if (array.StartsWith('['))
            {
                try
                {
                    collection = Json.Parse(array);
                }
                catch (System.Text.Json.JsonException e)
                {
                    ctx.Fail(item, $"Invalid array in 'with-items' clause: {array}, error: {e.Message}");
                    continue;
                }
            }

            // Python dict semantics: a repeated variable keeps its first place and takes the last value.
            var existing = result.FindIndex(w => w.Variable == variable);
            var spec = new WithItemsSpec(variable, collection, item.Position);
            if (existing >= 0)
            {
                result[existing] = spec;
            }
            else
            {
                result.Add(spec);
            }
        }

        return result;
    }

    /// <summary>mistral_lib's merge_dicts: right into left, deeply, right winning.</summary>
    internal static void MergeInto(OrderedDictionary<string, object?> left, OrderedDictionary<string, object?> right)
    {
        foreach (var (key, value) in right)
        {
            if (left.TryGetValue(key, out var existing)
                && existing is OrderedDictionary<string, object?> l
                && value is OrderedDictionary<string, object?> r)
            {
                MergeInto(l, r);
            }
            else
            {
                left[key] = value;
            }
        }
    }

    [GeneratedRegex(@"^\w+$")]
    private static partial Regex WordName();

    // Anchored at the start only, as Python's re.match: anything after the collection is ignored.
    [GeneratedRegex(@"^\s*([\w\d_\-]+)\s*in\s*(\[.+\]|({{(.*?)}})|<%.*?%>)")]
    private static partial Regex WithItemsPattern();
}

using System.Text.RegularExpressions;
using Sirocco.Language.Yaml;

namespace Sirocco.Language.Parsing;

/// <summary>
/// on-success / on-error / on-complete clauses (<c>lang/v2/on_clause.py</c>), with Mistral 15's reading
/// of them kept as is: a clause written as a single one-key map (<c>on-success: {t2: &lt;% … %&gt;}</c>) is
/// read as the advanced form and yields no transition at all, and a map under <c>next:</c> keeps its
/// task names but loses their guards.
/// </summary>
internal static partial class ClauseParser
{
    public static OnClauseSpec? Parse(YamlNode node, ParseContext ctx)
    {
        if (!IsValidClause(node, ctx))
        {
            return null;
        }

        if (node is YamlMapping map)
        {
            PublishSpec? publish = null;
            if (map["publish"] is { } publishNode)
            {
                publish = ParsePublish(publishNode, ctx);
            }

            var next = map["next"] is { } nextNode ? ReadNext(nextNode, ctx) : [];
            return new OnClauseSpec(next, publish, node.Position);
        }

        return new OnClauseSpec(ReadNext(node, ctx), null, node.Position);
    }

    /// <summary>The advanced publish map: <c>branch</c>, <c>global</c>, <c>atomic</c>.</summary>
    public static PublishSpec? ParsePublish(YamlNode node, ParseContext ctx)
    {
        if (!IsValidPublish(node, ctx, report: true))
        {
            return null;
        }

        var map = (YamlMapping)node;
        if (map.Count == 0)
        {
            ctx.Fail(node, "Either 'branch', 'global' or 'atomic' must be specified: ");
            return null;
        }

        OrderedDictionary<string, object?>? Part(string key)
        {
            var part = map[key];
            ctx.CheckExpressions(part);
            return part?.ToValue() as OrderedDictionary<string, object?>;
        }

        return new PublishSpec(Part("branch"), Part("global"), Part("atomic"), node.Position);
    }

    // prepare_next_clause: a string is one entry, a list gives one entry per item, a map gives its keys.
    private static List<TransitionSpec> ReadNext(YamlNode node, ParseContext ctx)
    {
        var result = new List<TransitionSpec>();
        switch (node)
        {
            case YamlScalar { Value: string s }:
                Add(s, null, node.Position);
                break;
            case YamlSequence seq:
                foreach (var item in seq.Items)
                {
                    if (item is YamlScalar { Value: string name })
                    {
                        Add(name, null, item.Position);
                    }
                    else if (item is YamlMapping { Count: > 0 } entry)
                    {
                        var first = entry.Entries.Values.First();
                        Add(first.Key, first.Value, first.KeyNode.Position);
                    }
                }

                break;
            case YamlMapping map:
                // Mistral iterates the map's keys: the guard values are dropped.
                foreach (var entry in map.Entries.Values)
                {
                    Add(entry.Key, null, entry.KeyNode.Position);
                }

                break;
        }

        return result;

        void Add(string written, YamlNode? guard, SourcePosition position)
        {
            if (InlineParameters.Parse(written) is not var (name, parameters))
            {
                ctx.Fail(position, $"Invalid action/workflow task property: {written}");
                return;
            }

            string? condition = guard is YamlScalar { Value: string g } && g.Length > 0 ? g : null;

            // validate_expr on (name, condition, params): only the strings, so params go unchecked.
            ctx.CheckExpression(name, position);
            if (condition is not null)
            {
                ctx.CheckExpression(condition, guard!.Position);
            }

            result.Add(new TransitionSpec(name, condition, parameters, position));
        }
    }

    // ---- schema: oneOf [NEXT_TASK, TASK_WITH_EXPRESSION, LIST_OF_TASKS, ADVANCED_PUBLISHING_DICT] ----

    private static bool IsValidClause(YamlNode node, ParseContext ctx)
    {
        switch (node)
        {
            case YamlScalar { Value: string s }:
                return CheckNextTask(s, node, ctx, report: true);
            case YamlSequence seq:
                return IsValidList(seq, ctx, report: true);
            case YamlMapping map:
                {
                    var guarded = IsValidGuardedTask(map, null);
                    var advanced = IsValidAdvanced(map, null);
                    if (guarded && advanced)
                    {
                        ctx.Invalid(node, $"{ParseContext.Repr(node)} is valid under each of the transition forms (a guarded task and publish/next)");
                        return false;
                    }

                    if (guarded || advanced)
                    {
                        return true;
                    }

                    // Report the most useful reason: a map with 'publish'/'next' keys is meant as the advanced form.
                    if (map.Contains("publish") || map.Contains("next"))
                    {
                        IsValidAdvanced(map, ctx);
                    }
                    else
                    {
                        IsValidGuardedTask(map, ctx);
                    }

                    return false;
                }

            default:
                ctx.Invalid(node, $"{ParseContext.Repr(node)} is not valid under any of the given schemas");
                return false;
        }
    }

    private static bool IsValidList(YamlSequence seq, ParseContext? ctx, bool report)
    {
        if (seq.Items.Count == 0)
        {
            if (report)
            {
                ctx?.Invalid(seq, "[] is too short");
            }

            return false;
        }

        var ok = true;
        foreach (var item in seq.Items)
        {
            var itemOk = item switch
            {
                YamlScalar { Value: string s } => CheckNextTask(s, item, ctx, report),
                YamlMapping map => IsValidGuardedTask(map, report ? ctx : null),
                _ => Report(item, ctx, report),
            };
            ok &= itemOk;
        }

        if (ok)
        {
            var values = seq.Items.Select(i => Sirocco.Values.Json.Serialize(i.ToValue())).ToList();
            if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
            {
                if (report)
                {
                    ctx?.Invalid(seq, $"{ParseContext.Repr(seq)} has non-unique elements");
                }

                return false;
            }
        }

        return ok;

        static bool Report(YamlNode item, ParseContext? ctx, bool report)
        {
            if (report)
            {
                ctx?.Invalid(item, $"{ParseContext.Repr(item)} is not valid under any of the given schemas");
            }

            return false;
        }
    }

    // TASK_WITH_EXPRESSION: exactly one key; when the key has a task-name form its value must be an expression.
    private static bool IsValidGuardedTask(YamlMapping map, ParseContext? ctx)
    {
        if (map.Count != 1)
        {
            ctx?.Invalid(map, map.Count == 0
                ? "{} does not have enough properties"
                : $"{ParseContext.Repr(map)} has too many properties");
            return false;
        }

        var entry = map.Entries.Values.First();
        if (NextTaskForms(entry.Key) > 0 && !ParseContext.IsWholeExpression(entry.Value))
        {
            ctx?.Invalid(entry.Value, $"{ParseContext.Repr(entry.Value)} is not valid under any of the given schemas (a transition guard must be one expression)");
            return false;
        }

        return true;
    }

    private static bool IsValidAdvanced(YamlMapping map, ParseContext? ctx)
    {
        if (map.Count == 0)
        {
            ctx?.Invalid(map, "{} does not have enough properties");
            return false;
        }

        var ok = true;
        foreach (var entry in map.Entries.Values)
        {
            if (entry.Key is not ("publish" or "next"))
            {
                ctx?.Fail(entry.KeyNode.Position, $"Invalid DSL: Additional properties are not allowed ('{entry.Key}' was unexpected)");
                ok = false;
            }
        }

        if (map["publish"] is { } publish && !IsValidPublish(publish, ctx, report: ctx is not null))
        {
            ok = false;
        }

        if (map["next"] is { } next)
        {
            var nextOk = next switch
            {
                YamlScalar { Value: string s } => CheckNextTask(s, next, ctx, ctx is not null),
                YamlMapping m => IsValidGuardedTask(m, ctx),
                YamlSequence seq => IsValidList(seq, ctx, ctx is not null),
                _ => false,
            };
            if (!nextOk && next is not (YamlScalar { Value: string } or YamlMapping or YamlSequence))
            {
                ctx?.Invalid(next, $"{ParseContext.Repr(next)} is not valid under any of the given schemas");
            }

            ok &= nextOk;
        }

        return ok;
    }

    private static bool IsValidPublish(YamlNode node, ParseContext? ctx, bool report)
    {
        if (node is not YamlMapping map)
        {
            if (report)
            {
                ctx?.Invalid(node, $"{ParseContext.Repr(node)} is not of type 'object'");
            }

            return false;
        }

        var ok = true;
        foreach (var entry in map.Entries.Values)
        {
            if (entry.Key is not ("branch" or "global" or "atomic"))
            {
                if (report)
                {
                    ctx?.Fail(entry.KeyNode.Position, $"Invalid DSL: Additional properties are not allowed ('{entry.Key}' was unexpected)");
                }

                ok = false;
            }
            else if (entry.Value is not YamlMapping { Count: > 0 })
            {
                if (report && ctx is not null)
                {
                    ctx.ExpectNonEmptyMapping(entry.Value, out _);
                }

                ok = false;
            }
        }

        return ok;
    }

    private static bool CheckNextTask(string text, YamlNode node, ParseContext? ctx, bool report)
    {
        var forms = NextTaskForms(text);
        if (forms == 1)
        {
            return true;
        }

        if (report && ctx is not null)
        {
            ctx.Invalid(node, forms == 0
                ? $"{ParseContext.Repr(node)} is not valid under any of the given schemas"
                : $"{ParseContext.Repr(node)} is valid under each of the task name forms '^\\S+$' and '^\\w+\\(\\w+=(.*)\\)$' (write it with a space: 'fail msg=\"…\"')");
        }

        return false;
    }

    // NEXT_TASK is a oneOf of three string patterns: a bare name, 'name key=value', 'name(key=value)'.
    private static int NextTaskForms(string text) =>
        (BareName().IsMatch(text) ? 1 : 0) + (SpaceParams().IsMatch(text) ? 1 : 0) + (CallParams().IsMatch(text) ? 1 : 0);

    [GeneratedRegex(@"^\S+$")]
    private static partial Regex BareName();

    [GeneratedRegex(@"^\w+ \w+=(.*)$")]
    private static partial Regex SpaceParams();

    [GeneratedRegex(@"^\w+\(\w+=(.*)\)$")]
    private static partial Regex CallParams();
}

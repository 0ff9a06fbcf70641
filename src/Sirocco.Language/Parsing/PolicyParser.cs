using Sirocco.Language.Yaml;

namespace Sirocco.Language.Parsing;

/// <summary>The policy keys shared by tasks and task-defaults (<c>lang/v2/policies.py</c>, <c>retry_policy.py</c>).</summary>
internal static class PolicyParser
{
    public static readonly string[] Keys = ["retry", "wait-before", "wait-after", "timeout", "pause-before", "concurrency", "fail-on"];

    private static readonly HashSet<string> RetryKeys = ["count", "delay", "break-on", "continue-on"];

    public static PoliciesSpec Parse(YamlMapping map, ParseContext ctx)
    {
        RetrySpec? retry = map["retry"] is { } retryNode ? ParseRetry(retryNode, ctx) : null;
        return new PoliciesSpec(
            retry,
            Integer(map["wait-before"], ctx),
            Integer(map["wait-after"], ctx),
            Integer(map["timeout"], ctx),
            Boolean(map["pause-before"], ctx),
            Integer(map["concurrency"], ctx),
            Boolean(map["fail-on"], ctx));
    }

    /// <summary>
    /// Mistral's merge (<c>engine/policies.py:construct_policies_list</c>): per policy the task's value
    /// when active, else the default's when active, else off (null).
    /// </summary>
    public static PoliciesSpec Merge(PoliciesSpec own, PoliciesSpec? defaults) => new(
        own.Retry ?? defaults?.Retry,
        Pick(own.WaitBefore, defaults?.WaitBefore),
        Pick(own.WaitAfter, defaults?.WaitAfter),
        Pick(own.Timeout, defaults?.Timeout),
        Pick(own.PauseBefore, defaults?.PauseBefore),
        Pick(own.Concurrency, defaults?.Concurrency),
        Pick(own.FailOn, defaults?.FailOn));

    private static object? Pick(object? own, object? fallback) =>
        IsActive(own) ? own : IsActive(fallback) ? fallback : null;

    // A string (expression) is always active; numbers when > 0; booleans when true.
    private static bool IsActive(object? value) => value switch
    {
        string => true,
        bool b => b,
        long l => l > 0,
        System.Numerics.BigInteger b => b.Sign > 0,
        _ => false,
    };

    private static object? Integer(YamlNode? node, ParseContext ctx)
    {
        if (node is null || !ctx.ExpectExpressionOrNonNegativeInteger(node, out var value))
        {
            return null;
        }

        ctx.CheckExpressions(node);
        return value;
    }

    private static object? Boolean(YamlNode? node, ParseContext ctx)
    {
        if (node is null || !ctx.ExpectExpressionOrBoolean(node, out var value))
        {
            return null;
        }

        ctx.CheckExpressions(node);
        return value;
    }

    private static RetrySpec? ParseRetry(YamlNode node, ParseContext ctx)
    {
        // The one-line form is read with the inline parameter rules, then checked like the map form.
        OrderedDictionary<string, (object? Value, SourcePosition Position)> fields = [];
        switch (node)
        {
            case YamlScalar { Value: string { Length: > 0 } line }:
                {
                    var parsed = InlineParameters.Parse(line);
                    foreach (var (key, value) in parsed?.Params ?? [])
                    {
                        fields[key] = (value, node.Position);
                    }

                    break;
                }

            case YamlMapping map:
                foreach (var entry in map.Entries.Values)
                {
                    if (!RetryKeys.Contains(entry.Key))
                    {
                        ctx.Fail(entry.KeyNode.Position, $"Invalid DSL: Additional properties are not allowed ('{entry.Key}' was unexpected)");
                        return null;
                    }

                    if (entry.Value is not YamlScalar scalar)
                    {
                        ctx.Invalid(entry.Value, $"{ParseContext.Repr(entry.Value)} is not valid under any of the given schemas");
                        return null;
                    }

                    fields[entry.Key] = (scalar.Value, entry.Value.Position);
                }

                break;

            default:
                ctx.Invalid(node, $"{ParseContext.Repr(node)} is not valid under any of the given schemas");
                return null;
        }

        var ok = true;
        foreach (var required in new[] { "count", "delay" })
        {
            if (!fields.ContainsKey(required))
            {
                ctx.Invalid(node, $"'{required}' is a required property (retry)");
                ok = false;
            }
        }

        foreach (var key in fields.Keys)
        {
            if (!RetryKeys.Contains(key))
            {
                ctx.Invalid(node, $"Additional properties are not allowed ('{key}' was unexpected)");
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        object? Number(string key)
        {
            var (value, position) = fields[key];
            if (value is string s && ExpressionSyntax.IsWholeExpression(s))
            {
                ctx.CheckExpression(s, position);
                return s;
            }

            if (ParseContext.IsNonNegativeInteger(value))
            {
                return value is double d ? (long)d : value;
            }

            ctx.Fail(position, $"Invalid DSL: {Sirocco.Values.Py.Repr(value)} is not valid under any of the given schemas (retry {key})");
            ok = false;
            return null;
        }

        string? Condition(string key)
        {
            if (!fields.TryGetValue(key, out var field))
            {
                return null;
            }

            if (field.Value is string s && ExpressionSyntax.IsWholeExpression(s))
            {
                ctx.CheckExpression(s, field.Position);
                return s;
            }

            ctx.Fail(field.Position, $"Invalid DSL: {Sirocco.Values.Py.Repr(field.Value)} is not valid under any of the given schemas (retry {key} must be one expression)");
            ok = false;
            return null;
        }

        var spec = new RetrySpec(Number("count"), Number("delay"), Condition("break-on"), Condition("continue-on"), node.Position);
        return ok ? spec : null;
    }
}

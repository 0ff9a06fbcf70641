using Sirocco.Language.Yaml;

namespace Sirocco.Language.Parsing;

/// <summary>One ad-hoc action (<c>lang/v2/actions.py</c>).</summary>
internal static class ActionParser
{
    private static readonly HashSet<string> Keys = ["name", "version", "description", "tags", "base", "base-input", "input", "output"];

    public static AdHocActionSpec? Parse(YamlEntry entry, string definition, ParseContext ctx)
    {
        var name = entry.Key;
        var position = entry.KeyNode.Position;
        if (!ctx.ExpectMapping(entry.Value, out var map))
        {
            return null;
        }

        var errorsBefore = ctx.Errors.Count;
        if (entry.KeyNode is YamlScalar { Value: not string })
        {
            ctx.Invalid(entry.KeyNode, $"{ParseContext.Repr(entry.KeyNode)} is not of type 'string' (action name)");
        }

        NameRules.CheckDefinitionName(name, position, ctx);
        ctx.RejectUnknownKeys(map, Keys);

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

        string? baseName = null;
        OrderedDictionary<string, object?> inline = [];
        if (map["base"] is not { } baseNode)
        {
            ctx.Fail(position, "Invalid DSL: 'base' is a required property");
        }
        else if (ctx.ExpectNonEmptyString(baseNode))
        {
            var text = (string)((YamlScalar)baseNode).Value!;
            if (InlineParameters.Parse(text) is var (parsedName, parameters))
            {
                baseName = parsedName;
                inline = parameters;
                ctx.CheckExpressions(parameters, baseNode.Position);
            }
            else
            {
                ctx.Fail(baseNode, $"Invalid action/workflow task property: {text}");
            }
        }

        var baseInput = new OrderedDictionary<string, object?>();
        if (map["base-input"] is { } baseInputNode && ctx.ExpectNonEmptyMapping(baseInputNode, out var baseInputMap))
        {
            ctx.CheckExpressions(baseInputMap);
            baseInput = (OrderedDictionary<string, object?>)baseInputMap.ToValue()!;
        }

        // Inline parameters of 'base' are merged into base-input, winning on clashes (merge_dicts).
        TaskParser.MergeInto(baseInput, inline);

        var input = map["input"] is { } inputNode ? InputParser.Parse(inputNode, ctx) : [];

        object? output = null;
        var outputNode = map["output"];
        if (outputNode is YamlScalar { Value: string })
        {
            ctx.CheckExpressions(outputNode);
        }

        output = outputNode?.ToValue();

        if (ctx.Errors.Count > errorsBefore || baseName is null)
        {
            return null;
        }

        return new AdHocActionSpec
        {
            Name = name,
            Position = position,
            Base = baseName,
            BaseInput = baseInput,
            Input = input,
            Output = output,
            HasOutput = outputNode is not null,
            Description = description,
            Tags = tags,
            Definition = definition,
        };
    }
}

using Sirocco.Language.Yaml;

namespace Sirocco.Language.Parsing;

/// <summary>
/// <c>input</c> lists of workflows and ad-hoc actions: a non-empty list of unique items, each a name
/// (required parameter) or a one-key map <c>name: default</c> (default kept verbatim).
/// </summary>
internal static class InputParser
{
    public static List<InputParameter> Parse(YamlNode node, ParseContext ctx)
    {
        var result = new List<InputParameter>();
        if (node is not YamlSequence seq)
        {
            ctx.Invalid(node, $"{ParseContext.Repr(node)} is not of type 'array'");
            return result;
        }

        if (seq.Items.Count == 0)
        {
            ctx.Invalid(node, "[] is too short");
            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in seq.Items)
        {
            InputParameter parameter;
            switch (item)
            {
                case YamlScalar { Value: string { Length: > 0 } name }:
                    parameter = new InputParameter(name, false, null, item.Position);
                    break;
                case YamlMapping { Count: 1 } map:
                    var entry = map.Entries.Values.First();
                    parameter = new InputParameter(entry.Key, true, entry.Value.ToValue(), entry.KeyNode.Position);
                    break;
                default:
                    ctx.Invalid(item, $"{ParseContext.Repr(item)} is not valid under any of the given schemas (an input item is a name or a one-key map 'name: default')");
                    continue;
            }

            if (!seen.Add(Sirocco.Values.Json.Serialize(item.ToValue())))
            {
                ctx.Invalid(node, $"{ParseContext.Repr(node)} has non-unique elements");
                continue;
            }

            // get_dict_from_entries: a repeated name keeps its first place and takes the last value.
            var existing = result.FindIndex(p => p.Name == parameter.Name);
            if (existing >= 0)
            {
                result[existing] = parameter with { Position = result[existing].Position };
            }
            else
            {
                result.Add(parameter);
            }
        }

        return result;
    }
}

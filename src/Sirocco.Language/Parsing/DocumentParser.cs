using System.Globalization;
using System.Text.RegularExpressions;
using Sirocco.Language.Yaml;
using Sirocco.Values;

namespace Sirocco.Language.Parsing;

/// <summary>The three kinds of document: workflow files, workbooks, ad-hoc action files.</summary>
internal static partial class DocumentParser
{
    private static readonly HashSet<string> WorkbookKeys = ["version", "name", "description", "tags", "workflows", "actions"];

    public static WorkflowListSpec ParseWorkflows(string text, Func<string, string?>? checkExpression)
    {
        var ctx = new ParseContext(checkExpression);
        var root = LoadRoot(text, ctx);
        var version = ListVersion(root, ctx);
        var workflows = new List<WorkflowSpec>();
        var items = ListItems(root, ctx);
        foreach (var entry in items)
        {
            var definition = items.Count == 1 ? text : CutListItem(text, root, entry);
            if (WorkflowParser.Parse(entry, definition, ctx) is { } workflow)
            {
                workflows.Add(workflow);
            }
        }

        ctx.ThrowIfFailed();
        return new WorkflowListSpec(version, workflows);
    }

    public static ActionListSpec ParseActions(string text, Func<string, string?>? checkExpression)
    {
        var ctx = new ParseContext(checkExpression);
        var root = LoadRoot(text, ctx);
        var version = ListVersion(root, ctx);
        var actions = new List<AdHocActionSpec>();
        foreach (var entry in ListItems(root, ctx))
        {
            // Mistral stores the whole file as the definition of each action in it.
            if (ActionParser.Parse(entry, text, ctx) is { } action)
            {
                actions.Add(action);
            }
        }

        ctx.ThrowIfFailed();
        return new ActionListSpec(version, actions);
    }

    public static WorkbookSpec ParseWorkbook(string text, Func<string, string?>? checkExpression)
    {
        var ctx = new ParseContext(checkExpression);
        var root = LoadRoot(text, ctx);

        // parser._get_spec_version: a missing version passes here, then the schema requires it.
        var versionNode = root["version"];
        var version = "2.0";
        if (versionNode is not null)
        {
            var value = (versionNode as YamlScalar)?.Value;
            version = Py.Str(value);
            if (!IsVersion20(value))
            {
                ctx.Fail(versionNode, $"Unsupported DSL version: {version}");
                ctx.ThrowIfFailed();
            }
        }
        else
        {
            ctx.Fail(root, "Invalid DSL: 'version' is a required property");
        }

        ctx.RejectUnknownKeys(root, WorkbookKeys);

        string name = "";
        if (root.Find("name") is not { } nameEntry)
        {
            ctx.Fail(root, "Invalid DSL: 'name' is a required property");
        }
        else if (ctx.ExpectNonEmptyString(nameEntry.Value))
        {
            name = (string)((YamlScalar)nameEntry.Value).Value!;
            NameRules.CheckDefinitionName(name, nameEntry.Value.Position, ctx);
        }

        string? description = null;
        if (root["description"] is { } descriptionNode && ctx.ExpectNonEmptyString(descriptionNode))
        {
            description = (string)((YamlScalar)descriptionNode).Value!;
        }

        List<string> tags = [];
        if (root["tags"] is { } tagsNode)
        {
            ctx.ExpectUniqueStringList(tagsNode, out tags);
        }

        var workflows = new List<WorkflowSpec>();
        foreach (var entry in Section(root, "workflows", ctx))
        {
            if (WorkflowParser.Parse(entry, CutWorkbookItem(text, "workflows:", entry.Key), ctx) is { } workflow)
            {
                workflows.Add(workflow);
            }
        }

        var actions = new List<AdHocActionSpec>();
        foreach (var entry in Section(root, "actions", ctx))
        {
            if (ActionParser.Parse(entry, CutWorkbookItem(text, "actions:", entry.Key), ctx) is { } action)
            {
                actions.Add(action);
            }
        }

        ctx.ThrowIfFailed();
        return new WorkbookSpec(name, version, description, tags, workflows, actions);
    }

    private static YamlMapping LoadRoot(string text, ParseContext ctx)
    {
        ArgumentNullException.ThrowIfNull(text);
        var root = YamlLoader.Load(text);

        // parse_yaml: an empty document reads as {}.
        if (root is null)
        {
            return new YamlMapping(SourcePosition.Start, []);
        }

        if (root is not YamlMapping map)
        {
            ctx.Invalid(root, $"{ParseContext.Repr(root)} is not of type 'object'");
            ctx.ThrowIfFailed();
            return null!;
        }

        return map;
    }

    // BaseListSpec: 'version' required (a non-empty string or a number ≥ 0); Mistral then forces 2.0.
    private static string ListVersion(YamlMapping root, ParseContext ctx)
    {
        if (root["version"] is not { } node)
        {
            ctx.Fail(root, "Invalid DSL: 'version' is a required property");
            return "2.0";
        }

        var value = (node as YamlScalar)?.Value;
        var valid = value switch
        {
            string s => s.Length > 0,
            long l => l >= 0,
            System.Numerics.BigInteger b => b.Sign >= 0,
            double d => d >= 0,
            _ => false,
        };
        if (!valid)
        {
            ctx.Invalid(node, $"{ParseContext.Repr(node)} is not valid under any of the given schemas (version)");
        }

        return Py.Str(value);
    }

    private static List<YamlEntry> ListItems(YamlMapping root, ParseContext ctx)
    {
        var items = new List<YamlEntry>();
        foreach (var entry in root.Entries.Values)
        {
            if (entry.Key == "version")
            {
                continue;
            }

            if (ctx.ExpectNonEmptyMapping(entry.Value, out _))
            {
                items.Add(entry);
            }
        }

        if (root.Count < 2 && ctx.Errors.Count == 0)
        {
            ctx.Fail(root, $"At least one item must be in the list [data={ParseContext.Repr(root)}].");
        }

        return items;
    }

    private static bool IsVersion20(object? value) => value switch
    {
        string s => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == 2.0,
        long l => l == 2,
        double d => d == 2.0,
        _ => false,
    };

    // A workbook's 'workflows' / 'actions': a non-empty map; keys match ^(?!version$)[\w-]+$ or are 'version: 2.0'.
    private static List<YamlEntry> Section(YamlMapping root, string key, ParseContext ctx)
    {
        var result = new List<YamlEntry>();
        if (root[key] is not { } node || !ctx.ExpectNonEmptyMapping(node, out var map))
        {
            return result;
        }

        foreach (var entry in map.Entries.Values)
        {
            if (entry.Key == "version")
            {
                if (!IsVersion20((entry.Value as YamlScalar)?.Value) || entry.Value is YamlScalar { Value: long })
                {
                    ctx.Invalid(entry.Value, $"{ParseContext.Repr(entry.Value)} is not one of ['2.0', 2.0]");
                }

                continue;
            }

            if (!SectionKey().IsMatch(entry.Key))
            {
                ctx.Fail(entry.KeyNode.Position, $"Invalid DSL: Additional properties are not allowed ('{entry.Key}' was unexpected)");
                continue;
            }

            if (entry.Value is YamlScalar { Value: null })
            {
                ctx.Invalid(entry.Value, "None is not valid under any of the given schemas");
                continue;
            }

            result.Add(entry);
        }

        return result;
    }

    /// <summary>
    /// The text of one workflow of a multi-workflow file: the version line plus the lines of the workflow.
    /// (Mistral re-dumps the parsed YAML instead; the content is the same, the formatting is the author's.)
    /// </summary>
    private static string CutListItem(string text, YamlMapping root, YamlEntry entry)
    {
        var lines = SplitLines(text);
        var start = entry.KeyNode.Position.Line - 1;
        var end = lines.Count;
        foreach (var other in root.Entries.Values)
        {
            var line = other.KeyNode.Position.Line - 1;
            if (line > start && line < end)
            {
                end = line;
            }
        }

        var versionLine = root.Find("version") is { } version ? lines[version.KeyNode.Position.Line - 1].TrimEnd('\r', '\n') + "\n" : "";
        var body = string.Concat(lines.Skip(start).Take(end - start)).TrimEnd() + "\n";
        return versionLine + body;
    }

    /// <summary>Mistral's <c>_parse_def_from_wb</c>: the lines of one workbook member, dedented to its key.</summary>
    private static string CutWorkbookItem(string text, string section, string name)
    {
        var sectionIndex = text.IndexOf(section, StringComparison.Ordinal);
        if (sectionIndex < 0)
        {
            return "";
        }

        var lines = SplitLines(text[sectionIndex..]).Skip(1).ToList();
        var itemKey = name + ":";
        var definition = new List<string>();
        var i = 0;
        var indent = 0;
        for (; i < lines.Count; i++)
        {
            if (lines[i].Trim() == itemKey)
            {
                indent = lines[i].IndexOf(itemKey, StringComparison.Ordinal);
                definition.Add(lines[i].TrimStart());
                i++;
                break;
            }
        }

        for (; i < lines.Count; i++)
        {
            var line = lines[i];
            var stripped = line.Trim();
            if (stripped.Length == 0)
            {
                definition.Add(line);
            }
            else if (stripped.StartsWith('#'))
            {
                definition.Add(indent > line.IndexOf('#', StringComparison.Ordinal) ? line : line[indent..]);
            }
            else
            {
                var lineIndent = line.Length - line.TrimStart().Length;
                if (indent < lineIndent)
                {
                    definition.Add(line[indent..]);
                }
                else
                {
                    break;
                }
            }
        }

        return string.Concat(definition).TrimEnd() + "\n";
    }

    // Lines with their line breaks, as Python's readline gives them.
    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    [GeneratedRegex(@"^(?!version$)[\w-]+$")]
    private static partial Regex SectionKey();
}

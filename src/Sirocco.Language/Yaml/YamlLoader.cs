using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sirocco.Language.Yaml;

/// <summary>
/// Loads one YAML document the way Mistral does (<c>mistral.utils.safe_yaml.load</c>: PyYAML's safe
/// loader, YAML 1.1 scalar resolution, anchors and aliases read as plain text), keeping positions.
/// </summary>
internal static partial class YamlLoader
{
    /// <summary>Loads the document; an empty document is null. Syntax errors throw <see cref="LanguageException"/>.</summary>
    public static YamlNode? Load(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            var documentStart = parser.Consume<DocumentStart>();
            var root = ReadNode(parser);
            parser.Consume<DocumentEnd>();
            if (parser.Current is DocumentStart another)
            {
                throw Error(another.Start, "expected a single document in the stream, but found another document");
            }

            parser.Consume<StreamEnd>();
            _ = documentStart;
            return root is YamlScalar { Value: null } ? null : root;
        }
        catch (YamlException e) when (e is not SemanticErrorException || e.Start.Line > 0)
        {
            throw Error(e.Start, Clean(e.Message));
        }
    }

    private static LanguageException Error(Mark mark, string message) =>
        new(ToPosition(mark), "Definition could not be parsed: " + message);

    private static string Clean(string message)
    {
        // YamlDotNet prefixes "(Line: l, Col: c, Idx: i) - (Line..): "; the position is reported separately.
        var m = MarkPrefix().Match(message);
        return m.Success ? message[m.Length..] : message;
    }

    internal static SourcePosition ToPosition(Mark mark) =>
        new(Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));

    private static YamlNode ReadNode(IParser parser)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the document");
        var position = ToPosition(current.Start);
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();

                // Mistral's loader turns '*name' into plain text instead of resolving it.
                return new YamlScalar(position, "*" + alias.Value.Value, "*" + alias.Value.Value);

            case Scalar scalar:
                parser.MoveNext();
                return ReadScalar(scalar, position);

            case SequenceStart start:
                {
                    RejectAnchor(start.Anchor, start.Start);
                    CheckCollectionTag(start.Tag, start.Start, "seq");
                    parser.MoveNext();
                    var items = new List<YamlNode>();
                    while (parser.Current is not SequenceEnd)
                    {
                        items.Add(ReadNode(parser));
                    }

                    parser.MoveNext();
                    return new YamlSequence(position, items);
                }

            case MappingStart start:
                {
                    RejectAnchor(start.Anchor, start.Start);
                    CheckCollectionTag(start.Tag, start.Start, "map");
                    parser.MoveNext();
                    var entries = new OrderedDictionary<string, YamlEntry>();
                    var merges = new List<(YamlNode Node, Mark Mark)>();
                    while (parser.Current is not MappingEnd)
                    {
                        var keyEvent = parser.Current!;
                        var keyNode = ReadNode(parser);
                        var valueNode = ReadNode(parser);
                        if (keyNode is YamlScalar { Text: "<<" } mergeKey && keyEvent is Scalar { Style: ScalarStyle.Plain, Tag.IsEmpty: true })
                        {
                            _ = mergeKey;
                            merges.Add((valueNode, keyEvent.Start));
                            continue;
                        }

                        var key = KeyText(keyNode, keyEvent.Start);

                        // PyYAML: a repeated key keeps its first place and takes the last value.
                        entries[key] = new YamlEntry(key, entries.TryGetValue(key, out var first) ? first.KeyNode : keyNode, valueNode);
                    }

                    parser.MoveNext();
                    return new YamlMapping(position, merges.Count == 0 ? entries : ApplyMerges(entries, merges));
                }

            default:
                throw new YamlException(current.Start, current.End, "unexpected " + current.GetType().Name);
        }
    }

    // '<<: {…}' or '<<: [{…}, {…}]' (anchors are plain text in Mistral, so only inline maps can be merged):
    // merged keys come first, explicit keys of the mapping win.
    private static OrderedDictionary<string, YamlEntry> ApplyMerges(
        OrderedDictionary<string, YamlEntry> explicitEntries, List<(YamlNode Node, Mark Mark)> merges)
    {
        var result = new OrderedDictionary<string, YamlEntry>();
        foreach (var (node, mark) in merges)
        {
            var sources = node switch
            {
                YamlMapping map => [map],
                YamlSequence seq when seq.Items.All(i => i is YamlMapping) => seq.Items.Cast<YamlMapping>().ToList(),
                _ => throw new YamlException(mark, mark, "while constructing a mapping: expected a mapping or list of mappings for merging"),
            };
            foreach (var source in sources)
            {
                foreach (var (key, entry) in source.Entries)
                {
                    result.TryAdd(key, entry);
                }
            }
        }

        foreach (var (key, entry) in explicitEntries)
        {
            result[key] = entry;
        }

        return result;
    }

    private static void RejectAnchor(AnchorName anchor, Mark mark)
    {
        if (!anchor.IsEmpty)
        {
            throw new YamlException(mark, mark, $"anchors are not supported: Mistral reads '&{anchor.Value}' as plain text");
        }
    }

    private static void CheckCollectionTag(TagName tag, Mark mark, string expected)
    {
        if (tag.IsEmpty || tag.IsNonSpecific || tag.Value == "tag:yaml.org,2002:" + expected)
        {
            return;
        }

        throw new YamlException(mark, mark, $"could not determine a constructor for the tag '{TagText(tag)}'");
    }

    private static string TagText(TagName tag) => tag.Value;

    private static string KeyText(YamlNode key, Mark mark) => key switch
    {
        YamlScalar { Value: string s } => s,
        YamlScalar { Value: null } => "null",
        YamlScalar { Value: bool b } => b ? "true" : "false",
        YamlScalar { Value: double d } => Sirocco.Values.Py.Repr(d),
        YamlScalar scalar => Convert.ToString(scalar.Value, CultureInfo.InvariantCulture) ?? "",
        _ => throw new YamlException(mark, mark, "while constructing a mapping: found unhashable key"),
    };

    private static YamlScalar ReadScalar(Scalar scalar, SourcePosition position)
    {
        var text = scalar.Value;
        if (!scalar.Anchor.IsEmpty)
        {
            // Mistral's loader reads '&name value' as one plain string.
            var raw = "&" + scalar.Anchor.Value + (text.Length > 0 ? " " + text : "");
            return new YamlScalar(position, raw, raw);
        }

        var tag = scalar.Tag;
        if (tag.IsEmpty)
        {
            return new YamlScalar(position, scalar.Style == ScalarStyle.Plain ? ResolvePlain(text, scalar.Start) : text, text);
        }

        if (tag.IsNonSpecific)
        {
            return new YamlScalar(position, text, text);
        }

        object? value = tag.Value switch
        {
            "tag:yaml.org,2002:str" => text,
            "tag:yaml.org,2002:int" => ConstructInt(text) ?? throw new YamlException(scalar.Start, scalar.End, $"invalid literal for int(): '{text}'"),
            "tag:yaml.org,2002:float" => ConstructFloat(text) ?? throw new YamlException(scalar.Start, scalar.End, $"could not convert string to float: '{text}'"),
            "tag:yaml.org,2002:bool" => BoolPattern().IsMatch(text)
                ? IsTrue(text)
                : throw new YamlException(scalar.Start, scalar.End, $"invalid boolean '{text}'"),
            "tag:yaml.org,2002:null" => null,
            _ => throw new YamlException(scalar.Start, scalar.End, $"could not determine a constructor for the tag '{TagText(tag)}'"),
        };
        return new YamlScalar(position, value, text);
    }

    /// <summary>PyYAML's implicit resolution of a plain scalar (YAML 1.1).</summary>
    internal static object? ResolvePlain(string text, Mark mark = default)
    {
        if (text.Length == 0 || NullPattern().IsMatch(text))
        {
            return null;
        }

        if (BoolPattern().IsMatch(text))
        {
            return IsTrue(text);
        }

        if (IntPattern().IsMatch(text))
        {
            return ConstructInt(text) ?? (object)text;
        }

        if (FloatPattern().IsMatch(text))
        {
            return (object?)ConstructFloat(text) ?? text;
        }

        if (text == "=")
        {
            throw new YamlException(mark, mark, "could not determine a constructor for the tag 'tag:yaml.org,2002:value'");
        }

        // Timestamps stay text: JSON has no date type and Mistral cannot store one either.
        return text;
    }

    private static bool IsTrue(string text) => text.ToUpperInvariant() is "YES" or "TRUE" or "ON";

    private static object? ConstructInt(string text)
    {
        var value = text.Replace("_", "", StringComparison.Ordinal);
        var sign = BigInteger.One;
        if (value.StartsWith('-'))
        {
            sign = BigInteger.MinusOne;
            value = value[1..];
        }
        else if (value.StartsWith('+'))
        {
            value = value[1..];
        }

        BigInteger result;
        if (value == "0")
        {
            result = BigInteger.Zero;
        }
        else if (value.StartsWith("0b", StringComparison.Ordinal))
        {
            if (!TryParseBase(value[2..], 2, out result))
            {
                return null;
            }
        }
        else if (value.StartsWith("0x", StringComparison.Ordinal))
        {
            if (!TryParseBase(value[2..], 16, out result))
            {
                return null;
            }
        }
        else if (value.StartsWith('0'))
        {
            if (!TryParseBase(value[1..], 8, out result))
            {
                return null;
            }
        }
        else if (value.Contains(':', StringComparison.Ordinal))
        {
            result = BigInteger.Zero;
            foreach (var part in value.Split(':'))
            {
                if (!BigInteger.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var digit))
                {
                    return null;
                }

                result = (result * 60) + digit;
            }
        }
        else if (!BigInteger.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result))
        {
            return null;
        }

        result *= sign;
        return result >= long.MinValue && result <= long.MaxValue ? (object)(long)result : result;
    }

    private static bool TryParseBase(string digits, int radix, out BigInteger result)
    {
        result = BigInteger.Zero;
        if (digits.Length == 0)
        {
            return false;
        }

        foreach (var c in digits)
        {
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= radix)
            {
                return false;
            }

            result = (result * radix) + d;
        }

        return true;
    }

    private static double? ConstructFloat(string text)
    {
        var value = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        var sign = 1.0;
        if (value.StartsWith('-'))
        {
            sign = -1.0;
            value = value[1..];
        }
        else if (value.StartsWith('+'))
        {
            value = value[1..];
        }

        if (value == ".inf")
        {
            return sign * double.PositiveInfinity;
        }

        if (value == ".nan")
        {
            return double.NaN;
        }

        if (value.Contains(':', StringComparison.Ordinal))
        {
            var total = 0.0;
            foreach (var part in value.Split(':'))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var digit))
                {
                    return null;
                }

                total = (total * 60) + digit;
            }

            return sign * total;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? sign * d : null;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    [GeneratedRegex(@"^(?:~|null|Null|NULL)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex(@"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}

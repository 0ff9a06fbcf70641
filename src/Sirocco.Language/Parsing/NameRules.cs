using System.Text.RegularExpressions;

namespace Sirocco.Language.Parsing;

/// <summary>Mistral's rules for definition names (database model checks and the UUID rule).</summary>
internal static partial class NameRules
{
    /// <summary>Workflow, workbook and action names must not contain spaces.</summary>
    public static void CheckDefinitionName(string name, SourcePosition position, ParseContext ctx)
    {
        if (name.Contains(' ', StringComparison.Ordinal))
        {
            ctx.Fail(position, $"Name '{name}' must not contain spaces");
        }
    }

    /// <summary>
    /// oslo's is_uuid_like: after dropping <c>urn:</c>, <c>uuid:</c>, braces and hyphens the name is
    /// 32 hex digits.
    /// </summary>
    public static bool IsUuidLike(string name)
    {
        var s = name.ToLowerInvariant()
            .Replace("urn:", "", StringComparison.Ordinal)
            .Replace("uuid:", "", StringComparison.Ordinal)
            .Replace("{", "", StringComparison.Ordinal)
            .Replace("}", "", StringComparison.Ordinal)
            .Replace("-", "", StringComparison.Ordinal);
        return Hex32().IsMatch(s);
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex Hex32();
}

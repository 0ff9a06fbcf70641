using System.Text.RegularExpressions;
using Sirocco.Values;

namespace Sirocco.Language;

/// <summary>
/// Mistral's inline parameter syntax (<c>lang/base.py:_parse_cmd_and_input</c>):
/// <c>std.http url="http://x" timeout=5</c> → name <c>std.http</c> and <c>{url: "http://x", timeout: 5}</c>.
/// Values are <c>"…"</c>, <c>'…'</c> (quotes stripped), an expression (kept as text), <c>[…]</c> (greedy,
/// JSON-parsed when possible), <c>true</c>, <c>false</c>, <c>null</c> or digits; anything else is
/// silently dropped, as in Mistral. Used for action / workflow / base names, transitions and one-line retry.
/// </summary>
public static partial class InlineParameters
{
    /// <summary>
    /// Splits <paramref name="command"/> into its name and parameters. A string without a space is all
    /// name. Returns null when the text does not start with a name or an expression (Mistral's
    /// "Invalid action/workflow task property").
    /// </summary>
    public static (string Name, OrderedDictionary<string, object?> Params)? Parse(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameters = new OrderedDictionary<string, object?>();
        if (!command.Contains(' ', StringComparison.Ordinal))
        {
            return (command, parameters);
        }

        var name = Command().Match(command);
        if (!name.Success)
        {
            return null;
        }

        foreach (Match match in Parameter().Matches(command))
        {
            var raw = match.Groups[2].Value.Trim();
            object? value;
            if (raw[0] is '"' or '\'')
            {
                value = raw.Length >= 2 ? raw[1..^1] : "";
            }
            else
            {
                value = TryJson(raw, out var parsed) ? parsed : raw;
            }

            parameters[match.Groups[1].Value] = value;
        }

        return (name.Value, parameters);
    }

    private static bool TryJson(string raw, out object? value)
    {
        try
        {
            value = Json.Parse(raw);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            value = null;
            return false;
        }
    }

    [GeneratedRegex(@"^([\w\.]+[^=\(\s""]*|<%.*?%>|{{.*}}|{%.*%})")]
    private static partial Regex Command();

    // key=value, the value alternatives in Mistral's order: "…", '…', Jinja, YAQL, […], true, false, null, digits.
    [GeneratedRegex(@"([-_\w]+)=(""[^""]*""\s*|'[^']*'\s*|({{(.*?)}})|<%.*?%>|\[.*\]\s*|true|false|null|\d+)")]
    private static partial Regex Parameter();
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sirocco.Actions.Providers;

/// <summary>JSON nodes to the SDK's value convention (null, bool, long, double, string, list, ordered dict).</summary>
public static class JsonValues
{
    /// <summary>The value of a JSON node; integers stay integers.</summary>
    /// <param name="node">The node.</param>
    public static object? ToValue(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.Aggregate(new OrderedDictionary<string, object?>(), (d, kv) =>
        {
            d[kv.Key] = ToValue(kv.Value);
            return d;
        }),
        JsonArray a => a.Select(ToValue).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        _ => null,
    };

    // by the number's text: integers stay integers (1 is not 1.0), whatever holds the node
    private static object Number(JsonValue v)
    {
        var text = v.ToJsonString();
        return text.IndexOfAny(['.', 'e', 'E']) < 0 && long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l)
            ? (object)l // a bare `cond ? long : double` would widen the long to double
            : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }
}

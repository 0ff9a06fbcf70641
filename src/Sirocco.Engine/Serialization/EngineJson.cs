using System.Text.Json;
using System.Text.Json.Serialization;
using Sirocco.Values;

namespace Sirocco.Engine.Serialization;

/// <summary>
/// JSON for everything the engine hands to the host (state, events, effects): <see cref="Options"/> keeps
/// values in the Sirocco.Values model (int vs float, map order) through <see cref="Json"/>.
/// </summary>
public static class EngineJson
{
    /// <summary>Serializer options for engine types.</summary>
    public static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>Serializes an engine object (state, record, event, effect).</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Deserializes an engine object.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"null {typeof(T).Name}");

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        o.Converters.Add(new ValueConverter());
        o.Converters.Add(new MapConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>Any value of the value model.</summary>
    private sealed class ValueConverter : JsonConverter<object>
    {
        public override bool HandleNull => true;

        public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            return Json.FromElement(doc.RootElement);
        }

        public override void Write(Utf8JsonWriter writer, object? value, JsonSerializerOptions options) => Json.Write(writer, value);
    }

    /// <summary>A map of the value model.</summary>
    private sealed class MapConverter : JsonConverter<OrderedDictionary<string, object?>>
    {
        public override OrderedDictionary<string, object?>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            return Json.FromElement(doc.RootElement) switch
            {
                null => null,
                OrderedDictionary<string, object?> map => map,
                _ => throw new JsonException("expected a JSON object"),
            };
        }

        public override void Write(Utf8JsonWriter writer, OrderedDictionary<string, object?> value, JsonSerializerOptions options) => Json.Write(writer, value);
    }
}

using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Sirocco.Values;

/// <summary>Conversion between JSON text and the value model, keeping int/float apart and map order.</summary>
public static class Json
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 512 };

    /// <summary>Parses JSON text into a value. Throws <see cref="JsonException"/> on malformed input.</summary>
    public static object? Parse(string json)
    {
        using var doc = JsonDocument.Parse(json, DocumentOptions);
        return FromElement(doc.RootElement);
    }

    /// <summary>Parses UTF-8 JSON bytes into a value.</summary>
    public static object? Parse(ReadOnlyMemory<byte> utf8)
    {
        using var doc = JsonDocument.Parse(utf8, DocumentOptions);
        return FromElement(doc.RootElement);
    }

    /// <summary>Converts a parsed JSON element into a value.</summary>
    public static object? FromElement(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.String:
                return e.GetString();
            case JsonValueKind.Number:
                return ParseNumber(e.GetRawText());
            case JsonValueKind.Array:
                {
                    var list = new List<object?>(e.GetArrayLength());
                    foreach (var item in e.EnumerateArray())
                    {
                        list.Add(FromElement(item));
                    }
                    return list;
                }
            case JsonValueKind.Object:
                {
                    var map = new OrderedDictionary<string, object?>();
                    foreach (var p in e.EnumerateObject())
                    {
                        map[p.Name] = FromElement(p.Value);
                    }
                    return map;
                }
            default:
                throw new JsonException($"unexpected JSON value kind {e.ValueKind}");
        }
    }

    /// <summary>A JSON number literal as long, BigInteger or double (a dot or exponent makes it a float).</summary>
    public static object ParseNumber(string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
        {
            return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        return BigInteger.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    /// <summary>Serializes a value as compact JSON (the form stored and sent over the API).</summary>
    public static string Serialize(object? value, bool indented = false) =>
        Encoding.UTF8.GetString(SerializeToUtf8(value, indented).Span);

    /// <summary>
    /// <see cref="Serialize"/> as UTF-8 bytes, for a response body: no UTF-16 string between the writer and the wire
    /// (a 43 KB list response was an 86 KB string, on the large object heap, encoded back to UTF-8 to be sent).
    /// </summary>
    public static ReadOnlyMemory<byte> SerializeToUtf8(object? value, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(w, value);
        }
        return buffer.WrittenMemory;
    }

    /// <summary>Writes a value to a JSON writer.</summary>
    public static void Write(Utf8JsonWriter w, object? value)
    {
        ArgumentNullException.ThrowIfNull(w);
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case BigInteger bi:
                w.WriteRawValue(bi.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case double d:
                WriteDouble(w, d);
                break;
            case IDictionary<string, object?> map:
                w.WriteStartObject();
                foreach (var kv in map)
                {
                    w.WritePropertyName(kv.Key);
                    Write(w, kv.Value);
                }
                w.WriteEndObject();
                break;
            case IEnumerable<object?> list:
                w.WriteStartArray();
                foreach (var item in list)
                {
                    Write(w, item);
                }
                w.WriteEndArray();
                break;
            default:
                throw new JsonException($"value of type {value.GetType().Name} cannot be written as JSON");
        }
    }

    private static void WriteDouble(Utf8JsonWriter w, double d)
    {
        if (double.IsNaN(d))
        {
            w.WriteRawValue("NaN", skipInputValidation: true);
        }
        else if (double.IsInfinity(d))
        {
            w.WriteRawValue(d > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
        }
        else
        {
            // Python's json module writes repr(float): always a dot or an exponent, so the type survives a round trip.
            w.WriteRawValue(Py.FloatRepr(d), skipInputValidation: true);
        }
    }
}

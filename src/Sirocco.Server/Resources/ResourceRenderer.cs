using Sirocco.Server.Http;
using Sirocco.Store.Queries;

namespace Sirocco.Server.Resources;

/// <summary>
/// Renders a row read through <see cref="ListQueryRunner"/> as the REST resource: JSON fields as JSON-encoded strings
/// in Python's <c>json.dumps</c> form (or as real objects for the text/plain routes' responses), times as Mistral's text.
/// </summary>
public static class ResourceRenderer
{
    /// <summary>Renders one row.</summary>
    public static OrderedDictionary<string, object?> Render(ResourceTable table, OrderedDictionary<string, object?> row, bool jsonAsObjects = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(row);
        var result = new OrderedDictionary<string, object?>(row.Count);
        foreach (var (field, value) in row)
        {
            var column = table.Find(field);
            if (column?.Kind == ColumnKind.Json)
            {
                var parsed = value is string text && text.Length > 0 ? Values.Json.Parse(text) : null;
                // a task's result is always a JSON text, "null" included (the CLI json.loads it)
                result[field] = jsonAsObjects ? parsed : parsed is null && field != "result" ? null : Sirocco.Expressions.Functions.PyJson.Dumps(parsed, indent: null);
            }
            else
            {
                result[field] = value;
            }
        }

        return result;
    }

    /// <summary>Renders many rows.</summary>
    public static List<OrderedDictionary<string, object?>> RenderAll(ResourceTable table, IEnumerable<OrderedDictionary<string, object?>> rows,
        bool jsonAsObjects = false) =>
        rows.Select(r => Render(table, r, jsonAsObjects)).ToList();
}

namespace Sirocco.Store.Queries;

/// <summary>How a column's stored value is read, compared and returned.</summary>
public enum ColumnKind
{
    /// <summary>Text (possibly NULL).</summary>
    Text,

    /// <summary>JSON text; returned as the stored text.</summary>
    Json,

    /// <summary>UTC time as <c>YYYY-MM-DD HH:MM:SS</c> text, which compares in time order.</summary>
    Time,

    /// <summary>0/1 integer returned as bool.</summary>
    Bool,

    /// <summary>A JSON list of strings; a filter matches resources carrying every listed tag.</summary>
    Tags,

    /// <summary>Integer.</summary>
    Integer,
}

/// <summary>One field of a resource and the column behind it.</summary>
/// <param name="Field">The resource field name, as the REST API spells it.</param>
/// <param name="Column">The SQL column.</param>
/// <param name="Kind">How the value is read and compared.</param>
/// <param name="Deferred">Not returned unless asked for (Mistral's deferred columns: <c>output</c>, task <c>result</c>, ...).</param>
public sealed record ResourceColumn(string Field, string Column, ColumnKind Kind, bool Deferred = false);

/// <summary>A REST resource's table: which fields exist, in the order the API returns them.</summary>
public sealed class ResourceTable
{
    private readonly Dictionary<string, ResourceColumn> _byField;

    /// <summary>Creates the description.</summary>
    public ResourceTable(string resourceName, string table, IReadOnlyList<ResourceColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ResourceName = resourceName;
        Table = table;
        Columns = columns;
        _byField = columns.ToDictionary(c => c.Field, StringComparer.Ordinal);
        if (!_byField.ContainsKey("id"))
        {
            throw new ArgumentException("a resource table needs an id column", nameof(columns));
        }
    }

    /// <summary>The resource name used in messages (<c>Workflow</c>, <c>Execution</c>).</summary>
    public string ResourceName { get; }

    /// <summary>The SQL table.</summary>
    public string Table { get; }

    /// <summary>Every field in API order.</summary>
    public IReadOnlyList<ResourceColumn> Columns { get; }

    /// <summary>The column behind a field, or null when the resource has no such field.</summary>
    public ResourceColumn? Find(string field) => _byField.GetValueOrDefault(field);
}

using System.Data.Common;
using System.Globalization;
using System.Text;
using Sirocco.Values;

namespace Sirocco.Store.Queries;

/// <summary>
/// Turns a <see cref="ListQuery"/> into one SQL statement and runs it. Pagination is keyset pagination, as Mistral's
/// (oslo.db's <c>paginate_query</c>): the page holds the rows that sort strictly after the marker row, with
/// <c>id asc</c> appended to the sort keys so that the order is total.
/// </summary>
public static class ListQueryRunner
{
    /// <summary>Runs the query on an open connection and returns one ordered map per row.</summary>
    public static async Task<IReadOnlyList<OrderedDictionary<string, object?>>> RunAsync(
        DbConnection connection, ResourceTable table, ListQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(query);

        var selected = SelectedColumns(table, query);
        var sort = SortKeys(table, query);

        await using var cmd = connection.CreateCommand();
        var where = new List<string>();
        var n = 0;
        string Param(object? value)
        {
            var name = "@q" + n++.ToString(CultureInfo.InvariantCulture);
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
            return name;
        }

        foreach (var f in query.Filters)
        {
            where.Add(FilterSql(table, f, Param));
        }

        if (query.Marker is { } marker)
        {
            var markerValues = await MarkerValuesAsync(connection, table, sort, marker, ct).ConfigureAwait(false);
            where.Add(AfterMarkerSql(sort, markerValues, Param));
        }

        var sql = new StringBuilder("SELECT ");
        sql.AppendJoin(", ", selected.Select(c => c.Column));
        sql.Append(" FROM ").Append(table.Table);
        if (where.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", where);
        }

        sql.Append(" ORDER BY ").AppendJoin(", ", sort.Select(s => SortExpression(s.Column) + (s.Descending ? " DESC" : " ASC")));
        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        cmd.CommandText = sql.ToString();
        var rows = new List<OrderedDictionary<string, object?>>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var row = new OrderedDictionary<string, object?>(selected.Count);
            for (var i = 0; i < selected.Count; i++)
            {
                row[selected[i].Field] = ReadValue(reader, i, selected[i].Kind);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The columns a query returns: the asked-for fields plus <c>id</c>, or the non-deferred ones.</summary>
    public static IReadOnlyList<ResourceColumn> SelectedColumns(ResourceTable table, ListQuery query)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Fields is { } fields)
        {
            foreach (var f in fields)
            {
                _ = Column(table, f);
            }

            return table.Columns.Where(c => c.Field == "id" || fields.Contains(c.Field)).ToList();
        }

        foreach (var f in query.IncludeDeferred)
        {
            _ = Column(table, f);
        }

        return table.Columns.Where(c => !c.Deferred || query.IncludeDeferred.Contains(c.Field)).ToList();
    }

    private static ResourceColumn Column(ResourceTable table, string field) =>
        table.Find(field) ?? throw new InvalidQueryException($"{table.ResourceName} has no field '{field}'");

    private sealed record ResolvedSort(ResourceColumn Column, bool Descending);

    private static List<ResolvedSort> SortKeys(ResourceTable table, ListQuery query)
    {
        var keys = new List<ResolvedSort>();
        foreach (var s in query.Sort)
        {
            var c = Column(table, s.Field);
            if (c.Kind is ColumnKind.Json or ColumnKind.Tags)
            {
                throw new InvalidQueryException($"cannot sort {table.ResourceName} by '{s.Field}': it is not a plain column");
            }

            keys.Add(new ResolvedSort(c, s.Descending));
        }

        if (!keys.Any(k => k.Column.Field == "id"))
        {
            keys.Add(new ResolvedSort(table.Find("id")!, false));
        }

        return keys;
    }

    // NULLs sort (and compare) as the empty value of their kind, so that keyset comparisons stay total.
    private static string SortExpression(ResourceColumn c) => c.Kind switch
    {
        ColumnKind.Bool or ColumnKind.Integer => $"COALESCE({c.Column}, 0)",
        _ => $"COALESCE({c.Column}, '')",
    };

    private static async Task<object?[]> MarkerValuesAsync(DbConnection connection, ResourceTable table, List<ResolvedSort> sort,
        string marker, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {string.Join(", ", sort.Select(s => SortExpression(s.Column)))} FROM {table.Table} WHERE id = @marker";
        var p = cmd.CreateParameter();
        p.ParameterName = "@marker";
        p.Value = marker;
        cmd.Parameters.Add(p);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            throw new EntityNotFoundException($"{table.ResourceName} not found [id={marker}]");
        }

        var values = new object?[sort.Count];
        for (var i = 0; i < sort.Count; i++)
        {
            values[i] = reader.GetValue(i);
        }

        return values;
    }

    private static string AfterMarkerSql(List<ResolvedSort> sort, object?[] markerValues, Func<object?, string> param)
    {
        // (k1 > m1) OR (k1 = m1 AND k2 > m2) OR ... with '<' for descending keys
        var alternatives = new List<string>();
        for (var i = 0; i < sort.Count; i++)
        {
            var parts = new List<string>();
            for (var j = 0; j < i; j++)
            {
                parts.Add($"{SortExpression(sort[j].Column)} = {param(markerValues[j])}");
            }

            parts.Add($"{SortExpression(sort[i].Column)} {(sort[i].Descending ? "<" : ">")} {param(markerValues[i])}");
            alternatives.Add("(" + string.Join(" AND ", parts) + ")");
        }

        return "(" + string.Join(" OR ", alternatives) + ")";
    }

    private static string FilterSql(ResourceTable table, FilterCondition f, Func<object?, string> param)
    {
        var c = Column(table, f.Field);
        if (f.Operator == FilterOperator.IsNull)
        {
            return $"{c.Column} IS NULL";
        }

        if (c.Kind == ColumnKind.Tags)
        {
            return f.Operator switch
            {
                // tags=a,b: the resource carries every listed tag
                FilterOperator.Eq => "(" + string.Join(" AND ", f.Values.Select(v => $"{c.Column} LIKE {param("%" + EscapeLike(Json.Serialize(v)) + "%")} ESCAPE '\\'")) + ")",
                FilterOperator.Has => $"{c.Column} LIKE {param("%" + EscapeLike(f.Values[0]) + "%")} ESCAPE '\\'",
                _ => throw new InvalidQueryException($"not supported: filter operator '{f.Operator.ToString().ToLowerInvariant()}' on tags"),
            };
        }

        object? Value(string text) => Convert(table, c, text);
        switch (f.Operator)
        {
            case FilterOperator.Eq:
                return $"{c.Column} = {param(Value(f.Values[0]))}";
            case FilterOperator.Neq:
                return $"{c.Column} <> {param(Value(f.Values[0]))}";
            case FilterOperator.Gt:
                return $"{c.Column} > {param(Value(f.Values[0]))}";
            case FilterOperator.Gte:
                return $"{c.Column} >= {param(Value(f.Values[0]))}";
            case FilterOperator.Lt:
                return $"{c.Column} < {param(Value(f.Values[0]))}";
            case FilterOperator.Lte:
                return $"{c.Column} <= {param(Value(f.Values[0]))}";
            case FilterOperator.In:
            case FilterOperator.Nin:
                if (f.Values.Count == 0)
                {
                    return f.Operator == FilterOperator.In ? "1 = 0" : "1 = 1";
                }

                var list = string.Join(", ", f.Values.Select(v => param(Value(v))));
                return $"{c.Column} {(f.Operator == FilterOperator.In ? "IN" : "NOT IN")} ({list})";
            case FilterOperator.Has:
                return $"{c.Column} LIKE {param("%" + EscapeLike(f.Values[0]) + "%")} ESCAPE '\\'";
            default:
                throw new InvalidQueryException($"not supported: filter operator {f.Operator}");
        }
    }

    private static object? Convert(ResourceTable table, ResourceColumn c, string text)
    {
        switch (c.Kind)
        {
            case ColumnKind.Bool:
                return text.ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" or "on" => 1L,
                    "false" or "0" or "no" or "off" => 0L,
                    _ => throw new InvalidQueryException($"Invalid value for {table.ResourceName} field '{c.Field}': '{text}' is not a boolean"),
                };
            case ColumnKind.Integer:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw new InvalidQueryException($"Invalid value for {table.ResourceName} field '{c.Field}': '{text}' is not an integer");
            default:
                return text;
        }
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static object? ReadValue(DbDataReader r, int i, ColumnKind kind)
    {
        if (r.IsDBNull(i))
        {
            return kind == ColumnKind.Tags ? new List<object?>() : null;
        }

        switch (kind)
        {
            case ColumnKind.Bool:
                return r.GetInt64(i) != 0;
            case ColumnKind.Integer:
                return r.GetInt64(i);
            case ColumnKind.Tags:
                var text = r.GetString(i);
                return string.IsNullOrEmpty(text) ? new List<object?>() : Json.Parse(text) as List<object?> ?? [];
            default:
                return r.GetString(i);
        }
    }
}

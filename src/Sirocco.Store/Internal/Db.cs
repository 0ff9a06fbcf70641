using System.Data.Common;
using Sirocco.Values;

namespace Sirocco.Store.Internal;

/// <summary>Small ADO.NET helpers shared by every repository; plain SQL with named <c>@p</c> parameters works on
/// SQLite and PostgreSQL alike.</summary>
internal static class Db
{
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    public static DbCommand With(this DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return cmd;
    }

    public static string? StringOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? Int64OrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    public static DateTime? TimeOrNull(this DbDataReader r, int i) => r.IsDBNull(i) ? null : StoreTime.Parse(r.GetString(i));

    public static string TagsToJson(IReadOnlyList<string> tags) => Json.Serialize(tags.Cast<object?>().ToList());

    public static IReadOnlyList<string> TagsFromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        return Json.Parse(json) is IList<object?> list ? list.Select(x => x?.ToString() ?? "").ToList() : [];
    }

    public static async Task<int> ExecuteAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(c, tx, sql);
        foreach (var (name, value) in args)
        {
            cmd.With(name, value);
        }

        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<object?> ScalarAsync(DbConnection c, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] args)
    {
        await using var cmd = Command(c, tx, sql);
        foreach (var (name, value) in args)
        {
            cmd.With(name, value);
        }

        var v = await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return v is DBNull ? null : v;
    }
}

using Npgsql;

namespace Sirocco.Store;

/// <summary>Tells a PostgreSQL connection string from a SQLite file name, as given to <c>--database</c>.</summary>
public static class DatabaseNames
{
    /// <summary>The Npgsql connection string for <paramref name="database"/>, or null when it names a SQLite file.</summary>
    public static string? PostgresConnectionString(string database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var text = database.Trim();
        if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUri(new Uri(text));
        }

        // key=value;key=value with a host: a connection string (a file name has no '=' in practice)
        if (text.Contains('=', StringComparison.Ordinal) && text.Contains("host", StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }

        return null;
    }

    /// <summary>A short description without the password, for logs and start-up lines.</summary>
    public static string Describe(string database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (PostgresConnectionString(database) is not { } pg)
        {
            return Path.GetFullPath(database);
        }

        return DescribePostgres(pg);
    }

    // Npgsql's types only in methods of their own that are never inlined: a SQLite server then never loads the
    // Npgsql assembly (about 1.4 MB resident with the component-model types its connection-string builder pulls in).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string DescribePostgres(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql {b.Host}:{b.Port}/{b.Database}";
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string FromUri(Uri uri)
    {
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (uri.Port > 0)
        {
            b.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                b.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        var db = uri.AbsolutePath.TrimStart('/');
        if (db.Length > 0)
        {
            b.Database = Uri.UnescapeDataString(db);
        }

        return b.ConnectionString;
    }
}

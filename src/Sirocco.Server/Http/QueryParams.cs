namespace Sirocco.Server.Http;

/// <summary>Query-string helpers for single-object routes: unknown arguments are refused as WSME refuses them.</summary>
public static class QueryParams
{
    /// <summary>Throws 400 for any query parameter not in <paramref name="allowed"/>.</summary>
    public static void Allow(HttpRequest request, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var key in request.Query.Keys)
        {
            if (!allowed.Contains(key))
            {
                throw ApiException.BadRequest($"Unknown argument: \"{key}\"");
            }
        }
    }

    /// <summary>A parameter given at most once; null when absent.</summary>
    public static string? Get(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        var v = request.Query[name];
        return v.Count switch
        {
            0 => null,
            1 => v[0],
            _ => throw ApiException.BadRequest($"Invalid input for field/attribute {name}: given {v.Count} times, expected once"),
        };
    }
}

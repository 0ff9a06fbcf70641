using Sirocco.Server.Http;

namespace Sirocco.Server.Endpoints;

/// <summary><c>/</c> and <c>/v2</c>: Mistral's version documents.</summary>
public static class RootEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpRequest request) => Wire.Json(new OrderedDictionary<string, object?>
        {
            ["versions"] = new List<object?>
            {
                new OrderedDictionary<string, object?>
                {
                    ["id"] = "v2.0",
                    ["status"] = "CURRENT",
                    ["links"] = new List<object?>
                    {
                        new OrderedDictionary<string, object?> { ["href"] = AppUrl(request) + "/v2", ["target"] = "v2", ["rel"] = "self" },
                    },
                },
            },
        })).WithSummary("API versions");

        app.MapGet("/v2", (HttpRequest request) => V2(request)).WithSummary("The v2 API root");
    }

    private static IResult V2(HttpRequest request) =>
        Wire.Json(new OrderedDictionary<string, object?> { ["uri"] = AppUrl(request) + "/v2" });

    /// <summary>The application URL as the client reached it.</summary>
    public static string AppUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}";
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// A remote catalog in the shape Sirocco's remote provider reads (docs/actions.md, "Remote catalogs").
var port = args.Length >= 2 && args[0] == "--port" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
builder.Logging.ClearProviders();
var app = builder.Build();

app.MapGet("/actions", () => Results.Json(new
{
    actions = new object[]
    {
        new
        {
            name = "remote.upper",
            description = "Upper-cases a text",
            parameters = new object[] { new { name = "text", type = "string", required = true } },
        },
        new
        {
            name = "remote.sum",
            description = "Adds numbers",
            parameters = new object[]
            {
                new { name = "values", type = "list", required = true },
                new { name = "start", type = "integer", required = false, @default = 0 },
            },
        },
        new
        {
            name = "remote.whoami",
            description = "Echoes what the caller told about itself (token, user, execution)",
            parameters = Array.Empty<object>(),
        },
        new
        {
            name = "remote.fail",
            description = "Fails with the given message",
            parameters = new object[] { new { name = "message", type = "string", required = true } },
        },
    },
}));

app.MapPost("/actions/{name}", async (string name, HttpRequest request) =>
{
    var body = await JsonNode.ParseAsync(request.Body) as JsonObject;
    var input = body?["input"] as JsonObject ?? [];
    var context = body?["context"] as JsonObject ?? [];
    switch (name)
    {
        case "remote.upper":
            return Results.Json(new { result = input["text"]?.GetValue<string>().ToUpperInvariant() });
        case "remote.sum":
            var sum = input["start"]?.GetValue<double>() ?? 0;
            foreach (var v in input["values"] as JsonArray ?? [])
            {
                sum += v!.GetValue<double>();
            }

            return Results.Json(new { result = sum });
        case "remote.whoami":
            return Results.Json(new
            {
                result = new
                {
                    token = request.Headers["X-Auth-Token"].ToString(),
                    user = context["security"]?["user_name"]?.GetValue<string>(),
                    workflow_execution_id = context["execution"]?["workflow_execution_id"]?.GetValue<string>(),
                },
            });
        case "remote.fail":
            return Results.Json(new { error = input["message"]?.GetValue<string>() });
        default:
            return Results.NotFound(new { error = $"no action {name}" });
    }
});

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
// tests wait for this line to learn the URL
Console.WriteLine($"Remote catalog listening on {address}/");
await app.WaitForShutdownAsync();

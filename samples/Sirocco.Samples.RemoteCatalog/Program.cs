using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// A remote catalog in the shape Sirocco's remote provider reads (docs/actions.md, "Remote catalogs"), and a small image
// service described by images.openapi.yaml for Sirocco's openapi provider ("OpenAPI documents").
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

// The image service: in memory, three images to start with.
var images = new SortedDictionary<long, JsonObject>();
var nextId = 1L;
var imagesGate = new Lock();
foreach (var (name, status) in new[] { ("cirros", "active"), ("ubuntu", "active"), ("fedora", "queued") })
{
    images[nextId] = Image(nextId++, name, status, "public", [], 0);
}

app.MapGet("/openapi.yaml", () => Results.File(Path.Combine(AppContext.BaseDirectory, "images.openapi.yaml"), "application/yaml"));

app.MapGet("/images", (HttpRequest request) =>
{
    var limit = int.TryParse(request.Query["limit"], CultureInfo.InvariantCulture, out var l) ? l : 20;
    var status = request.Query["status"].ToString();
    lock (imagesGate)
    {
        var list = images.Values.Where(i => status.Length == 0 || i["status"]!.GetValue<string>() == status).Take(limit)
            .Select(i => i.DeepClone()).ToArray();
        return Results.Json(new JsonObject
        {
            ["images"] = new JsonArray(list),
            ["request_id"] = request.Headers.TryGetValue("X-Request-Id", out var id) ? id.ToString() : null,
        });
    }
});

app.MapGet("/images/{id}", (long id) =>
{
    lock (imagesGate)
    {
        return images.TryGetValue(id, out var image) ? Results.Json(image.DeepClone()) : Results.NotFound(new { message = $"Image {id} not found" });
    }
});

app.MapPost("/images", async (HttpRequest request) =>
{
    if (await JsonNode.ParseAsync(request.Body) is not JsonObject body || body["name"]?.GetValue<string>() is not { Length: > 0 } name)
    {
        return Results.BadRequest(new { message = "'name' is required" });
    }

    lock (imagesGate)
    {
        var tags = (body["tags"] as JsonArray ?? []).Select(t => t!.GetValue<string>()).ToArray();
        var image = images[nextId] = Image(nextId++, name, "queued", body["visibility"]?.GetValue<string>() ?? "private", tags,
            body["min_disk"]?.GetValue<long>() ?? 0);
        return Results.Json(image.DeepClone(), statusCode: 201);
    }
});

app.MapDelete("/images/{id}", (long id) =>
{
    lock (imagesGate)
    {
        return images.Remove(id) ? Results.NoContent() : Results.NotFound(new { message = $"Image {id} not found" });
    }
});

app.MapGet("/health", () => Results.Text("ok"));

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
// tests wait for this line to learn the URL
Console.WriteLine($"Remote catalog listening on {address}/");
await app.WaitForShutdownAsync();

static JsonObject Image(long id, string name, string status, string visibility, string[] tags, long minDisk) => new()
{
    ["id"] = id,
    ["name"] = name,
    ["status"] = status,
    ["visibility"] = visibility,
    ["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray()),
    ["min_disk"] = minDisk,
};

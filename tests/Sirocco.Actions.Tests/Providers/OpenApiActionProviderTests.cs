using System.Text.Json;
using Sirocco.Actions.Providers.OpenApi;
using Sirocco.Actions.Testing;
using Sirocco.Actions.Tests.Peers;

namespace Sirocco.Actions.Tests.Providers;

/// <summary>
/// The openapi provider over the sample image service's document (samples/Sirocco.Samples.RemoteCatalog) and small
/// inline documents, against a real HTTP server on loopback.
/// </summary>
public sealed class OpenApiActionProviderTests
{
    private static string SampleDocument()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "Sirocco.Samples.RemoteCatalog", "images.openapi.yaml");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/Sirocco.Samples.RemoteCatalog/images.openapi.yaml not found above " + AppContext.BaseDirectory);
    }

    // a tiny image service: the routes the tests need, answering what the test can check
    private static LocalHttpServer ImageService() => new(async ctx =>
    {
        var path = ctx.Request.Url!.AbsolutePath;
        var (status, body) = (ctx.Request.HttpMethod, path) switch
        {
            ("GET", "/images") => (200, $$"""{"images": [{"id": 1, "name": "cirros"}], "request_id": "{{ctx.Request.Headers["X-Request-Id"]}}"}"""),
            ("GET", "/images/1") => (200, """{"id": 1, "name": "cirros", "min_disk": 1.5}"""),
            ("GET", _) when path.StartsWith("/images/", StringComparison.Ordinal) => (404, """{"message": "Image not found"}"""),
            ("POST", "/images") => (201, """{"id": 4}"""),
            ("DELETE", _) => (204, ""),
            _ => (500, "unexpected"),
        };
        if (path == "/health")
        {
            await LocalHttpServer.WriteAsync(ctx, 200, "ok", "text/plain");
            return;
        }

        await LocalHttpServer.WriteAsync(ctx, status, body, status == 204 ? null : "application/json");
    });

    private static OpenApiActionProvider Sample(LocalHttpServer server) => new(new OpenApiProviderOptions
    {
        Name = "images",
        Document = SampleDocument(),
        ServerUrl = new Uri(server.Url("/")),
    });

    private static async Task<ActionResult> RunAsync(OpenApiActionProvider provider, string name, Dictionary<string, object?> input)
    {
        using var env = new ActionEnvironment();
        return await env.RunAsync(provider, name, input);
    }

    [Fact]
    public async Task Every_operation_is_an_action_with_typed_inputs_and_schema_defaults()
    {
        await using var server = ImageService();
        using var provider = Sample(server);
        var all = await provider.FindAllAsync(null, TestContext.Current.CancellationToken);
        Assert.Equal(["images.get_health", "images.images_create", "images.images_delete", "images.images_get", "images.images_list"],
            all.Select(a => a.Name));
        var list = all.Single(a => a.Name == "images.images_list");
        Assert.Equal("limit=20, status=null, x_request_id=null", list.ParamsSpec);
        Assert.Equal(["integer", "string", "string"], list.Signature.Parameters.Select(p => p.Type));
        Assert.Equal("Lists images, newest last", list.Description);
        Assert.Contains("openapi GET " + server.Url("/images"), list.Definition, StringComparison.Ordinal);
        Assert.Equal(["openapi", "images"], list.Tags);
        // a path-level parameter through a $ref; an object body's properties as inputs, required ones first as declared
        Assert.Equal("image_id", all.Single(a => a.Name == "images.images_get").ParamsSpec);
        Assert.Equal("name, tags=null, visibility=\"private\", min_disk=0", all.Single(a => a.Name == "images.images_create").ParamsSpec);
    }

    [Fact]
    public async Task A_run_sends_the_request_and_returns_the_json_body()
    {
        await using var server = ImageService();
        using var provider = Sample(server);

        var listed = await RunAsync(provider, "images.images_list", new() { ["status"] = "active", ["x_request_id"] = "req 1" });
        Assert.True(listed.IsSuccess, listed.ToString());
        var seen = server.Requests.Last();
        Assert.Equal("GET", seen.Method);
        Assert.Equal("/images?limit=20&status=active", seen.RawUrl);
        Assert.Equal("req 1", seen.Headers["X-Request-Id"]);
        var data = Assert.IsType<OrderedDictionary<string, object?>>(listed.Data);
        Assert.Equal("req 1", data["request_id"]);
        Assert.Equal(1L, Assert.IsType<OrderedDictionary<string, object?>>(Assert.Single(Assert.IsType<List<object?>>(data["images"])))["id"]);

        var got = await RunAsync(provider, "images.images_get", new() { ["image_id"] = 1L });
        Assert.Equal(1.5, Assert.IsType<OrderedDictionary<string, object?>>(got.Data)["min_disk"]);

        var created = await RunAsync(provider, "images.images_create", new() { ["name"] = "alpine", ["tags"] = new List<object?> { "small", "x;y" } });
        Assert.True(created.IsSuccess, created.ToString());
        seen = server.Requests.Last();
        Assert.Equal("POST", seen.Method);
        Assert.Equal("application/json; charset=utf-8", seen.Headers["Content-Type"]);
        using var body = JsonDocument.Parse(seen.Body);
        Assert.Equal("""{"name":"alpine","tags":["small","x;y"],"visibility":"private","min_disk":0}""", JsonSerializer.Serialize(body.RootElement));

        var deleted = await RunAsync(provider, "images.images_delete", new() { ["image_id"] = 1L });
        Assert.True(deleted.IsSuccess, deleted.ToString());
        Assert.Null(deleted.Data);

        var health = await RunAsync(provider, "images.get_health", []);
        Assert.Equal("ok", health.Data);
    }

    [Fact]
    public async Task A_status_outside_2xx_fails_with_the_status_and_the_body()
    {
        await using var server = ImageService();
        using var provider = Sample(server);
        var missing = await RunAsync(provider, "images.images_get", new() { ["image_id"] = 9L });
        Assert.True(missing.IsError);
        Assert.Equal($$"""images.images_get: GET {{server.Url("/images/9")}} answered 404 Not Found: {"message": "Image not found"}""", missing.Error);
    }

    [Fact]
    public async Task Inputs_are_checked_against_their_types_and_required_ones_must_be_given()
    {
        await using var server = ImageService();
        using var provider = Sample(server);
        var wrong = await RunAsync(provider, "images.images_list", new() { ["limit"] = "ten" });
        Assert.True(wrong.IsError);
        Assert.Contains("limit must be an integer, not string 'ten'", (string)wrong.Error!, StringComparison.Ordinal);
        var missing = await RunAsync(provider, "images.images_create", new() { ["tags"] = new List<object?>() });
        Assert.Equal("Invalid input [name=images.images_create, class=OpenApiAction, missing=['name']]", missing.Error);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_json_document_without_operation_ids_a_whole_body_and_path_values_escaped()
    {
        await using var server = new LocalHttpServer(ctx => LocalHttpServer.WriteAsync(ctx, 200, """{"ok": true}"""));
        const string document = """
            {
              "openapi": "3.1.0",
              "servers": [{"url": "http://{host}:{port}/api", "variables": {"host": {"default": "127.0.0.1"}, "port": {"default": "PORT"}}}],
              "paths": {
                "/files/{name}/tags": {
                  "put": {
                    "parameters": [
                      {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
                      {"name": "ids", "in": "query", "explode": false, "schema": {"type": "array", "items": {"type": "integer"}}},
                      {"name": "dry-run", "in": "query", "required": true, "schema": {"type": ["boolean", "null"]}}
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}
                  }
                }
              }
            }
            """;
        using var provider = new OpenApiActionProvider(new OpenApiProviderOptions { Name = "files", Document = "inline.json" },
            document.Replace("PORT", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), null);
        var action = Assert.Single(await provider.FindAllAsync(null, TestContext.Current.CancellationToken));
        Assert.Equal("files.put_files_name_tags", action.Name);
        Assert.Equal("name, ids=null, dry_run, body=null", action.ParamsSpec);
        Assert.Equal(["string", "list", "boolean", "list"], action.Signature.Parameters.Select(p => p.Type));

        var result = await RunAsync(provider, "files.put_files_name_tags", new()
        {
            ["name"] = "a/b c", ["ids"] = new List<object?> { 1L, 2L }, ["dry_run"] = true, ["body"] = new List<object?> { "x" },
        });
        Assert.True(result.IsSuccess, result.ToString());
        var seen = Assert.Single(server.Requests);
        Assert.Equal("PUT", seen.Method);
        Assert.Equal("/api/files/a%2Fb%20c/tags?ids=1%2C2&dry-run=true", seen.RawUrl);
        Assert.Equal("""["x"]""", seen.Body);
    }

    [Fact]
    public async Task Read_only_body_properties_are_not_inputs()
    {
        const string document = """
            openapi: 3.0.0
            servers: [{url: "http://127.0.0.1:1"}]
            paths:
              /things:
                post:
                  operationId: make
                  requestBody:
                    required: true
                    content:
                      application/json:
                        schema:
                          type: object
                          required: [id, label]
                          properties:
                            id: {type: integer, readOnly: true}
                            label: {type: string}
            """;
        using var provider = new OpenApiActionProvider(new OpenApiProviderOptions { Name = "t", Document = "things.yaml" }, document, null);
        Assert.Equal("label", Assert.Single(await provider.FindAllAsync(null, TestContext.Current.CancellationToken)).ParamsSpec);
    }

    [Fact]
    public async Task Unsupported_features_are_refused_at_load_with_every_reason()
    {
        const string document = """
            openapi: 3.0.0
            servers: [{url: "http://127.0.0.1:1"}]
            paths:
              /upload:
                post:
                  operationId: upload
                  requestBody:
                    content:
                      multipart/form-data:
                        schema: {type: object}
              /secret:
                get:
                  operationId: secret
                  security: [{api_key: []}]
                  parameters:
                    - {name: session, in: cookie, schema: {type: string}}
                    - {name: filter, in: query, style: deepObject, schema: {type: object}}
              /other:
                get:
                  operationId: other
                  parameters:
                    - $ref: "common.yaml#/components/parameters/Page"
            """;
        var e = Assert.Throws<InvalidDataException>(() =>
            new OpenApiActionProvider(new OpenApiProviderOptions { Name = "x", Document = "bad.yaml" }, document, null));
        Assert.StartsWith("OpenAPI document bad.yaml: not supported: $ref to another document ('common.yaml#/components/parameters/Page'", e.Message, StringComparison.Ordinal);

        var local = document.Replace("common.yaml#/components/parameters/Page", "#/paths/~1secret/get/parameters/0", StringComparison.Ordinal);
        e = Assert.Throws<InvalidDataException>(() =>
            new OpenApiActionProvider(new OpenApiProviderOptions { Name = "x", Document = "bad.yaml" }, local, null));
        Assert.Contains("not supported: request body of media type multipart/form-data of operation upload (POST /upload) (only JSON bodies)", e.Message, StringComparison.Ordinal);
        Assert.Contains("not supported: security requirement 'api_key' of operation secret (GET /secret) (auth schemes)", e.Message, StringComparison.Ordinal);
        Assert.Contains("not supported: cookie parameter 'session' of operation secret (GET /secret)", e.Message, StringComparison.Ordinal);
        Assert.Contains("not supported: style 'deepObject' of parameter 'filter' of operation secret (GET /secret)", e.Message, StringComparison.Ordinal);
        Assert.Contains("not supported: cookie parameter 'session' of operation other (GET /other)", e.Message, StringComparison.Ordinal);

        // choosing only the supported operations makes the document usable
        var usable = local.Replace("- $ref: \"#/paths/~1secret/get/parameters/0\"", "- {name: page, in: query, schema: {type: integer}}", StringComparison.Ordinal);
        using var some = new OpenApiActionProvider(new OpenApiProviderOptions { Name = "x", Document = "bad.yaml", Operations = ["other"] }, usable, null);
        Assert.Equal("page=null", Assert.Single(await some.FindAllAsync(null, TestContext.Current.CancellationToken)).ParamsSpec);
    }

    [Fact]
    public void Documents_that_are_not_openapi_3_or_need_a_server_url_are_refused_clearly()
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            new OpenApiActionProvider(new OpenApiProviderOptions { Name = "x", Document = "old.yaml" }, "swagger: '2.0'\npaths: {}\n", null));
        Assert.Equal("OpenAPI document old.yaml: not supported: Swagger 2.0 documents (convert the document to OpenAPI 3)", e.Message);

        e = Assert.Throws<InvalidDataException>(() =>
            new OpenApiActionProvider(new OpenApiProviderOptions { Name = "x", Document = "broken.yaml" }, "openapi: 3.0.0\npaths:\n  /a: [\n", null));
        Assert.Matches(@"^OpenAPI document broken\.yaml: \d+:\d+: ", e.Message);

        // the sample's server URL is relative: from a file, the configuration must say where the service is
        e = Assert.Throws<InvalidDataException>(() => new OpenApiActionProvider(new OpenApiProviderOptions { Name = "images", Document = SampleDocument() }));
        Assert.Contains("the server URL '/' of operation images_list (GET /images) is not an absolute http(s) URL: set 'server_url'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_fetched_by_url_resolves_its_relative_server_against_that_url()
    {
        var yaml = await File.ReadAllTextAsync(SampleDocument(), TestContext.Current.CancellationToken);
        await using var server = new LocalHttpServer(ctx => ctx.Request.Url!.AbsolutePath == "/svc/openapi.yaml"
            ? LocalHttpServer.WriteAsync(ctx, 200, yaml, "application/yaml")
            : LocalHttpServer.WriteAsync(ctx, 200, """{"images": []}"""));
        using var provider = new OpenApiActionProvider(new OpenApiProviderOptions { Name = "img", Document = server.Url("/svc/openapi.yaml") });
        var result = await RunAsync(provider, "img.images_list", new() { ["limit"] = 1L });
        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal("/images?limit=1", server.Requests.Last().RawUrl);
    }
}

using System.Net.Http.Headers;
using System.Text;
using Sirocco.Values;

namespace Sirocco.Server.Tests;

/// <summary>A real Sirocco server on a free loopback port over a fresh SQLite file, shared by one test class.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sirocco-server-tests", Guid.NewGuid().ToString("N"));

    public SiroccoServer Server { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        Server = await SiroccoServer.StartAsync(new ServerOptions
        {
            Port = 0,
            DatabasePath = Path.Combine(_dir, "sirocco.db"),
            SyncEveryCommit = false,
        });
        Http = new HttpClient { BaseAddress = Server.BaseUri };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // pooled SQLite connections may still hold the file; the OS cleans temp eventually
        }
    }

    /// <summary>Sends a request and returns the status and the parsed JSON body (null when empty).</summary>
    public async Task<(int Status, object? Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text.Length == 0 ? null : Json.Parse(text), response);
    }

    public Task<(int Status, object? Body, HttpResponseMessage Response)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
}

/// <summary>Shorthands for reading value-model JSON in assertions.</summary>
internal static class J
{
    public static OrderedDictionary<string, object?> Map(object? v) => Assert.IsType<OrderedDictionary<string, object?>>(v);

    public static List<object?> List(object? v) => Assert.IsType<List<object?>>(v);

    public static object? At(object? v, string key) => Map(v)[key];

    /// <summary>Asserts Mistral's WSME error body and returns its faultstring.</summary>
    public static string Fault(object? body)
    {
        var m = Map(body);
        Assert.Equal("Client", m["faultcode"]);
        Assert.True(m.ContainsKey("debuginfo"));
        return Assert.IsType<string>(m["faultstring"]);
    }
}

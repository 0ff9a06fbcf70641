using System.Net;
using System.Text;
using System.Text.Json;

namespace Sirocco.EndToEnd.Tests;

/// <summary>One REST call to a server under test: the status and the parsed JSON body (default when empty).</summary>
internal static class ServerApi
{
    private static readonly HttpClient Http = new();

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string baseUrl, HttpMethod method, string path, string? body = null, string type = "application/json")
    {
        using var request = new HttpRequestMessage(method, baseUrl + path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, type);
        }

        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}

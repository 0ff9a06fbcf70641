namespace Sirocco.Server.Http;

/// <summary>
/// Endpoint metadata for Mistral's text/plain routes (workflow and workbook POST/PUT), whose errors carry only
/// <c>{"faultstring": ...}</c> instead of the full WSME error body.
/// </summary>
public sealed class TextPlainRoute
{
    /// <summary>The shared instance.</summary>
    public static readonly TextPlainRoute Instance = new();
}

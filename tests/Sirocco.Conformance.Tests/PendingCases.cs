namespace Sirocco.Conformance.Tests;

/// <summary>
/// Cases that wait for a feature another part of the project is building, each with the exact error it gives until
/// then. A pending case is still run: it passes when it passes, it is skipped with the reason only while it fails
/// with exactly this error, and any other outcome fails. Remove an entry once its feature has landed.
/// </summary>
internal static class PendingCases
{
    /// <summary>Case name → (what it waits for, fragment of the error it gives until then).</summary>
    public static readonly Dictionary<string, (string Reason, string Error)> All = new(StringComparer.Ordinal)
    {
        // empty: 052-054 waited here for workbook ad-hoc actions over the API until prov landed them (issue 7)
    };
}

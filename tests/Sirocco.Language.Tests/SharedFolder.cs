namespace Sirocco.Language.Tests;

/// <summary>Finds ../shared (the conformance corpus) by walking up from the test's base directory.</summary>
internal static class SharedFolder
{
    public static string Conformance { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/conformance not found above " + AppContext.BaseDirectory);
    }
}

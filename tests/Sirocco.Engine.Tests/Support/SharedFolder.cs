namespace Sirocco.Engine.Tests.Support;

/// <summary>Finds the shared material (<c>shared/conformance</c>) by walking up from the test's base directory.</summary>
internal static class SharedFolder
{
    public static string Conformance => Find(Path.Combine("shared", "conformance"));

    private static string Find(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
            dir = dir.Parent;
        }
        throw new DirectoryNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}

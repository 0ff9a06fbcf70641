namespace Sirocco.Store.Migrations;

/// <summary>One versioned schema script. Versions only grow; an applied script is never edited.</summary>
/// <param name="Version">Strictly increasing version number, from the script's file name (<c>0001_initial.sql</c>).</param>
/// <param name="Name">Descriptive part of the file name.</param>
/// <param name="Sql">The statements, run in one transaction.</param>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>Loads the scripts embedded under a resource prefix, named <c>NNNN_name.sql</c>, in version order.</summary>
    public static IReadOnlyList<Migration> FromEmbeddedResources(string prefix)
    {
        var assembly = typeof(Migration).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[prefix.Length..^4];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file[..underscore], out var version))
            {
                throw new SchemaException($"migration script '{resource}' is not named NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add(new Migration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < list.Count; i++)
        {
            if (list[i].Version == list[i - 1].Version)
            {
                throw new SchemaException($"two migration scripts have version {list[i].Version}");
            }
        }

        return list;
    }
}

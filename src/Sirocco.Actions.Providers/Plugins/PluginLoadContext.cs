using System.Reflection;
using System.Runtime.Loader;

namespace Sirocco.Actions.Providers.Plugins;

/// <summary>
/// A collectible load context for one version of one plugin. The SDK (<c>Sirocco.Actions</c>) always comes from the
/// host, so the plugin's action classes implement the host's <see cref="IAction"/>; other dependencies are taken
/// from the version's own files (the snapshot read when the version was loaded, or its stored copy), then from the
/// host (the framework). Nothing is read from disk after the snapshot, so a later copy never mixes into this version.
/// </summary>
internal sealed class PluginLoadContext(string name, IReadOnlyDictionary<string, byte[]> files) : AssemblyLoadContext(name, isCollectible: true)
{
    private static readonly string SdkName = typeof(IAction).Assembly.GetName().Name!;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || assemblyName.Name == SdkName)
        {
            return null;
        }

        return files.TryGetValue(assemblyName.Name + ".dll", out var bytes) ? LoadFromStream(new MemoryStream(bytes)) : null;
    }
}

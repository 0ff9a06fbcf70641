using System.Reflection;
using System.Runtime.Loader;

namespace Sirocco.Actions.Providers.Plugins;

/// <summary>
/// A collectible load context for one version of one plugin. The SDK (<c>Sirocco.Actions</c>) always comes from the
/// host, so the plugin's action classes implement the host's <see cref="IAction"/>; other dependencies are taken
/// from the plugin's folder (read into memory, so files stay free), then from the host (the framework).
/// </summary>
internal sealed class PluginLoadContext(string name, string directory) : AssemblyLoadContext(name, isCollectible: true)
{
    private static readonly string SdkName = typeof(IAction).Assembly.GetName().Name!;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || assemblyName.Name == SdkName)
        {
            return null;
        }

        var path = Path.Combine(directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromStream(new MemoryStream(File.ReadAllBytes(path))) : null;
    }
}

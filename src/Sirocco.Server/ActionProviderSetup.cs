using Sirocco.Actions;
using Sirocco.Actions.Providers.Plugins;

namespace Sirocco.Server;

/// <summary>The action providers a server runs with, after <c>std</c> and <c>adhoc</c>, from its options (docs/actions.md).</summary>
internal static class ActionProviderSetup
{
    /// <summary>The configured providers in precedence order: plugins.</summary>
    public static IReadOnlyList<IActionProvider> Create(ServerOptions options)
    {
        var providers = new List<IActionProvider>();
        if (!string.IsNullOrEmpty(options.PluginsDirectory))
        {
            providers.Add(new PluginActionProvider(options.PluginsDirectory));
        }

        return providers;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Sirocco.Actions;
using Sirocco.Actions.Providers;
using Sirocco.Actions.Providers.Commands;
using Sirocco.Actions.Providers.Isolation;
using Sirocco.Actions.Providers.OpenApi;
using Sirocco.Actions.Providers.Plugins;
using Sirocco.Actions.Providers.Remote;

namespace Sirocco.Server;

/// <summary>
/// The action providers a server runs with, after <c>std</c> and <c>adhoc</c>, from its options: the plugin folder,
/// then the providers file's <c>commands</c>, <c>remote</c> catalogs and <c>openapi</c> documents, in that order (docs/actions.md).
/// </summary>
public static class ActionProviderSetup
{
    /// <summary>
    /// The configured providers in precedence order, those named in <see cref="ServerOptions.IsolatedProviders"/> wrapped
    /// so that their actions run in executor processes; a bad providers file throws with the reason.
    /// </summary>
    public static IReadOnlyList<IActionProvider> Create(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var providers = CreateInProcess(options);
        var unknown = options.IsolatedProviders.Where(n => providers.All(p => p.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            foreach (var p in providers.OfType<IDisposable>())
            {
                p.Dispose();
            }

            throw new InvalidDataException(
                $"cannot isolate {string.Join(", ", unknown)}: no such configured provider (configured: {string.Join(", ", providers.Select(p => p.Name))})");
        }

        return providers.Select(p => options.IsolatedProviders.Contains(p.Name)
            ? IsolatedActionProvider.Create(p, WorkerCommand(options, p.Name), options.IsolationIdleWorkers)
            : p).ToList();
    }

    /// <summary>
    /// Keeps the plugin versions of <paramref name="providers"/> (isolated or not) in the database, so that an execution
    /// pinned to a version runs it after a restart and on any node (the current versions are stored now).
    /// </summary>
    public static async Task AttachStoreAsync(IEnumerable<IActionProvider> providers, Store.SiroccoStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(providers);
        foreach (var provider in providers)
        {
            if ((provider is IsolatedActionProvider isolated ? isolated.Inner : provider) is PluginActionProvider plugins)
            {
                await plugins.AttachStoreAsync(new StorePluginVersions(store), cancellationToken: ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The command that starts an executor process for one provider: this program's <c>action-host</c>.</summary>
    public static IReadOnlyList<string> WorkerCommand(ServerOptions options, string provider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var command = new List<string>();
        var host = Environment.ProcessPath ?? "dotnet";
        command.Add(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet" && System.Reflection.Assembly.GetEntryAssembly()?.Location is { Length: > 0 } entry)
        {
            command.Add(entry); // run as `dotnet sirocco.dll`
        }

        command.AddRange(["action-host", "--provider", provider]);
        if (!string.IsNullOrEmpty(options.PluginsDirectory))
        {
            command.AddRange(["--plugins", options.PluginsDirectory]);
        }

        if (!string.IsNullOrEmpty(options.ActionProvidersFile))
        {
            command.AddRange(["--action-providers", options.ActionProvidersFile]);
        }

        return command;
    }

    /// <summary>The configured providers, all in this process (what an executor process hosts).</summary>
    public static IReadOnlyList<IActionProvider> CreateInProcess(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var providers = new List<IActionProvider>();
        if (!string.IsNullOrEmpty(options.PluginsDirectory))
        {
            providers.Add(new PluginActionProvider(options.PluginsDirectory));
        }

        if (!string.IsNullOrEmpty(options.ActionProvidersFile))
        {
            providers.AddRange(FromFile(options.ActionProvidersFile));
        }

        return providers;
    }

    /// <summary>Reads a providers file: <c>{"commands": [...], "remote": [...], "openapi": [...]}</c>.</summary>
    public static List<IActionProvider> FromFile(string path)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                as JsonObject ?? throw new InvalidDataException("the file must hold a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"action providers file {path}: {e.Message}", e);
        }

        var providers = new List<IActionProvider>();
        try
        {
            foreach (var (key, _) in root)
            {
                if (key is not ("commands" or "remote" or "openapi"))
                {
                    throw new InvalidDataException($"unknown key '{key}' (expected 'commands', 'remote' and 'openapi')");
                }
            }

            if (root["commands"] is JsonArray commands)
            {
                providers.Add(new CommandActionProvider(commands.Select(c => Command(c as JsonObject ?? throw new InvalidDataException("a command is not an object")))));
            }

            foreach (var r in root["remote"] as JsonArray ?? [])
            {
                var o = r as JsonObject ?? throw new InvalidDataException("a remote catalog is not an object");
                var url = Text(o, "url") ?? throw new InvalidDataException("a remote catalog needs 'url'");
                providers.Add(new RemoteActionProvider(Text(o, "name") ?? "remote", new Uri(url),
                    o["refresh_seconds"] is { } refresh ? TimeSpan.FromSeconds(refresh.GetValue<double>()) : null,
                    o["timeout_seconds"] is { } timeout ? TimeSpan.FromSeconds(timeout.GetValue<double>()) : null));
            }

            foreach (var a in root["openapi"] as JsonArray ?? [])
            {
                var o = a as JsonObject ?? throw new InvalidDataException("an openapi entry is not an object");
                providers.Add(new OpenApiActionProvider(new OpenApiProviderOptions
                {
                    Name = Text(o, "name") ?? throw new InvalidDataException("an openapi entry needs 'name' (the provider and action prefix)"),
                    Document = DocumentLocation(path, Text(o, "document") ?? throw new InvalidDataException("an openapi entry needs 'document' (a file path or URL)")),
                    Prefix = Text(o, "prefix"),
                    ServerUrl = Text(o, "server_url") is { } server ? new Uri(server) : null,
                    Operations = (o["operations"] as JsonArray)?.Select(x => x?.GetValue<string>() ?? throw new InvalidDataException("'operations' holds operation ids")).ToList(),
                    Timeout = o["timeout_seconds"] is { } t ? TimeSpan.FromSeconds(t.GetValue<double>()) : null,
                }));
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException or ArgumentException or UriFormatException)
        {
            foreach (var p in providers.OfType<IDisposable>())
            {
                p.Dispose();
            }

            throw new InvalidDataException($"action providers file {path}: {e.Message}", e);
        }

        return providers;
    }

    private static CommandDefinition Command(JsonObject o)
    {
        var name = Text(o, "name") ?? throw new InvalidDataException("a command needs 'name'");
        var argv = (o["command"] as JsonArray ?? throw new InvalidDataException($"command {name} needs 'command': [program, arg, ...]"))
            .Select(a => a?.GetValue<string>() ?? throw new InvalidDataException($"command {name}: arguments are strings")).ToList();
        var parameters = new List<CommandParameter>();
        foreach (var p in o["parameters"] as JsonArray ?? [])
        {
            var po = p as JsonObject ?? throw new InvalidDataException($"command {name}: a parameter is not an object");
            var hasDefault = po.ContainsKey("default");
            parameters.Add(new CommandParameter(
                Text(po, "name") ?? throw new InvalidDataException($"command {name}: a parameter needs 'name'"),
                Text(po, "type") ?? "string",
                po["required"]?.GetValue<bool>() ?? !hasDefault,
                hasDefault ? JsonValues.ToValue(po["default"]) : null,
                Text(po, "description")));
        }

        return new CommandDefinition
        {
            Name = name,
            Description = Text(o, "description") ?? "",
            Command = argv,
            Parameters = parameters,
            WorkingDirectory = Text(o, "working_directory"),
            Environment = (o["environment"] as JsonObject ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? ""),
            FailOnNonZeroExit = o["fail_on_non_zero_exit"]?.GetValue<bool>() ?? true,
        };
    }

    // a relative file path is relative to the providers file, wherever the server was started
    private static string DocumentLocation(string providersFile, string document) =>
        Uri.TryCreate(document, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" || Path.IsPathRooted(document)
            ? document
            : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(providersFile)) ?? "", document));

    private static string? Text(JsonObject o, string key) => o[key]?.GetValue<string>();
}

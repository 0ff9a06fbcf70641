using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sirocco.Actions.Providers.Isolation;

/// <summary>
/// The worker side of isolation (<c>sirocco action-host</c>): reads one request per line from the parent, runs the
/// action with the SDK's <see cref="ActionRunner"/> exactly as the executor would, and writes one answer per line.
/// Requests are <c>{"id", "action", "input", "context"}</c>, with <c>"plugin": {"name", "sha256", "archive"}</c> for a plugin
/// action (the version to run and the path of its zip, loaded from there when this process does not have it); answers <c>{"id", "result"}</c>, <c>{"id", "error"}</c> or
/// <c>{"id", "cancel": true}</c>. One request at a time: the parent's pool gives each running action its own process.
/// </summary>
public static class ActionHost
{
    /// <summary>Serves requests until the input ends.</summary>
    /// <param name="provider">The actions this worker runs.</param>
    /// <param name="input">Requests (the parent's pipe).</param>
    /// <param name="output">Answers (the parent's pipe); nothing else may be written there.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    public static async Task RunAsync(IActionProvider provider, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        await output.WriteLineAsync("{\"ready\": true}".AsMemory(), cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var answer = await AnswerAsync(provider, line, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(ActionValues.ToJson(answer).AsMemory(), cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<OrderedDictionary<string, object?>> AnswerAsync(IActionProvider provider, string line, CancellationToken ct)
    {
        object? id = null;
        try
        {
            var request = JsonValues.ToValue(JsonNode.Parse(line)) as OrderedDictionary<string, object?>
                          ?? throw new InvalidDataException("a request must be a JSON object");
            id = request.GetValueOrDefault("id");
            var name = request.GetValueOrDefault("action") as string ?? throw new InvalidDataException("a request needs 'action'");
            var input = request.GetValueOrDefault("input") as IReadOnlyDictionary<string, object?> ?? new OrderedDictionary<string, object?>();
            var context = request.GetValueOrDefault("context") is IReadOnlyDictionary<string, object?> c ? ActionContext.FromDictionary(c) : ActionContext.Empty;
            ActionDescriptor? descriptor;
            if (request.GetValueOrDefault("plugin") is IReadOnlyDictionary<string, object?> plugin)
            {
                // exactly the plugin version the server resolved (an execution's pinned one), whatever this folder holds now
                var pluginName = plugin.GetValueOrDefault("name") as string ?? throw new InvalidDataException("'plugin' needs 'name'");
                var sha = plugin.GetValueOrDefault("sha256") as string ?? throw new InvalidDataException("'plugin' needs 'sha256'");
                var archive = plugin.GetValueOrDefault("archive") as string;
                if (provider is not Plugins.PluginActionProvider plugins)
                {
                    return new() { ["id"] = id, ["error"] = $"the executor process for {provider.Name} has no plugins" };
                }

                try
                {
                    descriptor = await plugins.FindInVersionAsync(name, pluginName, sha,
                        archive is null ? null : async token => File.Exists(archive) ? await File.ReadAllBytesAsync(archive, token).ConfigureAwait(false) : null,
                        ct).ConfigureAwait(false);
                }
                catch (ActionVersionUnavailableException e)
                {
                    return new() { ["id"] = id, ["error"] = e.Message };
                }
            }
            else
            {
                descriptor = await provider.FindAsync(name, null, ct).ConfigureAwait(false);
            }

            if (descriptor is null)
            {
                return new() { ["id"] = id, ["error"] = $"Failed to find action [action_name={name}] in the executor process" };
            }

            var result = await ActionRunner.RunAsync(descriptor, input, context, ct).ConfigureAwait(false);
            return result.IsCancel
                ? new() { ["id"] = id, ["cancel"] = true, ["error"] = result.Error }
                : result.IsError
                    ? new() { ["id"] = id, ["error"] = result.Error }
                    : new() { ["id"] = id, ["result"] = result.Data };
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return new() { ["id"] = id, ["error"] = $"bad request to the executor process: {e.Message}" };
        }
    }
}

namespace Sirocco.Runtime;

/// <summary>What a node runs (Mistral's <c>--server api,engine,executor,...</c>).</summary>
[Flags]
public enum NodeRoles
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The REST API.</summary>
    Api = 1,

    /// <summary>The host loop that steps executions (and the durable timers that feed it).</summary>
    Engine = 2,

    /// <summary>Runs actions from the outbox.</summary>
    Executor = 4,

    /// <summary>Fires cron triggers.</summary>
    Scheduler = 8,

    /// <summary>Everything (the default).</summary>
    All = Api | Engine | Executor | Scheduler,
}

/// <summary>Parsing and printing of role lists (<c>api,engine</c>).</summary>
public static class NodeRoleNames
{
    /// <summary>Parses a comma list of role names ("all" allowed); throws <see cref="ArgumentException"/> naming a bad one.</summary>
    public static NodeRoles Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var roles = NodeRoles.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= part.ToLowerInvariant() switch
            {
                "all" => NodeRoles.All,
                "api" => NodeRoles.Api,
                "engine" => NodeRoles.Engine,
                "executor" => NodeRoles.Executor,
                "scheduler" => NodeRoles.Scheduler,
                _ => throw new ArgumentException($"unknown role '{part}' (expected api, engine, executor, scheduler or all)", nameof(text)),
            };
        }

        return roles == NodeRoles.None ? throw new ArgumentException("no role given", nameof(text)) : roles;
    }

    /// <summary>The role names, in a fixed order ("api", "engine", ...).</summary>
    public static IReadOnlyList<string> Names(NodeRoles roles) =>
        new[] { (NodeRoles.Api, "api"), (NodeRoles.Engine, "engine"), (NodeRoles.Executor, "executor"), (NodeRoles.Scheduler, "scheduler") }
            .Where(r => roles.HasFlag(r.Item1)).Select(r => r.Item2).ToList();
}

namespace Sirocco.Server;

/// <summary>How <c>sirocco server</c> runs: where it listens and which database it uses.</summary>
public sealed record ServerOptions
{
    /// <summary>Mistral's default port.</summary>
    public const int DefaultPort = 8989;

    /// <summary>TCP port on the loopback interface (0 picks a free one).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>The address to bind; loopback by default since there is no authentication.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// The database: a SQLite file (created when missing; the default) or a PostgreSQL connection string
    /// (<c>Host=...;Database=...;Username=...</c> or <c>postgresql://user@host/db</c>), which several nodes may share.
    /// </summary>
    public string Database { get; init; } = "sirocco.db";

    /// <summary>Node settings: roles, executor pool, leases (<c>sirocco server --roles</c>, <c>sirocco executor --pool</c>).</summary>
    public Sirocco.Runtime.RuntimeOptions Runtime { get; init; } = new();

    /// <summary>The same as <see cref="Database"/> (the name from when only SQLite files were supported).</summary>
    public string DatabasePath
    {
        get => Database;
        init => Database = value;
    }

    /// <summary>fsync at every commit (power-loss safe); tests turn it off for speed.</summary>
    public bool SyncEveryCommit { get; init; } = true;

    /// <summary>Whether to log each request (off keeps the console quiet).</summary>
    public bool LogRequests { get; init; }

    /// <summary>
    /// A folder of .NET action plugins (<c>--plugins</c>), watched while the server runs; null for none
    /// (docs/actions.md, "Plugins").
    /// </summary>
    public string? PluginsDirectory { get; init; }

    /// <summary>
    /// A JSON file of further action providers (<c>--action-providers</c>): OS commands as actions and remote catalogs
    /// (docs/actions.md, "OS commands" and "Remote catalogs"); null for none. A bad file stops the server at start.
    /// </summary>
    public string? ActionProvidersFile { get; init; }

    /// <summary>
    /// Configured providers (<c>plugins</c>, <c>commands</c>, a remote catalog's name) whose actions run in executor
    /// processes outside the server (<c>--isolate</c>), so that a crash or a hang cannot take the server down.
    /// </summary>
    public IReadOnlyList<string> IsolatedProviders { get; init; } = [];

    /// <summary>Idle executor processes kept warm per isolated provider.</summary>
    public int IsolationIdleWorkers { get; init; } = 2;
}

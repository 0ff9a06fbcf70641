using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Sirocco.Runtime;
using Sirocco.Server.Endpoints;
using Sirocco.Server.Http;
using Sirocco.Store;

namespace Sirocco.Server;

/// <summary>
/// One Sirocco service process: Mistral's REST API v2 on Kestrel over the SQLite store, with the engine runtime and
/// the executor in the same process.
/// </summary>
public sealed class SiroccoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SiroccoServer(WebApplication app, SiroccoStore store, SiroccoRuntime runtime, Uri baseUri)
    {
        _app = app;
        Store = store;
        Runtime = runtime;
        BaseUri = baseUri;
    }

    /// <summary>The engine runtime (host loop + executor) running in this process.</summary>
    public SiroccoRuntime Runtime { get; }

    /// <summary>The store the server runs on.</summary>
    public SiroccoStore Store { get; }

    /// <summary>The root URL the server listens on (<c>http://127.0.0.1:8989/</c>).</summary>
    public Uri BaseUri { get; }

    /// <summary>Opens the database, starts the API and the runtime, and returns once the server listens.</summary>
    public static async Task<SiroccoServer> StartAsync(ServerOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = await SiroccoStore.OpenDatabaseAsync(options.Database,
            new StoreOptions { SyncEveryCommit = options.SyncEveryCommit }, ct).ConfigureAwait(false);
        SiroccoRuntime runtime;
        IReadOnlyList<Sirocco.Actions.IActionProvider> providers;
        try
        {
            providers = ActionProviderSetup.Create(options);
            runtime = new SiroccoRuntime(store, options.Runtime, providers: providers);
        }
        catch
        {
            // roles this database cannot serve (an API-only node on SQLite), a bad provider configuration
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        try
        {
            // every plugin version durably in the database before any execution can be pinned to it
            await ActionProviderSetup.AttachStoreAsync(providers, store, ct).ConfigureAwait(false);
            // recover what a previous process left before taking requests
            await runtime.StartAsync(ct).ConfigureAwait(false);
            var warmUp = options.Runtime.WarmUp && options.Runtime.Roles.HasFlag(NodeRoles.Engine);
            var gate = warmUp ? new WarmupGate() : WarmupGate.Opened();
            var app = Build(options, store, runtime, gate);
            await app.StartAsync(ct).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var server = new SiroccoServer(app, store, runtime, new Uri(address.EndsWith('/') ? address : address + "/"));
            if (warmUp)
            {
                _ = Task.Run(() => HttpWarmup.RunAsync(server.BaseUri, runtime.WarmedUp, gate, app.Lifetime.ApplicationStopping), CancellationToken.None);
            }

            return server;
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Builds the web application over an open store (endpoints, error handling, OpenAPI).</summary>
    public static WebApplication Build(ServerOptions options, SiroccoStore store, SiroccoRuntime runtime, WarmupGate? gate = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(runtime);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // appsettings.json is read once: reloading it on change kept a file watcher thread (inotify) and its
            // globbing code resident in every server for settings the server takes from its command line
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = typeof(SiroccoServer).Assembly.GetName().Name,
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Parse(options.Host), options.Port));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (options.LogRequests)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information);
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Sirocco: OpenStack Mistral REST API v2";
                doc.Info.Version = "v2";
                return Task.CompletedTask;
            });
        });

        var app = builder.Build();
        if (gate is not null)
        {
            app.Use(gate.InvokeAsync);
        }

        app.Use(ErrorHandling.InvokeAsync);
        app.UseStatusCodePages(async ctx =>
        {
            // routing answers 404/405 without a body; give them Mistral's error body too
            var status = ctx.HttpContext.Response.StatusCode;
            var message = status switch
            {
                StatusCodes.Status404NotFound => $"The resource could not be found: {ctx.HttpContext.Request.Path}",
                StatusCodes.Status405MethodNotAllowed => $"Method {ctx.HttpContext.Request.Method} is not allowed on {ctx.HttpContext.Request.Path}",
                _ => $"HTTP {status}",
            };
            await ErrorHandling.WriteErrorAsync(ctx.HttpContext, status, message).ConfigureAwait(false);
        });

        // routing after the error handler, so that routing failures get Mistral's error body too
        app.UseRouting();
        app.MapOpenApi("/openapi.json");
        RootEndpoints.Map(app);
        var v2 = app.MapGroup("/v2");
        WorkflowEndpoints.Map(v2);
        WorkbookEndpoints.Map(v2);
        ExecutionEndpoints.Map(v2);
        TaskEndpoints.Map(v2);
        ActionExecutionEndpoints.Map(v2);
        ServiceEndpoints.Map(v2);
        ActionEndpoints.Map(v2);
        EnvironmentEndpoints.Map(v2);
        CronTriggerEndpoints.Map(v2);
        return app;
    }

    /// <summary>Runs until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Runtime.DisposeAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
    }
}

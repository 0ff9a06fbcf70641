namespace Sirocco.Actions;

/// <summary>
/// Several providers as one (mistral-lib's <c>CompositeActionProvider</c>). Precedence is the order of the
/// providers: <see cref="FindAsync(string, string?, CancellationToken)"/> returns the first provider's hit, and <see cref="FindAllAsync"/> lists every
/// name once, from the first provider that has it, so the catalog shows exactly the action a task would run.
/// </summary>
public sealed class CompositeActionProvider : IActionProvider
{
    private readonly List<IActionProvider> _providers;
    private readonly Lock _gate = new();

    /// <summary>Combines <paramref name="providers"/> in precedence order.</summary>
    /// <param name="name">The composite's name.</param>
    /// <param name="providers">The delegates, highest precedence first.</param>
    public CompositeActionProvider(string name, IEnumerable<IActionProvider> providers)
    {
        Name = name;
        _providers = [.. providers];
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The delegates, highest precedence first (a snapshot).</summary>
    public IReadOnlyList<IActionProvider> Providers
    {
        get
        {
            lock (_gate)
            {
                return [.. _providers];
            }
        }
    }

    /// <summary>Adds a provider with the lowest precedence.</summary>
    /// <param name="provider">The provider.</param>
    public void Add(IActionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (_gate)
        {
            _providers.Add(provider);
        }
    }

    /// <inheritdoc />
    public async ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken)
    {
        foreach (var provider in Providers)
        {
            var found = await provider.FindAsync(name, @namespace, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>
    /// Like <see cref="FindAsync(string, string?, CancellationToken)"/>, resolving the versioned providers named in
    /// <paramref name="versions"/> against the versions recorded there (a workflow execution's, from <see cref="CurrentVersions"/>).
    /// A recorded version that is lost (<see cref="ActionVersionUnavailableException"/>) lets the later providers answer,
    /// and is thrown when none has the action.
    /// </summary>
    /// <param name="name">The action name.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="versions">Recorded versions by provider name.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> versions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ActionVersionUnavailableException? unavailable = null;
        foreach (var provider in Providers)
        {
            ActionDescriptor? found;
            if (provider is IVersionedActionProvider versioned && versions.TryGetValue(provider.Name, out var recorded))
            {
                try
                {
                    found = await versioned.FindAsync(name, @namespace, recorded, cancellationToken).ConfigureAwait(false);
                }
                catch (ActionVersionUnavailableException e)
                {
                    // the lost version may or may not have defined it: a later provider that has it answers, else this is the reason
                    unavailable ??= e;
                    continue;
                }
            }
            else
            {
                found = await provider.FindAsync(name, @namespace, cancellationToken).ConfigureAwait(false);
            }

            if (found is not null)
            {
                return found;
            }
        }

        return unavailable is null ? null : throw unavailable;
    }

    /// <summary>The delegates whose actions change in versions (what a workflow execution records when it starts).</summary>
    public IReadOnlyList<IVersionedActionProvider> VersionedProviders => Providers.OfType<IVersionedActionProvider>().ToList();

    /// <summary>The current versions of every versioned delegate, by provider name (empty when there is none).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> CurrentVersions() =>
        VersionedProviders.ToDictionary(p => p.Name, p => p.CurrentVersions, StringComparer.Ordinal);

    /// <summary>Like <see cref="FindAsync(string, string?, CancellationToken)"/>, also telling which provider answered.</summary>
    /// <param name="name">The action name.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async ValueTask<(ActionDescriptor Descriptor, IActionProvider Provider)?> FindWithProviderAsync(string name, string? @namespace, CancellationToken cancellationToken)
    {
        foreach (var provider in Providers)
        {
            var found = await provider.FindAsync(name, @namespace, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                return (found, provider);
            }
        }

        return null;
    }

    /// <summary>
    /// Like <see cref="FindAllAsync"/>, also telling which provider each action comes from. Every name is listed once,
    /// from the provider that wins it; <paramref name="shadowed"/> receives the entries that lost a clash.
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <param name="shadowed">Receives hidden (descriptor, provider) pairs, or null.</param>
    public async ValueTask<IReadOnlyList<(ActionDescriptor Descriptor, IActionProvider Provider)>> FindAllWithProvidersAsync(string? @namespace,
        CancellationToken cancellationToken, ICollection<(ActionDescriptor Descriptor, IActionProvider Provider)>? shadowed = null)
    {
        var seen = new HashSet<(string, string)>();
        var all = new List<(ActionDescriptor, IActionProvider)>();
        foreach (var provider in Providers)
        {
            foreach (var d in await provider.FindAllAsync(@namespace, cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add((d.Name, d.Namespace)))
                {
                    all.Add((d, provider));
                }
                else
                {
                    shadowed?.Add((d, provider));
                }
            }
        }

        return all;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var seen = new HashSet<(string, string)>();
        var all = new List<ActionDescriptor>();
        foreach (var provider in Providers)
        {
            foreach (var d in await provider.FindAllAsync(@namespace, cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add((d.Name, d.Namespace)))
                {
                    all.Add(d);
                }
            }
        }

        return all;
    }
}

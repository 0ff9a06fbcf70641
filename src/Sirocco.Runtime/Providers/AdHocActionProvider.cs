using System.Collections.Concurrent;
using Sirocco.Actions;
using Sirocco.Language;
using Sirocco.Store;
using Sirocco.Store.Definitions;

namespace Sirocco.Runtime.Providers;

/// <summary>
/// The <c>adhoc</c> provider: actions defined in YAML (<c>POST /v2/actions</c>, workbook <c>actions:</c>), stored in
/// the database, so a change is visible at once on every node. Lookup is by exact name and namespace, as Mistral's
/// ad-hoc provider does. Inside a workflow the engine expands an ad-hoc action itself (its <c>base-input</c> sees the
/// task context); the descriptors here serve the catalog and direct runs, where the context is the input alone.
/// </summary>
public sealed class AdHocActionProvider : IActionProvider
{
    private const int MaxParsed = 256;
    private readonly SiroccoStore _store;
    private readonly ConcurrentDictionary<(string Text, bool Workbook), IReadOnlyList<AdHocActionSpec>> _parsed = new();

    /// <summary>Creates the provider over a store.</summary>
    /// <param name="store">The store holding the definitions.</param>
    /// <param name="baseActions">Where base actions are found when one of these runs outside a workflow (set by the runtime).</param>
    public AdHocActionProvider(SiroccoStore store, IActionProvider? baseActions = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        BaseActions = baseActions;
    }

    /// <inheritdoc />
    public string Name => "adhoc";

    /// <summary>Where base actions are looked up when an ad-hoc action runs directly (ad-hoc actions themselves included).</summary>
    public IActionProvider? BaseActions { get; set; }

    /// <inheritdoc />
    public async ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var row = await _store.AdHocActions.FindAsync(name, @namespace ?? "", ct: cancellationToken).ConfigureAwait(false);
        return row is null ? null : Describe(row);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var ns = @namespace ?? "";
        var rows = await _store.AdHocActions.ListAsync(ct: cancellationToken).ConfigureAwait(false);
        return rows.Where(r => r.Namespace == ns).Select(Describe).ToList();
    }

    /// <summary>The descriptor of a stored definition.</summary>
    /// <param name="row">The stored definition.</param>
    public AdHocActionDescriptor Describe(AdHocActionDefinition row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new AdHocActionDescriptor(row, FindSpec(row), this);
    }

    /// <summary>The parsed spec of a stored action (its text is an action file or a workbook).</summary>
    private AdHocActionSpec FindSpec(AdHocActionDefinition row)
    {
        var workbook = row.WorkbookName is not null;
        var key = (row.Definition, workbook);
        if (!_parsed.TryGetValue(key, out var actions))
        {
            actions = workbook ? LanguageParser.ParseWorkbook(row.Definition).Actions : LanguageParser.ParseActions(row.Definition).Actions;
            if (_parsed.Count >= MaxParsed)
            {
                _parsed.Clear();
            }

            _parsed[key] = actions;
        }

        var shortName = workbook && row.Name.StartsWith(row.WorkbookName + ".", StringComparison.Ordinal)
            ? row.Name[(row.WorkbookName!.Length + 1)..]
            : row.Name;
        return actions.FirstOrDefault(a => a.Name == shortName)
               ?? throw new ActionException($"Action definition of {row.Name} does not define it (stored text is inconsistent)");
    }
}

using Sirocco.Actions;
using Sirocco.Expressions;
using Sirocco.Language;
using Sirocco.Store.Definitions;

namespace Sirocco.Runtime.Providers;

/// <summary>
/// An ad-hoc action as the catalog shows it (name, namespace, the params spec from its declared <c>input</c>, its YAML)
/// and as it runs outside a workflow (<c>POST /v2/action_executions</c>): declared defaults fill the input,
/// <c>base-input</c> is evaluated against it, the base action runs, and <c>output</c> is applied to its result.
/// </summary>
public sealed class AdHocActionDescriptor : ActionDescriptor
{
    private const int MaxChain = 32;
    private readonly AdHocActionDefinition _row;
    private readonly AdHocActionSpec _spec;
    private readonly AdHocActionProvider _provider;

    internal AdHocActionDescriptor(AdHocActionDefinition row, AdHocActionSpec spec, AdHocActionProvider provider)
    {
        _row = row;
        _spec = spec;
        _provider = provider;
        Signature = new ActionSignature(spec.Input
            .Select(p => p.HasDefault ? new ActionParameter(p.Name, "any", false, p.Default) : new ActionParameter(p.Name, "any", true))
            .ToList());
    }

    /// <summary>The stored definition.</summary>
    public AdHocActionDefinition Record => _row;

    /// <summary>The parsed spec.</summary>
    public AdHocActionSpec Spec => _spec;

    /// <inheritdoc />
    public override string Name => _row.Name;

    /// <inheritdoc />
    public override string Namespace => _row.Namespace;

    /// <inheritdoc />
    public override string Description => _row.Description ?? "";

    /// <inheritdoc />
    public override string? ProjectId => _row.ProjectId;

    /// <inheritdoc />
    public override string Scope => _row.Scope;

    /// <inheritdoc />
    public override string Id => _row.Id;

    /// <inheritdoc />
    public override IReadOnlyList<string> Tags => _row.Tags;

    /// <summary>
    /// The text shown as <c>definition</c>: an action of a workbook shows only its own lines of the workbook (Mistral's
    /// <c>get_action_definition</c>); the stored row keeps the whole workbook, which the engine parses.
    /// </summary>
    public override string Definition => _row.WorkbookName is not null && _spec.Definition.Length > 0 ? _spec.Definition : _row.Definition;

    /// <inheritdoc />
    public override DateTimeOffset? CreatedAt => new DateTimeOffset(_row.CreatedAt, TimeSpan.Zero);

    /// <inheritdoc />
    public override DateTimeOffset? UpdatedAt => _row.UpdatedAt is { } u ? new DateTimeOffset(u, TimeSpan.Zero) : null;

    /// <inheritdoc />
    public override string? ActionClassName => "mistral.actions.adhoc.AdHocAction";

    /// <inheritdoc />
    public override ActionSignature Signature { get; }

    /// <inheritdoc />
    public override bool IsSync => ResolveBase(0) is not { } b || b.IsSync;

    /// <inheritdoc />
    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var full = new OrderedDictionary<string, object?>();
        foreach (var (k, v) in input)
        {
            full[k] = v;
        }

        foreach (var p in _spec.Input.Where(p => p.HasDefault && !full.ContainsKey(p.Name)))
        {
            full[p.Name] = p.Default;
        }

        var baseDescriptor = ResolveBase(0) ?? throw new ActionException(
            $"Failed to find base action [action_name={_spec.Base} namespace={Namespace}] ");
        object? evaluated;
        try
        {
            evaluated = ExpressionEvaluator.EvaluateRecursively(_spec.BaseInput, full);
        }
        catch (ExpressionException e)
        {
            throw new ActionException($"Failed to instantiate an action [action_desc=AdHoc action [name={Name}], input_dict={ActionValues.ToJson(input)}]: {e.Message}", e);
        }

        var baseInput = evaluated as IReadOnlyDictionary<string, object?> ?? new OrderedDictionary<string, object?>();
        baseDescriptor.CheckParameters(baseInput);
        return new Wrapped(baseDescriptor, baseDescriptor.Instantiate(baseInput));
    }

    /// <inheritdoc />
    public override ActionResult PostProcessResult(ActionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.IsSuccess || !_spec.HasOutput || _spec.Output is null)
        {
            return result;
        }

        return ActionResult.Success(ExpressionEvaluator.EvaluateRecursively(_spec.Output, result.Data));
    }

    private ActionDescriptor? ResolveBase(int depth)
    {
        if (depth > MaxChain)
        {
            throw new ActionException($"Found a cycle in an ad-hoc action chain [action_name={Name}, duplicate_action_name={_spec.Base}]");
        }

        var providers = _provider.BaseActions ?? _provider;
        var pending = providers.FindAsync(_spec.Base, Namespace, CancellationToken.None);
        var found = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
        if (found is AdHocActionDescriptor inner)
        {
            inner.ResolveBase(depth + 1);
        }

        return found;
    }

    // The base action's run, with the base's own post-processing (an inner ad-hoc action's output) applied first.
    private sealed class Wrapped(ActionDescriptor baseDescriptor, IAction inner) : IAction
    {
        public bool IsSync => inner.IsSync;

        public async ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken) =>
            baseDescriptor.PostProcessResult(await inner.RunAsync(context, cancellationToken).ConfigureAwait(false));
    }
}

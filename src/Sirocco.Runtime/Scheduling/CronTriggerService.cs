using System.Globalization;
using Sirocco.Engine;
using Sirocco.Expressions;
using Sirocco.Language;
using Sirocco.Store;
using Sirocco.Store.Triggers;

namespace Sirocco.Runtime.Scheduling;

/// <summary>POST /v2/cron_triggers as the runtime takes it.</summary>
public sealed record CronTriggerRequest
{
    /// <summary>Trigger name (unique per project).</summary>
    public required string Name { get; init; }

    /// <summary>Workflow name or id.</summary>
    public required string WorkflowIdentifier { get; init; }

    /// <summary>Namespace of a workflow named by name (<c>''</c> by default).</summary>
    public string WorkflowNamespace { get; init; } = "";

    /// <summary>Input of every execution (checked against the workflow's input now).</summary>
    public OrderedDictionary<string, object?> WorkflowInput { get; init; } = [];

    /// <summary>Params of every execution.</summary>
    public OrderedDictionary<string, object?> WorkflowParams { get; init; } = [];

    /// <summary>croniter pattern.</summary>
    public string? Pattern { get; init; }

    /// <summary>First execution time as the client sends it: <c>YYYY-MM-DD HH:MM</c>, UTC.</summary>
    public string? FirstExecutionTime { get; init; }

    /// <summary>Number of executions (≥ 1); null for no limit.</summary>
    public int? RemainingExecutions { get; init; }

    /// <summary><c>private</c> or <c>public</c>.</summary>
    public string Scope { get; init; } = "private";

    /// <summary>Owning project.</summary>
    public string ProjectId { get; init; } = StoreOptions.DefaultProjectId;
}

/// <summary>
/// Cron triggers as the API uses them: creation with Mistral's rules (<c>services/triggers.py</c>), get, delete.
/// Refusals are <see cref="EngineException"/>s of Mistral's kinds (<c>InvalidModelException</c>, <c>InputException</c>:
/// HTTP 400); an unknown workflow is <see cref="EntityNotFoundException"/>, a taken name <see cref="DuplicateEntryException"/>.
/// </summary>
public sealed class CronTriggerService
{
    private readonly SiroccoStore _store;
    private readonly Action _changed;

    internal CronTriggerService(SiroccoStore store, Action changed)
    {
        _store = store;
        _changed = changed;
    }

    /// <summary>Validates and stores a trigger, and wakes this node's scheduler.</summary>
    public async Task<CronTrigger> CreateAsync(CronTriggerRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _store.Clock.GetUtcNow().UtcDateTime;
        var firstTime = ParseFirstTime(request.FirstExecutionTime);
        var pattern = Validate(request.Pattern, firstTime, request.RemainingExecutions, now);
        var count = request.RemainingExecutions;
        DateTime next;
        if (firstTime is { } first)
        {
            next = first;
            if (pattern is null && count is null)
            {
                count = 1;
            }
        }
        else
        {
            next = pattern!.Next(now) ?? throw Invalid($"The specified pattern is not valid: {request.Pattern} (it never matches a date)");
        }

        var workflow = await _store.WorkflowDefinitions.GetAsync(request.WorkflowIdentifier, request.WorkflowNamespace, request.ProjectId, ct)
            .ConfigureAwait(false);
        CheckInput(workflow, request.WorkflowInput);
        var trigger = await _store.CronTriggers.CreateAsync(new CronTrigger
        {
            Name = request.Name,
            Pattern = request.Pattern,
            FirstExecutionTime = firstTime,
            NextExecutionTime = next,
            RemainingExecutions = count,
            WorkflowName = workflow.Name,
            WorkflowId = workflow.Id,
            WorkflowNamespace = workflow.Namespace,
            WorkflowInput = request.WorkflowInput,
            WorkflowParams = request.WorkflowParams,
            Scope = request.Scope,
            ProjectId = request.ProjectId,
        }, ct).ConfigureAwait(false);
        _changed();
        return trigger;
    }

    /// <summary>A trigger by name or id (404 when missing).</summary>
    public Task<CronTrigger> GetAsync(string identifier, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default) =>
        _store.CronTriggers.GetAsync(identifier, projectId, ct);

    /// <summary>Deletes a trigger by name or id (404 when missing).</summary>
    public async Task DeleteAsync(string identifier, string projectId = StoreOptions.DefaultProjectId, CancellationToken ct = default)
    {
        await _store.CronTriggers.DeleteAsync(identifier, projectId, ct).ConfigureAwait(false);
        _changed();
    }

    /// <summary>
    /// Mistral's <c>validate_cron_trigger_input</c>: a pattern or a first time; the first time at least a minute
    /// ahead; a count above 1 only with a pattern; a pattern croniter accepts. Returns the parsed pattern.
    /// </summary>
    public static CronPattern? Validate(string? patternText, DateTime? firstTime, int? count, DateTime now)
    {
        if (firstTime is null && string.IsNullOrEmpty(patternText))
        {
            throw Invalid("Pattern or first_execution_time must be specified.");
        }

        if (firstTime is { } first)
        {
            if (now.AddSeconds(60) > first)
            {
                throw Invalid("first_execution_time must be at least 1 minute in the future.");
            }

            if (string.IsNullOrEmpty(patternText) && count > 1)
            {
                throw Invalid("Pattern must be provided if count is superior to 1.");
            }
        }

        if (string.IsNullOrEmpty(patternText))
        {
            return null;
        }

        return CronPattern.TryParse(patternText, out var reason)
               ?? throw Invalid($"The specified pattern is not valid: {patternText} ({reason})");
    }

    /// <summary>Parses <c>YYYY-MM-DD HH:MM</c> as Python's <c>strptime(s, '%Y-%m-%d %H:%M')</c>; other text is 400.</summary>
    public static DateTime? ParseFirstTime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTime.TryParseExact(text, "yyyy-M-d H:m", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }

        if (DateTime.TryParseExact(text, "yyyy-M-d H:m:s", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw Invalid($"unconverted data remains: {text[text.LastIndexOf(':')..]}");
        }

        throw Invalid($"time data '{text}' does not match format '%Y-%m-%d %H:%M'");
    }

    /// <summary>Mistral's <c>validate_input</c> against the workflow's declared input.</summary>
    private static void CheckInput(Store.Definitions.WorkflowDefinition workflow, OrderedDictionary<string, object?> input)
    {
        WorkflowSpec spec;
        try
        {
            var workflows = workflow.WorkbookName is null
                ? LanguageParser.ParseWorkflows(workflow.Definition).Workflows
                : [];
            spec = workflows.FirstOrDefault(w => w.Name == workflow.Name) ?? (workflows.Count == 1 ? workflows[0] : null!);
        }
        catch (LanguageException)
        {
            spec = null!;
        }

        // a workbook's workflow (or an unreadable text) is checked by the interface the store keeps
        var declared = spec?.Input.Select(p => (p.Name, p.IsRequired)).ToList() ?? InterfaceInput(workflow.Interface);
        var unexpected = input.Keys.Cast<object?>().ToList();
        var missing = new List<object?>();
        foreach (var (name, required) in declared)
        {
            if (required && !unexpected.Contains(name))
            {
                missing.Add(name);
            }

            unexpected.Remove(name);
        }

        if (missing.Count == 0 && unexpected.Count == 0)
        {
            return;
        }

        var className = spec?.Type == WorkflowType.Reverse ? "ReverseWorkflowSpec" : "DirectWorkflowSpec";
        var message = $"Invalid input [name={workflow.Name}, class={className}";
        if (missing.Count > 0)
        {
            message += $", missing={PyText.Repr(missing)}";
        }

        if (unexpected.Count > 0)
        {
            message += $", unexpected={PyText.Repr(unexpected)}";
        }

        throw new EngineException("InputException", message + "]");
    }

    private static List<(string Name, bool Required)> InterfaceInput(string interfaceJson) =>
        Values.Json.Parse(interfaceJson) is OrderedDictionary<string, object?> iface && iface.GetValueOrDefault("input") is IList<object?> entries
            ? entries.Select(e => e switch
            {
                string s => (s, true),
                OrderedDictionary<string, object?> d when d.Count == 1 => (d.Keys.First(), false),
                _ => ("", false),
            }).Where(e => e.Item1.Length > 0).ToList()
            : [];

    private static EngineException Invalid(string message) => new("InvalidModelException", message);
}

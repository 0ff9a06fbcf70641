using Sirocco.Engine.Definitions;
using Sirocco.Language;

namespace Sirocco.Engine.Testing;

/// <summary>
/// Definitions held in memory, for tests and embedded runs: workflow files, workbooks (their workflows and ad-hoc
/// actions under <c>wb.name</c>), ad-hoc action files and environments.
/// </summary>
public sealed class InMemoryDefinitions : IDefinitionResolver
{
    private readonly Dictionary<(string Name, string Namespace), WorkflowDefinition> _workflows = [];
    private readonly Dictionary<(string Name, string Namespace), ActionDefinition> _actions = [];
    private readonly Dictionary<string, OrderedDictionary<string, object?>> _environments = new(StringComparer.Ordinal);
    private int _nextId;

    /// <summary>Adds every workflow of a workflow file; returns their names. <paramref name="checkExpression"/> is the parser's upload-time expression check.</summary>
    public IReadOnlyList<string> AddWorkflows(string text, string @namespace = "", Func<string, string?>? checkExpression = null)
    {
        var list = LanguageParser.ParseWorkflows(text, checkExpression);
        var names = new List<string>();
        foreach (var w in list.Workflows)
        {
            _workflows[(w.Name, @namespace)] = new WorkflowDefinition
            {
                Id = NewId(),
                Name = w.Name,
                Namespace = @namespace,
                Definition = text,
                Tags = w.Tags,
            };
            names.Add(w.Name);
        }
        return names;
    }

    /// <summary>Adds a workbook: its workflows and ad-hoc actions under <c>&lt;workbook&gt;.&lt;name&gt;</c>. <paramref name="checkExpression"/> as for <see cref="AddWorkflows"/>.</summary>
    public string AddWorkbook(string text, string @namespace = "", Func<string, string?>? checkExpression = null)
    {
        var wb = LanguageParser.ParseWorkbook(text, checkExpression);
        foreach (var w in wb.Workflows)
        {
            var name = wb.QualifiedName(w.Name);
            _workflows[(name, @namespace)] = new WorkflowDefinition
            {
                Id = NewId(),
                Name = name,
                Namespace = @namespace,
                Definition = text,
                WorkbookName = wb.Name,
                Tags = w.Tags,
            };
        }
        foreach (var a in wb.Actions)
        {
            var name = wb.QualifiedName(a.Name);
            _actions[(name, @namespace)] = new ActionDefinition { Id = NewId(), Name = name, Namespace = @namespace, Definition = text, WorkbookName = wb.Name };
        }
        return wb.Name;
    }

    /// <summary>Adds the ad-hoc actions of an action file.</summary>
    public void AddActions(string text, string @namespace = "")
    {
        foreach (var a in LanguageParser.ParseActions(text).Actions)
        {
            _actions[(a.Name, @namespace)] = new ActionDefinition { Id = NewId(), Name = a.Name, Namespace = @namespace, Definition = text };
        }
    }

    /// <summary>Adds a provider (non ad-hoc) action, e.g. one the test handles itself.</summary>
    public void AddAction(ActionDefinition action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _actions[(action.Name, action.Namespace)] = action;
    }

    /// <summary>Adds a named environment.</summary>
    public void AddEnvironment(string name, OrderedDictionary<string, object?> variables) => _environments[name] = variables;

    /// <summary>The workflow definition with this name (exact namespace).</summary>
    public WorkflowDefinition? FindWorkflow(string name, string @namespace) => _workflows.GetValueOrDefault((name, @namespace));

    /// <inheritdoc/>
    public ActionDefinition? FindAction(string name, string @namespace) => _actions.GetValueOrDefault((name, @namespace));

    /// <inheritdoc/>
    public OrderedDictionary<string, object?>? FindEnvironment(string name) => _environments.GetValueOrDefault(name);

    private string NewId() => $"00000000-0000-4000-9000-{++_nextId:x12}";
}

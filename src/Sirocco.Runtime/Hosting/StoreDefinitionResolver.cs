using System.Data.Common;
using Sirocco.Engine.Definitions;
using Sirocco.Runtime.Executors;

namespace Sirocco.Runtime.Hosting;

/// <summary>
/// Definition lookups for the engine, answered inside the host's transaction (the engine's resolver is synchronous;
/// SQLite answers these from its page cache).
/// </summary>
internal sealed class StoreDefinitionResolver : IDefinitionResolver
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly IReadOnlyList<IActionRunner> _runners;

    public StoreDefinitionResolver(DbConnection connection, DbTransaction transaction, IReadOnlyList<IActionRunner> runners)
    {
        _connection = connection;
        _transaction = transaction;
        _runners = runners;
    }

    public WorkflowDefinition? FindWorkflow(string name, string @namespace) =>
        DefinitionLookup.FindWorkflow(_connection, _transaction, name, @namespace);

    // Precedence after the engine's own std actions: ad-hoc actions stored in the database (exact name and namespace,
    // as Mistral's ad-hoc provider), then the runners' providers in order (docs/actions.md, "Name clashes").
    public ActionDefinition? FindAction(string name, string @namespace)
    {
        if (Store.Definitions.AdHocActionRepository.Find(_connection, _transaction, name, @namespace) is { } adhoc)
        {
            return new ActionDefinition
            {
                Id = adhoc.Id,
                Name = adhoc.Name,
                Namespace = adhoc.Namespace,
                Definition = adhoc.Definition,
                WorkbookName = adhoc.WorkbookName,
            };
        }

        foreach (var runner in _runners)
        {
            if (runner.Describe(name, @namespace) is { } described)
            {
                return described;
            }
        }

        return null;
    }

    // params.env given as a name: the stored environment, read in the step's transaction
    public OrderedDictionary<string, object?>? FindEnvironment(string name) =>
        Store.Definitions.EnvironmentRepository.FindVariables(_connection, _transaction, name);
}

/// <summary>Builds the engine's view of a stored workflow definition (a workbook workflow carries the workbook text).</summary>
internal static class DefinitionLookup
{
    public static WorkflowDefinition? FindWorkflow(DbConnection c, DbTransaction? tx, string identifier, string @namespace)
    {
        var byId = identifier.Length == 36 && Guid.TryParse(identifier, out _);
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText =
            "SELECT w.id, w.name, w.namespace, w.definition, w.workbook_name, w.tags, b.definition FROM workflow_definitions w " +
            "LEFT JOIN workbooks b ON b.name = w.workbook_name AND b.namespace = w.namespace AND b.project_id = w.project_id WHERE " +
            (byId ? "w.id = @i" : "w.name = @i AND w.namespace = @ns") + " LIMIT 1";
        Add(cmd, "@i", identifier);
        Add(cmd, "@ns", @namespace);
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        var workbook = r.IsDBNull(4) ? null : r.GetString(4);
        var workbookText = r.IsDBNull(6) ? null : r.GetString(6);
        return new WorkflowDefinition
        {
            Id = r.GetString(0),
            Name = r.GetString(1),
            Namespace = r.GetString(2),
            Definition = workbook is not null && workbookText is not null ? workbookText : r.GetString(3),
            WorkbookName = workbookText is null ? null : workbook,
            Tags = Tags(r.IsDBNull(5) ? null : r.GetString(5)),
        };
    }

    private static List<string> Tags(string? json) =>
        json is not null && Values.Json.Parse(json) is IList<object?> list ? list.Select(x => x?.ToString() ?? "").ToList() : [];

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}

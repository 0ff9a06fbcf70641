using Sirocco.Store.Queries;

namespace Sirocco.Server.Lists;

/// <summary>What one list endpoint accepts: its table, collection name, filterable fields and extra parameters.</summary>
/// <param name="Collection">The envelope key and URL segment (<c>workflows</c>, <c>executions</c>).</param>
/// <param name="Table">The resource table.</param>
/// <param name="Filters">Fields that may be given as <c>field=[op:]value</c>.</param>
/// <param name="Extra">Other accepted parameters, handled by the endpoint itself (e.g. <c>all_projects</c>).</param>
public sealed record ListEndpoint(string Collection, ResourceTable Table, IReadOnlySet<string> Filters, IReadOnlySet<string> Extra)
{
    /// <summary>Default sort key.</summary>
    public string DefaultSortKey { get; init; } = "created_at";

    /// <summary>Whether <c>include_output=true</c> adds the deferred <c>output</c> field.</summary>
    public bool HasIncludeOutput { get; init; }

    /// <summary>Whether <c>nulls=col1,col2</c> is accepted.</summary>
    public bool HasNulls { get; init; }
}

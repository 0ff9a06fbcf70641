namespace Sirocco.Store.Queries;

/// <summary>Mistral's filter operators (<c>eq:</c>, <c>neq:</c>, ... prefixes of a query value), plus the <c>nulls=</c> test.</summary>
public enum FilterOperator
{
    /// <summary>Equal (the default when a value has no prefix).</summary>
    Eq,

    /// <summary>Not equal.</summary>
    Neq,

    /// <summary>Greater than.</summary>
    Gt,

    /// <summary>Greater than or equal.</summary>
    Gte,

    /// <summary>Less than.</summary>
    Lt,

    /// <summary>Less than or equal.</summary>
    Lte,

    /// <summary>One of a comma list.</summary>
    In,

    /// <summary>None of a comma list.</summary>
    Nin,

    /// <summary>Contains (SQL <c>LIKE %value%</c>).</summary>
    Has,

    /// <summary>The column is NULL (executions' <c>nulls=col1,col2</c>).</summary>
    IsNull,
}

/// <summary>One filter on a resource field. <see cref="Values"/> holds one value, or several for in/nin and tags.</summary>
/// <param name="Field">The resource field name.</param>
/// <param name="Operator">The operator.</param>
/// <param name="Values">The operand(s) as text, converted to the column's kind when the SQL is built.</param>
public sealed record FilterCondition(string Field, FilterOperator Operator, IReadOnlyList<string> Values);

/// <summary>One sort key.</summary>
/// <param name="Field">The resource field name.</param>
/// <param name="Descending">True for <c>desc</c>.</param>
public sealed record SortKey(string Field, bool Descending);

/// <summary>A list (or single-object) query on one resource table, already validated against it.</summary>
public sealed record ListQuery
{
    /// <summary>Filters, all of which must hold.</summary>
    public IReadOnlyList<FilterCondition> Filters { get; init; } = [];

    /// <summary>Sort keys in order; <c>id asc</c> is appended as the tie-breaker when absent.</summary>
    public IReadOnlyList<SortKey> Sort { get; init; } = [];

    /// <summary>Id of the last object of the previous page; the page starts after it.</summary>
    public string? Marker { get; init; }

    /// <summary>Page size; null for no limit.</summary>
    public int? Limit { get; init; }

    /// <summary>Fields to return (<c>id</c> is always added); null for the table's default fields.</summary>
    public IReadOnlyList<string>? Fields { get; init; }

    /// <summary>Deferred fields to return as well when <see cref="Fields"/> is null (e.g. <c>output</c> with include_output).</summary>
    public IReadOnlyList<string> IncludeDeferred { get; init; } = [];
}

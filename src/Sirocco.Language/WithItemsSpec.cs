namespace Sirocco.Language;

/// <summary>
/// One <c>var in collection</c> entry of <c>with-items</c>. <see cref="Collection"/> is an expression
/// string (<c>&lt;% $.xs %&gt;</c> / <c>{{ _.xs }}</c>), or a literal list when written as a JSON array
/// (<c>x in [1, 2]</c>).
/// </summary>
/// <param name="Variable">The item variable name.</param>
/// <param name="Collection">An expression string or a <see cref="List{T}"/> literal.</param>
/// <param name="Position">Where the entry is written.</param>
public sealed record WithItemsSpec(string Variable, object? Collection, SourcePosition Position);

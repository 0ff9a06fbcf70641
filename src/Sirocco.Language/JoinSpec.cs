namespace Sirocco.Language;

/// <summary>
/// A task's <c>join</c>: <c>all</c> (every inbound task must have triggered it) or a count
/// (<c>one</c> is a count of 1).
/// </summary>
/// <param name="IsAll">True for <c>join: all</c>.</param>
/// <param name="Count">For a counted join, how many inbound triggers are needed; 0 for <c>all</c>.</param>
public sealed record JoinSpec(bool IsAll, int Count)
{
    /// <summary><c>join: all</c>.</summary>
    public static JoinSpec All { get; } = new(true, 0);

    /// <summary>Renders as written (<c>all</c> or the number).</summary>
    public override string ToString() => IsAll ? "all" : Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

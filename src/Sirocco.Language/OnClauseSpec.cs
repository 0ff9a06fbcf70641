namespace Sirocco.Language;

/// <summary>
/// An on-success / on-error / on-complete clause: the transitions in written order and, in the
/// advanced form (<c>publish:</c> + <c>next:</c>), what the clause publishes.
/// </summary>
/// <param name="Next">The transitions, in order (may be empty in the advanced form without <c>next</c>).</param>
/// <param name="Publish">The clause's publish (advanced form), or null.</param>
/// <param name="Position">Where the clause is written.</param>
public sealed record OnClauseSpec(IReadOnlyList<TransitionSpec> Next, PublishSpec? Publish, SourcePosition Position);

namespace Sirocco.Language;

/// <summary>
/// What a task publishes when it ends: the branch part goes to the task's published values (seen by
/// downstream tasks), the global part into the workflow-global context. <c>atomic</c> is accepted and
/// kept, as Mistral keeps it, but Mistral never acts on it. Each part is null when absent.
/// Map values may be literals or expression strings; treat them as immutable.
/// </summary>
/// <param name="Branch">The <c>branch</c> part (a task's plain <c>publish:</c> map lands here).</param>
/// <param name="Global">The <c>global</c> part.</param>
/// <param name="Atomic">The <c>atomic</c> part (parsed, never used by Mistral).</param>
/// <param name="Position">Where the publish map is written.</param>
public sealed record PublishSpec(
    OrderedDictionary<string, object?>? Branch,
    OrderedDictionary<string, object?>? Global,
    OrderedDictionary<string, object?>? Atomic,
    SourcePosition Position);

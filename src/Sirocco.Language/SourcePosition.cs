namespace Sirocco.Language;

/// <summary>
/// A place in a YAML document, 1-based like an editor shows it. Every spec carries the
/// position of the node it came from so that upload and run-time errors can point into the text.
/// </summary>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <summary>The position used when nothing better is known (start of the text).</summary>
    public static SourcePosition Start => new(1, 1);

    /// <summary>Renders as <c>line:column</c>.</summary>
    public override string ToString() => $"{Line}:{Column}";
}

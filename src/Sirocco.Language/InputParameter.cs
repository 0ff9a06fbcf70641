namespace Sirocco.Language;

/// <summary>
/// One entry of an <c>input</c> list (workflow or ad-hoc action): a bare name is a required parameter,
/// a one-key map <c>name: default</c> gives a default. Defaults are kept verbatim and never evaluated
/// (an expression default stays a string), and a <c>null</c> default is a real default.
/// </summary>
/// <param name="Name">The parameter name.</param>
/// <param name="HasDefault">False for a required parameter (Mistral's <c>NotDefined</c>).</param>
/// <param name="Default">The default value when <paramref name="HasDefault"/>; may be null.</param>
/// <param name="Position">Where the entry is written.</param>
public sealed record InputParameter(string Name, bool HasDefault, object? Default, SourcePosition Position)
{
    /// <summary>True when the caller must supply this parameter.</summary>
    public bool IsRequired => !HasDefault;
}

namespace Sirocco.Language;

/// <summary>One problem found in a document, with the place it was found.</summary>
/// <param name="Position">Where the offending node starts.</param>
/// <param name="Message">What is wrong, in Mistral's words where Mistral has words for it.</param>
public sealed record LanguageError(SourcePosition Position, string Message)
{
    /// <summary>Renders as <c>line:column: message</c>.</summary>
    public override string ToString() => $"{Position}: {Message}";
}

/// <summary>
/// Thrown when a workflow, workbook or action document cannot be accepted. <see cref="Exception.Message"/>
/// reads like Mistral's (<c>Invalid DSL: ...</c> where Mistral says that) and always contains the
/// <c>line:column</c> of the first error; <see cref="Errors"/> lists every error found.
/// </summary>
public sealed class LanguageException : Exception
{
    /// <summary>Creates the exception from the errors found (at least one).</summary>
    public LanguageException(IReadOnlyList<LanguageError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception from a single error.</summary>
    public LanguageException(SourcePosition position, string message)
        : this([new LanguageError(position, message)])
    {
    }

    /// <summary>Every error found, in document order; never empty.</summary>
    public IReadOnlyList<LanguageError> Errors { get; }

    /// <summary>The first error's position.</summary>
    public SourcePosition Position => Errors[0].Position;

    private static string Format(IReadOnlyList<LanguageError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("at least one error is required", nameof(errors));
        }

        if (errors.Count == 1)
        {
            return errors[0].ToString();
        }

        return string.Join("\n", errors.Select(e => e.ToString()));
    }
}

namespace Sirocco.Actions;

/// <summary>
/// An action's outcome with mistral-lib's <c>Result(data, error, cancel)</c> semantics: success carries
/// <see cref="Data"/>; a non-null <see cref="Error"/> (any value, often a string) is a failure; <see cref="Cancel"/>
/// means the action was cancelled. Values follow the convention of <see cref="ActionValues"/>.
/// </summary>
public sealed class ActionResult
{
    private ActionResult(object? data, object? error, bool cancel)
    {
        Data = data;
        Error = error;
        Cancel = cancel;
    }

    /// <summary>The result value on success.</summary>
    public object? Data { get; }

    /// <summary>The error value; non-null means failure (unless cancelled).</summary>
    public object? Error { get; }

    /// <summary>The action was cancelled.</summary>
    public bool Cancel { get; }

    /// <summary>Neither an error nor cancelled.</summary>
    public bool IsSuccess => !IsError && !IsCancel;

    /// <summary>An error that is not a cancellation (mistral-lib: <c>error is not None and not cancel</c>).</summary>
    public bool IsError => Error is not null && !Cancel;

    /// <summary>Cancelled.</summary>
    public bool IsCancel => Cancel;

    /// <summary>A successful result.</summary>
    /// <param name="data">The value.</param>
    public static ActionResult Success(object? data) => new(ActionValues.Normalize(data), null, false);

    /// <summary>A failed result.</summary>
    /// <param name="error">The error value (non-null).</param>
    public static ActionResult Failure(object error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(null, ActionValues.Normalize(error), false);
    }

    /// <summary>A cancelled result, with an optional reason.</summary>
    /// <param name="error">Why, or null.</param>
    public static ActionResult Cancelled(object? error = null) => new(null, ActionValues.Normalize(error), true);

    /// <summary>What a run returned: an <see cref="ActionResult"/> as is, anything else as a successful value.</summary>
    /// <param name="returned">The returned value.</param>
    public static ActionResult From(object? returned) => returned as ActionResult ?? Success(returned);

    /// <summary>
    /// Mistral's stored action-execution output: <c>{"result": data}</c> on success, <c>{"result": error}</c>
    /// otherwise (mistral-lib's <c>to_dict()</c>).
    /// </summary>
    public OrderedDictionary<string, object?> ToOutput() => new() { ["result"] = IsSuccess ? Data : Error };

    /// <inheritdoc />
    public override string ToString() => IsSuccess ? $"Result(data={Data})" : $"Result(error={Error}, cancel={Cancel})";
}

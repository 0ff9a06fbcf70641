namespace Sirocco.Store.Queries;

/// <summary>A list query names a field the resource does not have, or gives a value the field cannot hold (HTTP 400).</summary>
public sealed class InvalidQueryException : Exception
{
    /// <summary>Creates the error with a message a user can act on.</summary>
    public InvalidQueryException(string message) : base(message) { }
}

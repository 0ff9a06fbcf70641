namespace Sirocco.Store;

/// <summary>Base of the store's typed errors; the API maps each subtype to Mistral's status code.</summary>
public abstract class StoreException : Exception
{
    /// <summary>Creates the error with a message a user can act on.</summary>
    protected StoreException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>An object with the same unique key exists (Mistral's DBDuplicateEntryError, HTTP 409).</summary>
public sealed class DuplicateEntryException : StoreException
{
    /// <summary>Creates the error.</summary>
    public DuplicateEntryException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>No object matches the identifier (Mistral's DBEntityNotFoundError, HTTP 404).</summary>
public sealed class EntityNotFoundException : StoreException
{
    /// <summary>Creates the error.</summary>
    public EntityNotFoundException(string message) : base(message) { }
}

/// <summary>The database was written by a newer Sirocco, or a migration failed.</summary>
public sealed class SchemaException : StoreException
{
    /// <summary>Creates the error.</summary>
    public SchemaException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The database named in the configuration cannot be used as given (a malformed connection string).</summary>
public sealed class DatabaseConfigurationException : StoreException
{
    /// <summary>Creates the error.</summary>
    public DatabaseConfigurationException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The object is still referenced (e.g. a workflow that cron triggers start): Mistral's DBError, HTTP 400.</summary>
public sealed class EntityInUseException : StoreException
{
    /// <summary>Creates the error.</summary>
    public EntityInUseException(string message) : base(message) { }
}

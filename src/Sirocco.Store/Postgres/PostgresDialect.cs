using System.Data;
using System.Data.Common;
using Npgsql;
using Sirocco.Store.Migrations;

namespace Sirocco.Store.Postgres;

/// <summary>
/// PostgreSQL: many writers at once (row locks, <c>FOR UPDATE SKIP LOCKED</c> claims, advisory locks per execution),
/// READ COMMITTED transactions, a pooled data source, and <c>LISTEN/NOTIFY</c> wake-ups between nodes.
/// </summary>
public sealed class PostgresDialect : ISqlDialect, IDisposable
{
    /// <summary>The NOTIFY channel every Sirocco node listens on.</summary>
    public const string Channel = "sirocco";

    private static readonly Lazy<IReadOnlyList<Migration>> Scripts =
        new(() => Migration.FromEmbeddedResources("Sirocco.Store.Postgres.Migrations."));

    private readonly NpgsqlDataSource _source;

    /// <summary>Creates the dialect for a connection string (<c>Host=...;Database=...;Username=...</c>).</summary>
    public PostgresDialect(string connectionString, StoreOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DatabaseConfigurationException($"invalid PostgreSQL connection string: {e.Message}", e);
        }

        // A statement waiting for a lock longer than the busy timeout fails instead of hanging a node.
        builder.CommandTimeout = Math.Max(builder.CommandTimeout, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        ConnectionString = builder.ConnectionString;
        _source = NpgsqlDataSource.Create(builder);
    }

    /// <summary>The connection string in use (with the settings the dialect added).</summary>
    public string ConnectionString { get; }

    /// <inheritdoc />
    public string Name => "postgresql";

    /// <inheritdoc />
    public bool SingleWriter => false;

    /// <inheritdoc />
    public IReadOnlyList<Migration> Migrations => Scripts.Value;

    /// <inheritdoc />
    public string? MigrationLockStatement => "SELECT pg_advisory_xact_lock(7264591)";

    /// <inheritdoc />
    public string SkipLockedClause => " FOR UPDATE SKIP LOCKED";

    /// <inheritdoc />
    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct).ConfigureAwait(false);

    /// <inheritdoc />
    public bool IsUniqueViolation(DbException error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <inheritdoc />
    public bool IsTransient(DbException error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected }
        || error is NpgsqlException { IsTransient: true };

    /// <inheritdoc />
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> TryLockExecutionAsync(DbConnection connection, DbTransaction tx, string executionId, CancellationToken ct)
    {
        // A transaction-scoped advisory lock: released at commit or rollback, and by the server when the node's
        // connection drops (a killed node holds nothing). A hash collision only makes a node skip an execution for now.
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT pg_try_advisory_xact_lock(hashtextextended(@id, 0))";
        var p = cmd.CreateParameter();
        p.ParameterName = "@id";
        p.Value = executionId;
        cmd.Parameters.Add(p);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    /// <inheritdoc />
    public async Task NotifyAsync(DbConnection connection, DbTransaction tx, string topic, CancellationToken ct)
    {
        // Delivered to every listener when the transaction commits; nothing is sent on rollback.
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT pg_notify('{Channel}', @topic)";
        var p = cmd.CreateParameter();
        p.ParameterName = "@topic";
        p.Value = topic;
        cmd.Parameters.Add(p);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ListenAsync(Action<string> onNotification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(onNotification);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = (NpgsqlConnection)await OpenAsync(ct).ConfigureAwait(false);
                connection.Notification += (_, e) => onNotification(e.Payload);
                await using (var cmd = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                // Anything sent while not listening is lost: tell the caller to look at the tables once.
                onNotification("*");
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                // The listening connection broke (server restart, network): reconnect after a short pause.
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => _source.Dispose();
}

using System.Data.Common;
using Sirocco.Store.Internal;

namespace Sirocco.Store;

/// <summary>The action versions (plugin content hashes) each root workflow execution started with (migration 0008).</summary>
public sealed partial class SiroccoStore
{
    /// <summary>Records the versions an execution starts with (a JSON object); a second record for the same id is ignored.</summary>
    public Task SaveActionVersionsAsync(string executionId, string versionsJson, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        ArgumentNullException.ThrowIfNull(versionsJson);
        return WriteAsync((c, tx, token) => InsertActionVersionsAsync(c, tx, executionId, versionsJson, token), ct);
    }

    /// <summary>Records the versions an execution starts with, inside a caller's transaction.</summary>
    internal static Task<int> InsertActionVersionsAsync(DbConnection c, DbTransaction tx, string executionId, string versionsJson, CancellationToken ct) =>
        Db.ExecuteAsync(c, tx, "INSERT INTO execution_action_versions (execution_id, versions) VALUES (@id, @v) ON CONFLICT (execution_id) DO NOTHING",
            ct, ("@id", executionId), ("@v", versionsJson));

    /// <summary>
    /// The root execution of <paramref name="executionId"/> (itself for a root or an unknown id) and the versions
    /// recorded for that root, or null when none were.
    /// </summary>
    public Task<(string RootExecutionId, string? VersionsJson)> LoadActionVersionsAsync(string executionId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(executionId);
        return ReadAsync(async (c, token) =>
        {
            await using var cmd = Db.Command(c, null, """
                SELECT COALESCE(w.root_execution_id, w.id), v.versions
                FROM workflow_executions w LEFT JOIN execution_action_versions v ON v.execution_id = COALESCE(w.root_execution_id, w.id)
                WHERE w.id = @id
                """);
            cmd.With("@id", executionId);
            await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
            if (await r.ReadAsync(token).ConfigureAwait(false))
            {
                return (r.GetString(0), r.StringOrNull(1));
            }

            await r.DisposeAsync().ConfigureAwait(false);
            // not committed yet (an execution being started): the record, if any, is the execution's own
            return (executionId, await Db.ScalarAsync(c, null, "SELECT versions FROM execution_action_versions WHERE execution_id = @id", token,
                ("@id", executionId)).ConfigureAwait(false) as string);
        }, ct);
    }

    /// <summary>The state of each of these workflow executions that exists (ids not found are left out).</summary>
    public Task<IReadOnlyDictionary<string, string>> ExecutionStatesAsync(IReadOnlyCollection<string> executionIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(executionIds);
        return ReadAsync<IReadOnlyDictionary<string, string>>(async (c, token) =>
        {
            var states = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var chunk in executionIds.Chunk(100))
            {
                await using var cmd = Db.Command(c, null, "");
                var names = new List<string>();
                for (var i = 0; i < chunk.Length; i++)
                {
                    var name = "@id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    names.Add(name);
                    cmd.With(name, chunk[i]);
                }

                cmd.CommandText = $"SELECT id, state FROM workflow_executions WHERE id IN ({string.Join(", ", names)})";
                await using var r = await cmd.ExecuteReaderAsync(token).ConfigureAwait(false);
                while (await r.ReadAsync(token).ConfigureAwait(false))
                {
                    states[r.GetString(0)] = r.GetString(1);
                }
            }

            return states;
        }, ct);
    }
}

using Sirocco.Engine.Definitions;
using Sirocco.Expressions;

namespace Sirocco.Engine;

/// <summary>
/// Everything from outside that one step may use: the time, new ids and definition lookup. The engine reads no
/// clock and generates no randomness of its own, so a step is a deterministic function of (state, event, context).
/// </summary>
public sealed class StepContext
{
    /// <summary>The time of this step (UTC); stamped on every change and used to compute timer due times.</summary>
    public required DateTime Now { get; init; }

    /// <summary>Source of new ids (execution, task, action and timer ids).</summary>
    public required IIdGenerator Ids { get; init; }

    /// <summary>Definition lookup for sub-workflows, ad-hoc and custom actions.</summary>
    public IDefinitionResolver Definitions { get; init; } = EmptyDefinitionResolver.Instance;

    /// <summary>Cross-execution queries for <c>tasks()</c> without an id and <c>executions()</c>; null = only this execution is visible.</summary>
    public IExecutionQueries? Queries { get; init; }

    /// <summary>Bounds for every expression evaluation in this step.</summary>
    public EvaluationLimits Limits { get; init; } = EvaluationLimits.Default;

    /// <summary>
    /// Cheap synchronous standard actions (<c>std.noop</c>, <c>std.echo</c>, <c>std.fail</c>) complete inside the step
    /// instead of going out as <see cref="Effects.RunAction"/>. The architecture allows it; hosts may turn it off.
    /// </summary>
    public bool RunCheapActionsInline { get; init; } = true;
}

/// <summary>Source of new unique ids.</summary>
public interface IIdGenerator
{
    /// <summary>A new id (Mistral uses UUID strings).</summary>
    string NewId();
}

/// <summary>Random (version 4) UUIDs: the production id generator.</summary>
public sealed class GuidIdGenerator : IIdGenerator
{
    /// <summary>The shared instance.</summary>
    public static readonly GuidIdGenerator Instance = new();

    private const int BufferSize = 16 * 256;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_next;

    /// <inheritdoc/>
    public string NewId()
    {
        // Guid.NewGuid asks the OS for 16 random bytes per call (a system call on Linux), and a step makes two ids per
        // task: the bytes come from the same cryptographic source, 256 ids' worth at a time, per thread.
        var buffer = t_buffer;
        if (buffer is null || t_next >= BufferSize)
        {
            buffer = t_buffer ??= new byte[BufferSize];
            OsRandom.Fill(buffer);
            t_next = 0;
        }
        var bytes = buffer.AsSpan(t_next, 16);
        t_next += 16;
        // Guid's byte order is little-endian for its first three fields: byte 7 holds the version nibble (4),
        // byte 8 the variant bits (10xx), as RFC 9562 places them.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }
}

/// <summary>
/// Random bytes from the operating system's cryptographic source. On Unix it is read from <c>/dev/urandom</c>:
/// <c>RandomNumberGenerator</c> goes through OpenSSL there, and its first call maps and initialises libcrypto (about
/// 5 MB more resident memory in every server process that otherwise never needs OpenSSL).
/// </summary>
internal static class OsRandom
{
    private static readonly Lazy<Microsoft.Win32.SafeHandles.SafeFileHandle?> Urandom = new(OpenUrandom);

    public static void Fill(Span<byte> buffer)
    {
        if (Urandom.Value is { } handle)
        {
            while (buffer.Length > 0)
            {
                // the kernel ignores the offset of a character device; a read returns at most what was asked
                var read = RandomAccess.Read(handle, buffer, 0);
                if (read <= 0)
                {
                    throw new IOException("/dev/urandom returned no bytes");
                }

                buffer = buffer[read..];
            }
            return;
        }

        System.Security.Cryptography.RandomNumberGenerator.Fill(buffer);
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle? OpenUrandom()
    {
        if (OperatingSystem.IsWindows())
        {
            return null; // RandomNumberGenerator uses the OS (BCrypt) there, not OpenSSL
        }

        try
        {
            return File.OpenHandle("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // no /dev/urandom (a minimal chroot): the library's generator
        }
    }
}

/// <summary>Deterministic ids for tests and replays: UUID-shaped, counting up.</summary>
public sealed class SequentialIdGenerator : IIdGenerator
{
    private long _next;

    /// <inheritdoc/>
    public string NewId()
    {
        var n = Interlocked.Increment(ref _next);
        return $"00000000-0000-4000-8000-{n:x12}";
    }
}

/// <summary>Queries over other executions, for the expression functions that reach beyond the current one.</summary>
public interface IExecutionQueries
{
    /// <summary><c>tasks(workflow_execution_id, recursive, state, flat)</c> for an execution other than the current one (or all, when the id is null).</summary>
    object? Tasks(string? workflowExecutionId, bool recursive, string? state, bool flat);

    /// <summary><c>executions(id, root_execution_id, state, from_time, to_time)</c>.</summary>
    object? Executions(string? id, string? rootExecutionId, string? state, string? fromTime, string? toTime);
}

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

/// <summary>
/// Time-ordered (version 7, RFC 9562) UUIDs: the production id generator. Still UUID strings to every client (Mistral's
/// are version 4), but ids made one after another sort one after another, as text too.
/// </summary>
/// <remarks>
/// Every table is keyed and indexed by id. Random ids put each new row on a random page of those B-trees, so a step
/// that inserts a hundred task and action rows dirtied (and the write-ahead log copied) a leaf page of each id index
/// per row. Ordered ids land on the last pages: a chain of 50 tasks now logs ~70 pages, its new rows only.
/// Layout: 48 bits of Unix milliseconds, the version nibble, a 12-bit sequence that keeps ids made within one
/// millisecond in order (process-wide; it borrows the next millisecond when it runs out), the variant bits and 62
/// random bits from the operating system's cryptographic source.
/// </remarks>
public sealed class GuidIdGenerator : IIdGenerator
{
    /// <summary>The shared instance.</summary>
    public static readonly GuidIdGenerator Instance = new();

    private const int BufferSize = 8 * 512;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_next;

    // (Unix milliseconds << 12) | sequence of the last id made in this process
    private static long s_last;

    /// <inheritdoc/>
    public string NewId()
    {
        long stamp;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 12;
        while (true)
        {
            var last = Volatile.Read(ref s_last);
            stamp = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref s_last, stamp, last) == last)
            {
                break;
            }
        }

        // the random part: 8 bytes per id, read from the OS 512 ids' worth at a time, per thread
        var buffer = t_buffer;
        if (buffer is null || t_next >= BufferSize)
        {
            buffer = t_buffer ??= new byte[BufferSize];
            OsRandom.Fill(buffer);
            t_next = 0;
        }

        Span<byte> bytes = stackalloc byte[16];
        var millis = stamp >> 12;
        var sequence = (int)(stamp & 0xFFF);
        for (var k = 0; k < 6; k++)
        {
            bytes[k] = (byte)(millis >> (8 * (5 - k)));
        }

        bytes[6] = (byte)(0x70 | (sequence >> 8));
        bytes[7] = (byte)sequence;
        buffer.AsSpan(t_next, 8).CopyTo(bytes[8..]);
        t_next += 8;
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
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

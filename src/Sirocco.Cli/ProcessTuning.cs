using System.Collections;
using System.Runtime.InteropServices;
using System.Text;

namespace Sirocco.Cli;

/// <summary>
/// Memory settings for a long-running node (<c>sirocco server</c>, <c>sirocco executor</c>) that the runtime and the C
/// library read only from the environment, when the process starts.
/// </summary>
/// <remarks>
/// <para>Each is worth several megabytes of the node's resident set (docs/benchmarks.md, "Peak RSS"):</para>
/// <list type="bullet">
/// <item><c>DOTNET_GCgen0size=0x400000</c>: a 4 MB gen0 allocation budget. The GC otherwise sizes it from the CPU's
/// last-level cache (16 MB with a 32 MB L3), and a burst of requests touches all of it before the first collection,
/// for a live heap of 4–10 MB. More gen0 collections, each cheap: little survives a request. A runtimeconfig
/// property for it is ignored; only the environment counts.</item>
/// <item><c>MALLOC_ARENA_MAX=1</c>: glibc gives each thread that allocates its own arena and keeps what is freed
/// there. Native allocation here is the runtime's, the JIT's and SQLite's, none of it contended enough to need
/// more than one arena.</item>
/// <item><c>MALLOC_MMAP_THRESHOLD_</c> and <c>MALLOC_TRIM_THRESHOLD_</c> at 128 KiB: fixed, so a large block freed
/// once does not raise them for the rest of the process (glibc's dynamic threshold), and freed memory at the top of
/// the heap goes back to the system.</item>
/// <item><c>DOTNET_GCName=libclrgc.so</c>, when the runtime ships it: the segments GC, which commits less for a small
/// heap than the default regions GC, with the same throughput here. A user's <c>System.GC.Name</c> in a runtimeconfig
/// or a <c>DOTNET_GCName</c>/<c>DOTNET_GCPath</c> is left alone.</item>
/// </list>
/// <para>So the node re-executes itself once, as the very first thing, with the missing ones set: <c>execve</c> of
/// <c>/proc/self/exe</c> with the same arguments keeps the process id and the open standard streams, and nothing has
/// been opened or bound yet. A variable the user set is kept as it is; <c>SIROCCO_PROCESS_TUNING=off</c> sets none.
/// After the re-execution the variables that were added are taken out of the process's environment again, so that
/// the processes a node starts (OS-command actions, isolated action hosts) do not inherit them. Only on Linux;
/// anywhere else, or if the re-execution fails, the node starts with the defaults.</para>
/// </remarks>
internal static class ProcessTuning
{
    /// <summary>Set to <c>off</c> to start with the runtime's and the C library's defaults.</summary>
    internal const string SwitchVariable = "SIROCCO_PROCESS_TUNING";

    /// <summary>Names the variables the re-execution added, to take them out again after it.</summary>
    internal const string MarkerVariable = "SIROCCO_PROCESS_TUNED";

    /// <summary>The segments GC the runtime ships beside its default (regions) GC.</summary>
    internal const string SegmentsGc = "libclrgc.so";

    /// <summary>Each setting, and the other spellings that count as the user's own choice of it.</summary>
    internal static IReadOnlyList<(string Name, string Value, string[] Aliases)> Settings(bool segmentsGcShipped)
    {
        var settings = new List<(string, string, string[])>
        {
            ("DOTNET_GCgen0size", "0x400000", ["COMPlus_GCgen0size"]),
            ("MALLOC_ARENA_MAX", "1", []),
            ("MALLOC_MMAP_THRESHOLD_", "131072", []),
            ("MALLOC_TRIM_THRESHOLD_", "131072", []),
        };
        if (segmentsGcShipped)
        {
            settings.Add(("DOTNET_GCName", SegmentsGc, ["COMPlus_GCName", "DOTNET_GCPath", "COMPlus_GCPath"]));
        }

        return settings;
    }

    /// <summary>
    /// Re-executes the process with the settings, when they apply and are not set yet; returns only if it does not.
    /// After the re-execution, removes what it added from the environment children inherit.
    /// </summary>
    internal static void ApplyBeforeStart(string[] args)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(MarkerVariable) is { Length: > 0 } added)
        {
            foreach (var name in added.Split(','))
            {
                Environment.SetEnvironmentVariable(name, null);
            }

            Environment.SetEnvironmentVariable(MarkerVariable, null);
            return;
        }

        if (!Applies(args, Environment.GetEnvironmentVariable(SwitchVariable)))
        {
            return;
        }

        var shipped = File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), SegmentsGc))
                      && AppContext.GetData("System.GC.Name") is null && AppContext.GetData("System.GC.Path") is null;
        var missing = Missing(Settings(shipped), name => Environment.GetEnvironmentVariable(name));
        if (missing.Count == 0 || ReadCommandLine() is not { Length: > 0 } argv)
        {
            return;
        }

        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env.Add($"{e.Key}={e.Value}");
        }

        env.AddRange(missing.Select(s => $"{s.Name}={s.Value}"));
        env.Add($"{MarkerVariable}={string.Join(',', missing.Select(s => s.Name))}");
        Exec("/proc/self/exe", argv, env);
    }

    /// <summary>Whether the command is a long-running node and the user did not switch the tuning off.</summary>
    internal static bool Applies(string[] args, string? switchValue) =>
        args.Length > 0 && args[0] is ("server" or "executor")
        && !string.Equals(switchValue, "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>The settings whose variable (or an alias of it) is not set in the environment <paramref name="get"/> reads.</summary>
    internal static List<(string Name, string Value)> Missing(
        IReadOnlyList<(string Name, string Value, string[] Aliases)> settings, Func<string, string?> get) =>
        settings.Where(s => string.IsNullOrEmpty(get(s.Name)) && s.Aliases.All(a => string.IsNullOrEmpty(get(a))))
            .Select(s => (s.Name, s.Value))
            .ToList();

    // The arguments exactly as this process got them (`dotnet sirocco.dll server ...` or the apphost's), NUL-separated.
    private static string[]? ReadCommandLine()
    {
        try
        {
            var text = Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/cmdline"));
            return text.TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> env)
    {
        var allocated = new List<IntPtr>();
        try
        {
            // Returns only on failure; the process then goes on with the defaults.
            _ = execve(path, ToNullTerminated(argv, allocated), ToNullTerminated(env, allocated));
        }
        finally
        {
            foreach (var p in allocated)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    private static IntPtr[] ToNullTerminated(IReadOnlyList<string> items, List<IntPtr> allocated)
    {
        var result = new IntPtr[items.Count + 1];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = Marshal.StringToCoTaskMemUTF8(items[i]);
            allocated.Add(result[i]);
        }

        return result;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int execve([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr[] argv, IntPtr[] envp);
}

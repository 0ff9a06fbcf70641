using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sirocco.Actions.Providers.Commands;

/// <summary>
/// The <c>commands</c> provider: operating-system commands configured as actions (for example <c>shell.df</c> with a
/// typed <c>path</c> parameter). The program is started directly with an argument vector, never through a shell, so
/// shell metacharacters in a value (<c>;</c>, <c>|</c>, <c>$(…)</c>, quotes) reach the program literally. The result
/// is <c>{"stdout", "stderr", "exit_code"}</c>; a non-zero exit code fails the action with that same dictionary.
/// </summary>
public sealed class CommandActionProvider : IActionProvider
{
    private readonly Dictionary<string, CommandActionDescriptor> _actions;

    /// <summary>Creates the provider from command definitions (validated here: a bad definition throws at start).</summary>
    /// <param name="commands">The commands.</param>
    /// <param name="name">The provider's name in the catalog.</param>
    public CommandActionProvider(IEnumerable<CommandDefinition> commands, string name = "commands")
    {
        ArgumentNullException.ThrowIfNull(commands);
        Name = name;
        _actions = new Dictionary<string, CommandActionDescriptor>(StringComparer.Ordinal);
        foreach (var c in commands)
        {
            var d = new CommandActionDescriptor(c);
            if (!_actions.TryAdd(c.Name, d))
            {
                throw new ArgumentException($"command action '{c.Name}' is defined twice", nameof(commands));
            }
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ActionDescriptor?>(_actions.GetValueOrDefault(name));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ActionDescriptor>>(_actions.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToList<ActionDescriptor>());
}

/// <summary>One configured command.</summary>
public sealed record CommandDefinition
{
    /// <summary>The action name (<c>shell.df</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Description for the catalog.</summary>
    public string Description { get; init; } = "";

    /// <summary>
    /// The program and its arguments. <c>{param}</c> in an element is replaced by the parameter's value (<c>{{</c> and
    /// <c>}}</c> are literal braces); an element that is exactly <c>{param}</c> of a list parameter becomes one argument
    /// per item; an optional parameter whose value is null drops an element that is exactly <c>{param}</c>.
    /// </summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Typed parameters, in order.</summary>
    public IReadOnlyList<CommandParameter> Parameters { get; init; } = [];

    /// <summary>Working directory; the server's when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether a non-zero exit code fails the action (default true).</summary>
    public bool FailOnNonZeroExit { get; init; } = true;

    /// <summary>Most characters kept of stdout and of stderr each (the rest is cut, with a note).</summary>
    public int MaxOutputChars { get; init; } = 1 << 20;
}

/// <summary>A typed parameter of a command.</summary>
/// <param name="Name">Its input name.</param>
/// <param name="Type"><c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c> or <c>list</c> (of scalars).</param>
/// <param name="Required">Whether it must be given.</param>
/// <param name="Default">The default when not required.</param>
/// <param name="Description">What it is for.</param>
public sealed record CommandParameter(string Name, string Type = "string", bool Required = true, object? Default = null, string? Description = null);

internal sealed class CommandActionDescriptor : ActionDescriptor
{
    private static readonly HashSet<string> Types = ["string", "integer", "number", "boolean", "list"];
    private readonly CommandDefinition _definition;

    public CommandActionDescriptor(CommandDefinition definition)
    {
        _definition = definition;
        if (string.IsNullOrWhiteSpace(definition.Name) || definition.Command.Count == 0 || string.IsNullOrWhiteSpace(definition.Command[0]))
        {
            throw new ArgumentException($"command action '{definition.Name}' needs a name and a program", nameof(definition));
        }

        foreach (var p in definition.Parameters)
        {
            if (!Types.Contains(p.Type))
            {
                throw new ArgumentException(
                    $"command action '{definition.Name}': parameter '{p.Name}' has type '{p.Type}'; use one of {string.Join(", ", Types)}", nameof(definition));
            }
        }

        foreach (var element in definition.Command)
        {
            foreach (var placeholder in Placeholders(element))
            {
                if (definition.Parameters.All(p => p.Name != placeholder))
                {
                    throw new ArgumentException($"command action '{definition.Name}': '{{{placeholder}}}' is not a declared parameter", nameof(definition));
                }
            }
        }

        Signature = new ActionSignature(definition.Parameters
            .Select(p => new ActionParameter(p.Name, p.Type == "list" ? "list" : p.Type, p.Required, p.Required ? null : ActionValues.Normalize(p.Default), p.Description))
            .ToList());
    }

    public override string Name => _definition.Name;

    public override string Description => _definition.Description;

    public override ActionSignature Signature { get; }

    public override string Definition => string.Join(" ", _definition.Command.Select(Quote));

    public override IReadOnlyList<string> Tags => ["command"];

    public override string? ActionClassName => "CommandAction";

    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in _definition.Parameters)
        {
            var value = input.TryGetValue(p.Name, out var given) ? given : p.Default;
            values[p.Name] = Check(p, value);
        }

        var argv = new List<string>();
        foreach (var element in _definition.Command)
        {
            if (element.Length > 2 && element[0] == '{' && element[^1] == '}' && element.IndexOf('{', 1) < 0
                && values.TryGetValue(element[1..^1], out var whole))
            {
                switch (whole)
                {
                    case null:
                        continue; // an absent optional value drops its argument
                    case List<object?> items:
                        argv.AddRange(items.Select(Text));
                        continue;
                }
            }

            argv.Add(Substitute(element, values));
        }

        return new CommandAction(_definition, argv);
    }

    private object? Check(CommandParameter p, object? value)
    {
        var ok = value is null ? !p.Required : p.Type switch
        {
            "string" => value is string,
            "integer" => value is long or System.Numerics.BigInteger,
            "number" => value is long or double,
            "boolean" => value is bool,
            "list" => value is List<object?> l && l.All(i => i is string or long or double or bool),
            _ => false,
        };
        return ok ? value : throw new ActionException(
            $"Invalid input [name={Name}]: parameter '{p.Name}' must be {p.Type switch { "list" => "a list of scalars", "integer" => "an integer", _ => "a " + p.Type }}, not {Describe(value)}");
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"string '{s}'",
        List<object?> => "a list",
        IDictionary<string, object?> => "a dict",
        _ => $"{value.GetType().Name} {Text(value)}",
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Substitute(string element, Dictionary<string, object?> values)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < element.Length; i++)
        {
            var c = element[i];
            if ((c == '{' || c == '}') && i + 1 < element.Length && element[i + 1] == c)
            {
                sb.Append(c);
                i++;
            }
            else if (c == '{' && element.IndexOf('}', i) is var end and > 0)
            {
                var value = values[element[(i + 1)..end]];
                sb.Append(value is List<object?> list ? string.Join(",", list.Select(Text)) : Text(value));
                i = end;
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> Placeholders(string element)
    {
        for (var i = 0; i < element.Length; i++)
        {
            if ((element[i] == '{' || element[i] == '}') && i + 1 < element.Length && element[i + 1] == element[i])
            {
                i++;
            }
            else if (element[i] == '{')
            {
                var end = element.IndexOf('}', i);
                if (end < 0)
                {
                    throw new ArgumentException($"unclosed '{{' in command argument '{element}'", nameof(element));
                }

                yield return element[(i + 1)..end];
                i = end;
            }
        }
    }

    private static string Quote(string s) => s.Length > 0 && s.All(ch => char.IsLetterOrDigit(ch) || "-_./:={}@%+,".Contains(ch)) ? s : $"'{s.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}

internal sealed class CommandAction(CommandDefinition definition, IReadOnlyList<string> argv) : IAction
{
    public bool IsSync => true;

    public async ValueTask<ActionResult> RunAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = definition.WorkingDirectory ?? "",
        };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a); // one argv entry each: no shell, no word splitting, no globbing
        }

        foreach (var (k, v) in definition.Environment)
        {
            psi.Environment[k] = v;
        }

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return ActionResult.Failure($"Failed to start command '{argv[0]}' for action {definition.Name}: {e.Message}");
        }

        process.StandardInput.Close();
        var stdout = ReadAsync(process.StandardOutput, definition.MaxOutputChars);
        var stderr = ReadAsync(process.StandardError, definition.MaxOutputChars);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            throw;
        }

        var result = new OrderedDictionary<string, object?>
        {
            ["stdout"] = await stdout.ConfigureAwait(false),
            ["stderr"] = await stderr.ConfigureAwait(false),
            ["exit_code"] = (long)process.ExitCode,
        };
        return process.ExitCode != 0 && definition.FailOnNonZeroExit ? ActionResult.Failure(result) : ActionResult.Success(result);
    }

    private static async Task<string> ReadAsync(StreamReader reader, int max)
    {
        var sb = new StringBuilder();
        var buffer = new char[8192];
        var cut = false;
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var room = max - sb.Length;
            cut |= n > room;
            sb.Append(buffer, 0, Math.Max(0, Math.Min(n, room)));
        }

        return cut ? sb.Append($"\n[output cut at {max} characters]").ToString() : sb.ToString();
    }
}

using System.CommandLine;
using System.Text.Json;
using Sirocco.Expressions;
using Sirocco.Values;

namespace Sirocco.Cli.Commands;

/// <summary>
/// <c>sirocco eval</c>: evaluates Mistral expressions as a workflow would. Reads JSON lines
/// <c>{"expr": ..., "ctx": {...}}</c> on stdin and writes one line per input: <c>{"result": ...}</c> or
/// <c>{"error": "&lt;Kind&gt;: &lt;message&gt;"}</c> (the conformance files' batch format).
/// </summary>
public static class EvalCommand
{
    /// <summary>The command, ready to be added to the root command.</summary>
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate YAQL/Jinja expressions: JSON lines {\"expr\": ..., \"ctx\": {...}} on stdin, one JSON result line each on stdout.");
        command.SetAction(_ => Run(Console.In, Console.Out));
        return command;
    }

    /// <summary>Processes every input line; returns 0 (failures are reported per line).</summary>
    public static int Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            output.WriteLine(EvaluateLine(line));
            output.Flush();
        }
        return 0;
    }

    /// <summary>Evaluates one input line and returns the output line.</summary>
    public static string EvaluateLine(string line)
    {
        object? request;
        try
        {
            request = Json.Parse(line);
        }
        catch (JsonException e)
        {
            return Error("JSONDecodeError", e.Message);
        }
        if (request is not IDictionary<string, object?> map || !map.TryGetValue("expr", out var expr))
        {
            return Error("ValueError", "each line must be a JSON object with \"expr\" (and optionally \"ctx\")");
        }
        map.TryGetValue("ctx", out var ctx);
        try
        {
            var result = ExpressionEvaluator.EvaluateRecursively(expr, ctx);
            return Json.Serialize(new OrderedDictionary<string, object?> { ["result"] = result });
        }
        catch (ExpressionException e)
        {
            return Error(e.Kind, e.Message);
        }
        catch (NotSupportedException e)
        {
            return Error("NotSupportedException", e.Message);
        }
    }

    private static string Error(string kind, string message) => Json.Serialize(new OrderedDictionary<string, object?> { ["error"] = kind + ": " + message });
}

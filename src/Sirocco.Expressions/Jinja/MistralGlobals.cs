using Sirocco.Expressions.Functions;

namespace Sirocco.Expressions.Jinja;

/// <summary>
/// Mistral's expression functions in Jinja: globals bound to the data context (<c>json_dump(x)</c> is
/// <c>json_dump_(_, x)</c>) and filters whose piped value becomes the context (<c>_ | env</c>).
/// </summary>
internal static class MistralGlobals
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "json_pp", "json_dump", "json_parse", "yaml_dump", "yaml_parse", "uuid", "env",
        "task", "tasks", "execution", "executions", "global",
    };

    public static bool IsFunction(string name) => Names.Contains(name);

    public static bool TryGetBound(Interpreter ip, string name, out object? value)
    {
        if (!Names.Contains(name))
        {
            value = null;
            return false;
        }
        value = new BuiltinCallable($"functools.partial(<function {name}_>, ...)", (i, a) => Call(i, name, i.Data, a));
        return true;
    }

    public static object? Call(Interpreter ip, string name, object? context, CallArguments a)
    {
        try
        {
            return Dispatch(ip, name, context, a);
        }
        catch (FunctionException e)
        {
            throw new JinjaRuntimeError(e.CauseKind, e.Message);
        }
    }

    private static object? Arg(object?[] bound, int i) => ReferenceEquals(bound[i], CallArguments.Missing) ? null : bound[i];

    private static object? Dispatch(Interpreter ip, string name, object? context, CallArguments a)
    {
        var fn = name + "_";
        switch (name)
        {
            case "json_pp":
                {
                    var p = a.Bind(fn, ["data"], 0);
                    return MistralFunctions.JsonPp(Convert.ToStorable(context), Convert.ToStorable(Arg(p, 0)));
                }
            case "json_dump":
                {
                    var p = a.Bind(fn, ["data"], 1);
                    return Checked(ip, MistralFunctions.JsonDump(Convert.ToStorable(p[0])));
                }
            case "json_parse":
                {
                    var p = a.Bind(fn, ["data"], 1);
                    return MistralFunctions.JsonParse(p[0] is Markup m ? m.Text : p[0]);
                }
            case "yaml_dump":
                {
                    var p = a.Bind(fn, ["data"], 1);
                    return Checked(ip, MistralFunctions.YamlDump(Convert.ToStorable(p[0])));
                }
            case "yaml_parse":
                {
                    var p = a.Bind(fn, ["data"], 1);
                    return MistralFunctions.YamlParse(p[0] is Markup m ? m.Text : p[0]);
                }
            case "uuid":
                a.Bind(fn, [], 0);
                return MistralFunctions.Uuid();
            case "env":
                a.Bind(fn, [], 0);
                return MistralFunctions.Env(context, strict: true);
            case "task":
                {
                    var p = a.Bind(fn, ["task_name"], 0);
                    if (ip.Functions == null)
                    {
                        throw NoExecutionState(context, "__task_execution", "task()");
                    }
                    return ip.Functions.Task(Arg(p, 0) is { } n ? PyText.Str(n) : null);
                }
            case "tasks":
                {
                    var p = a.Bind(fn, ["workflow_execution_id", "recursive", "state", "flat"], 0);
                    if (ip.Functions == null)
                    {
                        throw new JinjaRuntimeError("NotSupported", "not supported: tasks() without execution state");
                    }
                    return ip.Functions.Tasks(
                        Arg(p, 0) is { } id ? PyText.Str(id) : null,
                        PyOps.Truthy(Arg(p, 1)),
                        Arg(p, 2) is { } st ? PyText.Str(st) : null,
                        PyOps.Truthy(Arg(p, 3)));
                }
            case "execution":
                a.Bind(fn, [], 0);
                if (ip.Functions == null)
                {
                    throw NoExecutionState(context, "__execution", "execution()");
                }
                return ip.Functions.Execution();
            case "executions":
                {
                    var p = a.Bind(fn, ["id", "root_execution_id", "state", "from_time", "to_time"], 0);
                    if (ip.Functions == null)
                    {
                        throw new JinjaRuntimeError("NotSupported", "not supported: executions() without execution state");
                    }
                    string? S(int i) => Arg(p, i) is { } v ? PyText.Str(v) : null;
                    return ip.Functions.Executions(S(0), S(1), S(2), S(3), S(4));
                }
            case "global":
                {
                    var p = a.Bind(fn, ["var_name"], 1);
                    if (ip.Functions == null)
                    {
                        throw NoExecutionState(context, "__execution", "global()");
                    }
                    return ip.Functions.Global(PyText.Str(p[0]));
                }
            default:
                throw new InvalidOperationException(name);
        }
    }

    private static string Checked(Interpreter ip, string text)
    {
        ip.Budget.CheckSize(text.Length);
        return text;
    }

    /// <summary>Without an execution, Mistral's function fails reading its key from the context (KeyError), as recorded.</summary>
    private static JinjaRuntimeError NoExecutionState(object? context, string key, string function)
    {
        if (context is IDictionary<string, object?> map)
        {
            if (!map.ContainsKey(key))
            {
                return new JinjaRuntimeError("KeyError", PyText.Repr(key));
            }
            return new JinjaRuntimeError("NotSupported", $"not supported: {function} without execution state");
        }
        return JinjaRuntimeError.Type($"{PyText.Repr(PyText.TypeName(context))} object is not subscriptable");
    }
}

using Sirocco.Engine.Definitions;
using Sirocco.Engine.Events;
using Sirocco.Values;

namespace Sirocco.Engine.Actions;

/// <summary>
/// Mistral's standard actions (<c>std.*</c>) as the engine needs to know them: their parameters (checked before an
/// action is scheduled, with Mistral's <c>Invalid input</c> message), whether they are async, and for the cheap
/// ones how to compute the result inside the step.
/// </summary>
public static class StandardActions
{
    private const string Module = "mistral.actions.std_actions.";

    private static readonly Dictionary<string, StandardAction> ByName = new(StringComparer.Ordinal)
    {
        ["std.async_noop"] = new("std.async_noop", Module + "AsyncNoOpAction", [], IsAsync: true),
        ["std.echo"] = new("std.echo", Module + "EchoAction", [Req("output"), Opt("delay", 0L)]),
        ["std.email"] = new("std.email", Module + "SendEmailAction",
            [Req("from_addr"), Req("to_addrs"), Req("smtp_server"), Opt("reply_to"), Opt("cc_addrs"), Opt("bcc_addrs"), Opt("smtp_password"), Opt("subject"), Opt("body"), Opt("html_body")]),
        ["std.fail"] = new("std.fail", Module + "FailAction", [Opt("error_data")]),
        ["std.http"] = new("std.http", Module + "HTTPAction", HttpParams()),
        ["std.javascript"] = new("std.javascript", Module + "JavaScriptAction", [Req("script"), Opt("context")]),
        ["std.js"] = new("std.js", Module + "JavaScriptAction", [Req("script"), Opt("context")]),
        ["std.mistral_http"] = new("std.mistral_http", Module + "MistralHTTPAction", HttpParams(), IsAsync: true),
        ["std.noop"] = new("std.noop", Module + "NoOpAction", []),
        ["std.sleep"] = new("std.sleep", Module + "SleepAction", [Opt("seconds", 1L)]),
        ["std.ssh"] = new("std.ssh", Module + "SSHAction", [Req("cmd"), Req("host"), Req("username"), Opt("password", ""), Opt("private_key_filename"), Opt("private_key")]),
        ["std.ssh_proxied"] = new("std.ssh_proxied", Module + "SSHProxiedAction",
            [Req("cmd"), Req("host"), Req("username"), Req("private_key_filename"), Req("gateway_host"), Opt("gateway_username"), Opt("password"), Opt("proxy_command"), Opt("private_key")]),
        ["std.test_dict"] = new("std.test_dict", Module + "TestDictAction", [Opt("size", 0L), Opt("key_prefix", ""), Opt("val", "")]),
    };

    /// <summary>Every standard action, by name.</summary>
    public static IReadOnlyCollection<StandardAction> All => ByName.Values;

    /// <summary>The standard action with this name, or null.</summary>
    public static StandardAction? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>
    /// The result of a cheap synchronous action computed in-process, or null when the action must go to an executor
    /// (anything but <c>std.noop</c>, <c>std.fail</c> and <c>std.echo</c> without a delay).
    /// </summary>
    /// <param name="name">The action name.</param>
    /// <param name="input">The checked input.</param>
    /// <param name="actionExecutionId">Used in the error text of <c>std.fail</c>, as Mistral's executor writes it.</param>
    public static ActionResult? TryRunInline(string name, IReadOnlyDictionary<string, object?> input, string actionExecutionId)
    {
        ArgumentNullException.ThrowIfNull(input);
        switch (name)
        {
            case "std.noop":
                return ActionResult.Ok(null);
            case "std.echo":
                if (input.TryGetValue("delay", out var delay) && Py.Truthy(delay))
                {
                    return null;
                }
                return ActionResult.Ok(input.GetValueOrDefault("output"));
            case "std.fail":
                var errorData = input.GetValueOrDefault("error_data");
                if (Py.Truthy(errorData))
                {
                    return ActionResult.Failed(errorData!);
                }
                return ActionResult.Failed(RaisedException("Fail action", actionExecutionId, "Fail action expected exception."));
            default:
                return null;
        }
    }

    /// <summary>Mistral's executor text for an action that raised: <c>The action raised an exception [action=..., action_ex_id=..., msg='...']</c>.</summary>
    public static string RaisedException(string actionRepr, string actionExecutionId, string message) =>
        $"The action raised an exception [action={actionRepr}, action_ex_id={actionExecutionId}, msg='{message}']";

    private static ActionParameter Req(string name) => new(name, true);

    private static ActionParameter Opt(string name, object? value = null) => new(name, false, value);

    private static ActionParameter[] HttpParams() =>
    [
        Req("url"), Opt("method", "GET"), Opt("params"), Opt("body"), Opt("json"), Opt("headers"), Opt("cookies"),
        Opt("auth"), Opt("timeout"), Opt("allow_redirects"), Opt("proxies"), Opt("verify"),
    ];
}

/// <summary>A standard action's description.</summary>
/// <param name="Name">Action name.</param>
/// <param name="ClassName">Mistral's Python class, as its error messages name it.</param>
/// <param name="Parameters">Declared parameters in order.</param>
/// <param name="IsAsync">True for actions that finish later through the API.</param>
public sealed record StandardAction(string Name, string ClassName, IReadOnlyList<ActionParameter> Parameters, bool IsAsync = false);

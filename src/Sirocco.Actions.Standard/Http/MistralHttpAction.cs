using System.ComponentModel;

namespace Sirocco.Actions.Standard.Http;

/// <summary>
/// <c>std.mistral_http</c>: <c>std.http</c> that completes later. It adds the headers a third party needs to call
/// back (<c>Mistral-Workflow-Name</c>, <c>Mistral-Workflow-Execution-Id</c>, <c>Mistral-Task-Id</c>,
/// <c>Mistral-Action-Execution-Id</c>, <c>Mistral-Callback-URL</c>); a successful response leaves the action
/// RUNNING until <c>PUT /v2/action_executions/{id}</c>, an error response fails it at once.
/// </summary>
[Description("HTTP action that completes later: the receiver calls back with the result (Mistral-Callback-URL header).")]
[CompletesLater]
public sealed class MistralHttpAction(
    string url,
    string method = "GET",
    [InputName("params")] object? queryParams = null,
    object? body = null,
    object? json = null,
    object? headers = null,
    object? cookies = null,
    object? auth = null,
    object? timeout = null,
    object? allowRedirects = null,
    object? proxies = null,
    object? verify = null)
    : HttpAction(url, method, queryParams, body, json, headers, cookies, auth, timeout, allowRedirects, proxies, verify)
{
    /// <inheritdoc />
    public override Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var execution = context.Execution;
        ExtraHeaders["Mistral-Workflow-Name"] = execution.WorkflowName ?? "";
        ExtraHeaders["Mistral-Workflow-Execution-Id"] = execution.WorkflowExecutionId ?? "";
        ExtraHeaders["Mistral-Task-Id"] = execution.TaskExecutionId ?? "";
        ExtraHeaders["Mistral-Action-Execution-Id"] = execution.ActionExecutionId ?? "";
        ExtraHeaders["Mistral-Callback-URL"] = execution.CallbackUrl ?? "";
        return base.RunAsync(context, cancellationToken);
    }
}

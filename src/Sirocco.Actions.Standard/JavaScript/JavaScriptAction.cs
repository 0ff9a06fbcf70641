using System.ComponentModel;
using Jint;
using Sirocco.Values;

namespace Sirocco.Actions.Standard.JavaScript;

/// <summary>
/// <c>std.javascript</c> / <c>std.js</c>: runs <c>script</c> as the body of a function, as Mistral does
/// (<c>function f() { script } f()</c>), so the script must <c>return</c> its result; <c>$</c> is the JSON of
/// <c>context</c>. The result comes back as JSON values (integral numbers as integers). The script runs in Jint,
/// an interpreter with no access to the host, under <see cref="JavaScriptLimits"/>; any failure raises
/// <c>JavaScriptAction failed: …</c>.
/// </summary>
/// <param name="script">The function body.</param>
/// <param name="context">The value of <c>$</c>.</param>
[Description("Evaluates given JavaScript: the script is a function body that returns the result; $ is the context.")]
public sealed class JavaScriptAction(string script, object? context = null) : ActionBase
{
    /// <summary>Time, memory and depth limits.</summary>
    public JavaScriptLimits Limits { get; set; } = new();

    /// <inheritdoc />
    public override Task<object?> RunAsync(ActionContext actionContext, CancellationToken cancellationToken) =>
        Task.Run(() => Evaluate(cancellationToken), cancellationToken);

    private object? Evaluate(CancellationToken cancellationToken)
    {
        try
        {
            using var engine = new Engine(options => options
                .TimeoutInterval(Limits.Timeout)
                .LimitMemory(Limits.MemoryBytes)
                .LimitRecursion(Limits.RecursionDepth)
                .CancellationToken(cancellationToken));
            engine.SetValue("__sirocco_context", Json.Serialize(context));
            engine.Execute("var $ = JSON.parse(__sirocco_context);");
            var result = engine.Evaluate($"function f() {{\n{script}\n}}\nf()\n");
            engine.SetValue("__sirocco_result", result);
            var text = engine.Evaluate("JSON.stringify(__sirocco_result)");
            return text.IsString() ? Json.Parse(text.AsString()) : null;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new ActionException($"JavaScriptAction failed: the script ran past its timeout of {Limits.Timeout.TotalSeconds:0.###} s", e);
        }
        catch (Jint.Runtime.MemoryLimitExceededException e)
        {
            throw new ActionException($"JavaScriptAction failed: the script went over its memory limit of {Limits.MemoryBytes} bytes", e);
        }
        catch (Jint.Runtime.RecursionDepthOverflowException e)
        {
            throw new ActionException($"JavaScriptAction failed: the script went over its recursion limit of {Limits.RecursionDepth} calls", e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ActionException($"JavaScriptAction failed: {e.Message}", e);
        }
    }
}

/// <summary>Limits for scripts run by <c>std.javascript</c> (scripts are user code).</summary>
public sealed record JavaScriptLimits
{
    /// <summary>Longest run.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most memory the script may allocate, in bytes.</summary>
    public long MemoryBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Deepest call recursion.</summary>
    public int RecursionDepth { get; init; } = 512;
}

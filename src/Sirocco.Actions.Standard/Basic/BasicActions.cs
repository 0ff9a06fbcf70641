using System.ComponentModel;
using System.Runtime.InteropServices;
using Sirocco.Values;

namespace Sirocco.Actions.Standard.Basic;

/// <summary><c>std.noop</c>: does nothing; the result is null.</summary>
[Description("No-operation action. This action does nothing. It can be mostly useful for testing and debugging purposes.")]
public class NoOpAction : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context) => null;
}

/// <summary><c>std.async_noop</c>: does nothing and stays RUNNING until completed through the API.</summary>
[Description("Asynchronous no-operation action.")]
[CompletesLater]
public sealed class AsyncNoOpAction : NoOpAction;

/// <summary><c>std.echo</c>: returns <c>output</c> unchanged, after <c>delay</c> seconds.</summary>
/// <param name="output">The value to return.</param>
/// <param name="delay">Seconds to wait first (float; unusable or negative means none).</param>
[Description("Echo action. This action just returns a configured value as a result without doing anything else.")]
public sealed class EchoAction(object? output, [Optional, DefaultParameterValue(0L)] object? delay) : ActionBase, IUsesClock
{
    /// <inheritdoc />
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <inheritdoc />
    public override async Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var wait = StandardValues.Seconds(StandardValues.ToFloat(delay));
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Clock, cancellationToken).ConfigureAwait(false);
        }

        return output;
    }
}

/// <summary>
/// <c>std.fail</c>: fails. A truthy <c>error_data</c> is the error value itself; otherwise the action raises,
/// which the executor reports as <c>The action raised an exception [..., msg='Fail action expected exception.']</c>.
/// </summary>
/// <param name="errorData">The error value.</param>
[Description("'Always fail' action. If you pass the error_data parameter, this action will be failed and return this data as error data. Otherwise, the action just throws an instance of ActionException.")]
public sealed class FailAction(object? errorData = null) : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context) =>
        Py.Truthy(errorData) ? ActionResult.Failure(errorData!) : throw new ActionException("Fail action expected exception.");
}

/// <summary><c>std.sleep</c>: waits <c>int(seconds)</c> seconds (unusable or negative: 0); cancellable.</summary>
/// <param name="seconds">How long.</param>
[Description("Sleep action. This action sleeps for given amount of seconds. It can be mostly useful for testing and debugging purposes.")]
public sealed class SleepAction([Optional, DefaultParameterValue(1L)] object? seconds) : ActionBase, IUsesClock
{
    /// <inheritdoc />
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <inheritdoc />
    public override async Task<object?> RunAsync(ActionContext context, CancellationToken cancellationToken)
    {
        var wait = StandardValues.Seconds(StandardValues.ToInt(seconds));
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Clock, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}

/// <summary><c>std.test_dict</c>: <c>{key_prefix + "0": val, ..., key_prefix + str(size - 1): val}</c>.</summary>
/// <param name="size">Number of keys.</param>
/// <param name="keyPrefix">Key prefix.</param>
/// <param name="val">The value of every key.</param>
[Description("Generates test dict.")]
public sealed class TestDictAction([Optional, DefaultParameterValue(0L)] object? size, [Optional, DefaultParameterValue("")] object? keyPrefix, [Optional, DefaultParameterValue("")] object? val) : ActionBase
{
    /// <inheritdoc />
    protected override object? Run(ActionContext context)
    {
        // Python's range(size) needs an int: anything else raises TypeError there.
        if (size is not long n)
        {
            throw new ActionException($"'{Py.TypeName(size)}' object cannot be interpreted as an integer");
        }

        var prefix = Py.Str(keyPrefix);
        var result = new OrderedDictionary<string, object?>();
        for (long i = 0; i < n; i++)
        {
            result[prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = val;
        }

        return result;
    }
}

using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sirocco.Expressions.Jinja;

/// <summary>Counts the work of one evaluation against <see cref="EvaluationLimits"/>; any overrun throws <see cref="LimitExceededError"/>.</summary>
internal sealed class Budget
{
    private readonly EvaluationLimits _limits;
    private readonly long _timeoutTicks;
    private long _deadline;
    private long _steps;
    private int _depth;

    public Budget(EvaluationLimits limits)
    {
        _limits = limits;
        var ticks = limits.Timeout.TotalSeconds * Stopwatch.Frequency;
        _timeoutTicks = ticks >= long.MaxValue / 4 ? long.MaxValue / 4 : (long)ticks;
    }

    // the clock is first read at the first check (step 1024), not at construction: most evaluations take a few
    // dozen steps and reading the clock would be a visible part of their cost
    private bool PastDeadline()
    {
        var now = Stopwatch.GetTimestamp();
        if (_deadline == 0)
        {
            _deadline = now + _timeoutTicks;
            return false;
        }
        return now > _deadline;
    }

    public long MaxSize => _limits.MaxResultSize;

    public void Step(long n = 1)
    {
        _steps += n;
        if (_steps > _limits.MaxSteps)
        {
            throw new LimitExceededError($"evaluation exceeded {_limits.MaxSteps} steps");
        }
        if ((_steps & 0x3FF) < n && _steps >= 0x400 && PastDeadline())
        {
            throw new LimitExceededError($"evaluation exceeded {_limits.Timeout.TotalSeconds} s");
        }
    }

    public void Enter()
    {
        if (++_depth > _limits.MaxDepth)
        {
            throw new LimitExceededError($"evaluation nested deeper than {_limits.MaxDepth}");
        }
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new LimitExceededError("evaluation nested too deeply for the stack");
        }
    }

    public void Leave() => _depth--;

    public void CheckSize(long size)
    {
        if (size > _limits.MaxResultSize)
        {
            throw new LimitExceededError($"result larger than {_limits.MaxResultSize} elements");
        }
        Step(1 + (size >> 12));
    }

    /// <summary>Integers are bounded too: a result of more than MaxResultSize bits is refused.</summary>
    public void CheckBits(BigInteger value) => CheckBitsEstimate(value.GetBitLength());

    public void CheckBitsEstimate(double bits)
    {
        if (bits > _limits.MaxResultSize)
        {
            throw new LimitExceededError($"integer result larger than {_limits.MaxResultSize} bits");
        }
        Step(1 + (long)(bits / 4096));
    }
}

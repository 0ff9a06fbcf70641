using System.ComponentModel;
using System.Reflection;

namespace Sirocco.Actions;

/// <summary>
/// An action implemented by a class (mistral-lib's <c>PythonActionDescriptor</c>): the signature comes from the
/// public constructor (the one with the most parameters), the description from the class's
/// <see cref="DescriptionAttribute"/>, <see cref="IsSync"/> from <see cref="CompletesLaterAttribute"/>; instances
/// are made by calling that constructor with the input.
/// </summary>
public sealed class ClassActionDescriptor : ActionDescriptor
{
    private readonly ConstructorInfo _constructor;

    /// <summary>Describes <paramref name="actionType"/> under <paramref name="name"/>.</summary>
    /// <param name="name">The action name.</param>
    /// <param name="actionType">A class implementing <see cref="IAction"/> with a public constructor.</param>
    /// <param name="namespace">The namespace ("" = default).</param>
    /// <param name="description">Overrides the class's description.</param>
    /// <param name="actionClassName">Overrides the class name shown in messages.</param>
    public ClassActionDescriptor(string name, Type actionType, string @namespace = "", string? description = null, string? actionClassName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(actionType);
        if (!typeof(IAction).IsAssignableFrom(actionType) || actionType.IsAbstract)
        {
            throw new ArgumentException($"{actionType.FullName} is not a concrete IAction", nameof(actionType));
        }

        _constructor = actionType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new ArgumentException($"{actionType.FullName} has no public constructor", nameof(actionType));
        Name = name;
        ActionType = actionType;
        Namespace = @namespace ?? "";
        Description = description ?? actionType.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
        ActionClassName = actionClassName ?? actionType.FullName;
        Signature = ActionSignature.FromConstructor(_constructor);
        IsSync = actionType.GetCustomAttribute<CompletesLaterAttribute>(inherit: true) is null;
    }

    /// <summary>Describes <typeparamref name="TAction"/> under <paramref name="name"/>.</summary>
    /// <typeparam name="TAction">The action class.</typeparam>
    /// <param name="name">The action name.</param>
    /// <param name="namespace">The namespace.</param>
    public static ClassActionDescriptor For<TAction>(string name, string @namespace = "")
        where TAction : IAction => new(name, typeof(TAction), @namespace);

    /// <summary>The implementing class.</summary>
    public Type ActionType { get; }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override string Namespace { get; }

    /// <inheritdoc />
    public override string Description { get; }

    /// <inheritdoc />
    public override string? ActionClassName { get; }

    /// <inheritdoc />
    public override ActionSignature Signature { get; }

    /// <inheritdoc />
    public override bool IsSync { get; }

    /// <inheritdoc />
    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input)
    {
        var args = BindArguments(_constructor.GetParameters(), input);
        try
        {
            return (IAction)_constructor.Invoke(args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw; // unreachable
        }
    }
}

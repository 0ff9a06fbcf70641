using System.ComponentModel;
using System.Reflection;
using System.Text;

namespace Sirocco.Actions;

/// <summary>One input parameter of an action, as derived from its code (or declared by a provider).</summary>
/// <param name="Name">The input name as workflows write it (snake_case).</param>
/// <param name="Type">string, integer, number, boolean, list, dict or any (<see cref="ActionValues.TypeName"/>).</param>
/// <param name="IsRequired">True when there is no default.</param>
/// <param name="DefaultValue">The default (a canonical value) when not required.</param>
/// <param name="Description">What it is for, if documented.</param>
public sealed record ActionParameter(string Name, string Type, bool IsRequired, object? DefaultValue = null, string? Description = null)
{
    /// <summary>A required parameter of any type.</summary>
    /// <param name="name">Its name.</param>
    public static ActionParameter Required(string name) => new(name, "any", true);

    /// <summary>An optional parameter of any type.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="defaultValue">Its default.</param>
    public static ActionParameter Optional(string name, object? defaultValue = null) => new(name, "any", false, ActionValues.Normalize(defaultValue));

    /// <summary>The parameter in Mistral's params-spec syntax: <c>url</c> or <c>method="GET"</c>.</summary>
    public string ToSpec() => IsRequired ? Name : $"{Name}={ActionValues.ToJson(DefaultValue)}";
}

/// <summary>Gives a constructor or method parameter an input name other than the snake_case form of its C# name.</summary>
/// <param name="name">The input name.</param>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class InputNameAttribute(string name) : Attribute
{
    /// <summary>The input name.</summary>
    public string Name { get; } = name;
}

/// <summary>
/// Marks a dictionary parameter that receives every input name the signature does not declare (Python's
/// <c>**kwargs</c>): the action then accepts any input, and its params spec ends with <c>**name</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class OtherInputAttribute : Attribute;

/// <summary>An action's input signature: its declared parameters and whether it accepts undeclared ones.</summary>
public sealed class ActionSignature
{
    /// <summary>Creates a signature.</summary>
    /// <param name="parameters">Declared parameters, in order.</param>
    /// <param name="otherInputName">The name of a <c>**kwargs</c>-like catch-all, or null.</param>
    public ActionSignature(IReadOnlyList<ActionParameter> parameters, string? otherInputName = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var duplicate = parameters.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"parameter '{duplicate.Key}' is declared twice", nameof(parameters));
        }

        Parameters = parameters;
        OtherInputName = otherInputName;
    }

    /// <summary>No parameters.</summary>
    public static ActionSignature Empty { get; } = new([]);

    /// <summary>Declared parameters, in order.</summary>
    public IReadOnlyList<ActionParameter> Parameters { get; }

    /// <summary>The catch-all's name (<c>**name</c>), or null when undeclared input is an error.</summary>
    public string? OtherInputName { get; }

    /// <summary>Whether undeclared names are accepted (no parameter check then, as in Mistral).</summary>
    public bool AcceptsOtherInput => OtherInputName is not null;

    /// <summary>Mistral's params spec: <c>url, method="GET", params=null</c>, with a trailing <c>**kwargs</c> if any.</summary>
    public string ToSpec()
    {
        var parts = Parameters.Select(p => p.ToSpec());
        return string.Join(", ", OtherInputName is null ? parts : parts.Append("**" + OtherInputName));
    }

    /// <summary>
    /// Compares an input with the signature: required names not given (declared order) and given names not
    /// declared (given order). Both are empty when the input fits or the signature accepts any input.
    /// </summary>
    /// <param name="input">The input names.</param>
    public (IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected) Compare(IEnumerable<string> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var given = input.ToList();
        if (AcceptsOtherInput)
        {
            return ([], []);
        }

        var missing = Parameters.Where(p => p.IsRequired && !given.Contains(p.Name, StringComparer.Ordinal)).Select(p => p.Name).ToList();
        var unexpected = given.Where(n => !Parameters.Any(p => p.Name == n)).ToList();
        return (missing, unexpected);
    }

    /// <summary>Derives the signature from a constructor's parameters (as mistral-lib reads <c>__init__</c>).</summary>
    /// <param name="constructor">The constructor.</param>
    public static ActionSignature FromConstructor(ConstructorInfo constructor)
    {
        ArgumentNullException.ThrowIfNull(constructor);
        return FromParameters(constructor.GetParameters());
    }

    /// <summary>
    /// Derives the signature from a method's parameters (a Run method or a delegate). Parameters of type
    /// <see cref="ActionContext"/> and <see cref="CancellationToken"/> are supplied by the runtime, not input.
    /// </summary>
    /// <param name="method">The method.</param>
    public static ActionSignature FromMethod(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return FromParameters(method.GetParameters());
    }

    /// <summary>Whether a parameter is supplied by the runtime rather than by input.</summary>
    /// <param name="parameter">The parameter.</param>
    public static bool IsInjected(ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.ParameterType == typeof(ActionContext) || parameter.ParameterType == typeof(CancellationToken);
    }

    /// <summary>The input name of a parameter: <see cref="InputNameAttribute"/>, else its C# name in snake_case.</summary>
    /// <param name="parameter">The parameter.</param>
    public static string InputName(ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return parameter.GetCustomAttribute<InputNameAttribute>()?.Name ?? SnakeCase(parameter.Name ?? "arg" + parameter.Position);
    }

    /// <summary>C# camelCase to snake_case: <c>keyPrefix</c> becomes <c>key_prefix</c>, <c>allowRedirects</c> <c>allow_redirects</c>.</summary>
    /// <param name="name">The name.</param>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var prevLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextLower = i > 0 && i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]);
                if (prevLower || nextLower)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static ActionSignature FromParameters(ParameterInfo[] parameters)
    {
        var list = new List<ActionParameter>();
        string? other = null;
        foreach (var p in parameters)
        {
            if (IsInjected(p))
            {
                continue;
            }

            if (p.GetCustomAttribute<OtherInputAttribute>() is not null)
            {
                other = InputName(p);
                continue;
            }

            var description = p.GetCustomAttribute<DescriptionAttribute>()?.Description;
            list.Add(p.HasDefaultValue
                ? new ActionParameter(InputName(p), ActionValues.TypeName(p.ParameterType), false, ActionValues.Normalize(p.DefaultValue), description)
                : new ActionParameter(InputName(p), ActionValues.TypeName(p.ParameterType), true, null, description));
        }

        return new ActionSignature(list, other);
    }
}

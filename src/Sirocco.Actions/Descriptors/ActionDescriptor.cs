namespace Sirocco.Actions;

/// <summary>
/// Describes one action of a provider and makes runnable instances of it (mistral-lib's <c>ActionDescriptor</c>):
/// its name and namespace, description, input signature (<see cref="ParamsSpec"/> is what <c>/v2/actions</c>
/// shows as <c>input</c>), whether it completes later, and how its input is checked.
/// </summary>
public abstract class ActionDescriptor
{
    /// <summary>The action name (<c>std.http</c>, <c>my.action</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The namespace; empty for the default namespace.</summary>
    public virtual string Namespace => "";

    /// <summary>Human description.</summary>
    public virtual string Description => "";

    /// <summary>The project that owns it, or null when available to every project.</summary>
    public virtual string? ProjectId => null;

    /// <summary>Visibility: <c>public</c> or <c>private</c>.</summary>
    public virtual string Scope => "public";

    /// <summary>Catalog id (<c>/v2/actions</c> <c>id</c>): a UUID for stored actions; the name by default, as Mistral shows code actions.</summary>
    public virtual string Id => Name;

    /// <summary>Tags shown in the catalog.</summary>
    public virtual IReadOnlyList<string> Tags => [];

    /// <summary>The text the action is defined by, if any (an ad-hoc action's YAML, a command line); empty otherwise.</summary>
    public virtual string Definition => "";

    /// <summary>When the action appeared (stored, or loaded by its provider), if known.</summary>
    public virtual DateTimeOffset? CreatedAt => null;

    /// <summary>When the action last changed, if known.</summary>
    public virtual DateTimeOffset? UpdatedAt => null;

    /// <summary>The implementing class's name, as error messages name it (<c>class=…</c>).</summary>
    public virtual string? ActionClassName => null;

    /// <summary>The input signature.</summary>
    public abstract ActionSignature Signature { get; }

    /// <summary>Mistral's params spec, e.g. <c>url, method="GET", params=null</c>.</summary>
    public string ParamsSpec => Signature.ToSpec();

    /// <summary>False for actions whose result arrives later through the API.</summary>
    public virtual bool IsSync => true;

    /// <summary>
    /// How the executor names the action in <c>The action raised an exception [action=…]</c>: by default the class
    /// name with its <c>Action</c> suffix spelled as a word (<c>FailAction</c> becomes <c>Fail action</c>), as Mistral
    /// prints its action objects.
    /// </summary>
    public virtual string DisplayName
    {
        get
        {
            var cls = ActionClassName ?? Name;
            var simple = cls[(cls.LastIndexOf('.') + 1)..];
            return simple.EndsWith("Action", StringComparison.Ordinal) && simple.Length > "Action".Length
                ? simple[..^"Action".Length] + " action"
                : simple;
        }
    }

    /// <summary>
    /// Checks an input against the signature (Mistral's <c>check_parameters</c>); throws
    /// <see cref="ActionInputException"/> with <c>Invalid input [name=…, class=…, missing=[…], unexpected=[…]]</c>.
    /// </summary>
    /// <param name="input">The input.</param>
    public virtual void CheckParameters(IReadOnlyDictionary<string, object?> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (missing, unexpected) = Signature.Compare(input.Keys);
        if (missing.Count == 0 && unexpected.Count == 0)
        {
            return;
        }

        var message = $"Invalid input [name={Name}, class={ActionClassName ?? Name}";
        if (missing.Count > 0)
        {
            message += $", missing={ActionValues.PythonListRepr(missing)}";
        }

        if (unexpected.Count > 0)
        {
            message += $", unexpected={ActionValues.PythonListRepr(unexpected)}";
        }

        throw new ActionInputException(message + "]", missing, unexpected);
    }

    /// <summary>Makes a runnable action holding this input (defaults filled in for what is not given).</summary>
    /// <param name="input">The checked input.</param>
    public abstract IAction Instantiate(IReadOnlyDictionary<string, object?> input);

    /// <summary>May transform the result before it reaches the engine (ad-hoc actions apply their <c>output</c> here).</summary>
    /// <param name="result">The action's result.</param>
    public virtual ActionResult PostProcessResult(ActionResult result) => result;

    /// <summary>Descriptor fields as <c>/v2/actions</c> shows them: name, namespace, description, input, scope.</summary>
    public override string ToString() => $"{Name} ({ParamsSpec})";

    /// <summary>Fills parameters from input: given values converted to the parameter types, defaults for the rest.</summary>
    /// <param name="parameters">The CLR parameters (injected ones get <paramref name="injected"/>).</param>
    /// <param name="input">The input.</param>
    /// <param name="injected">Supplies runtime parameters (context, cancellation), or null when none may appear.</param>
    protected static object?[] BindArguments(System.Reflection.ParameterInfo[] parameters, IReadOnlyDictionary<string, object?> input,
        Func<System.Reflection.ParameterInfo, object?>? injected = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(input);
        var args = new object?[parameters.Length];
        var used = new HashSet<string>(StringComparer.Ordinal);
        var otherIndex = -1;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (ActionSignature.IsInjected(p))
            {
                args[i] = injected is null
                    ? throw new NotSupportedException($"not supported: parameter '{p.Name}' of type {p.ParameterType.Name} in an action constructor")
                    : injected(p);
                continue;
            }

            if (p.GetCustomAttributes(typeof(OtherInputAttribute), false).Length > 0)
            {
                otherIndex = i;
                continue;
            }

            var name = ActionSignature.InputName(p);
            if (input.TryGetValue(name, out var value))
            {
                used.Add(name);
                args[i] = ActionValues.ConvertTo(value, p.ParameterType, name);
            }
            else if (p.HasDefaultValue)
            {
                args[i] = p.DefaultValue;
            }
            else
            {
                throw new ArgumentException($"missing input '{name}'", nameof(input));
            }
        }

        if (otherIndex >= 0)
        {
            var rest = new OrderedDictionary<string, object?>();
            foreach (var (k, v) in input)
            {
                if (!used.Contains(k))
                {
                    rest[k] = v;
                }
            }

            args[otherIndex] = rest;
        }

        return args;
    }
}

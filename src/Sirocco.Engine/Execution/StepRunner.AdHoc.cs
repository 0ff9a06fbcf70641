using Sirocco.Engine.Actions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Definitions;
using Sirocco.Expressions;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>
/// Ad-hoc actions (Mistral's <c>actions/adhoc.py</c>): a chain of wrappers over a base action. Declared input
/// defaults fill the call input, <c>base-input</c> is evaluated against it (then the task context, env and
/// workflow context) level by level, and the base result goes back through every <c>output</c>, innermost first.
/// </summary>
internal sealed partial class StepRunner
{
    private const string AdHocChainKey = "adhoc_action";

    private ActionDescriptor ResolveAdHocAction(ActionDefinition def)
    {
        var chain = new List<AdHocActionSpec> { SpecCache.GetActionSpec(def) };
        var visited = new HashSet<string>(StringComparer.Ordinal) { def.Name };
        while (true)
        {
            var baseName = chain[^1].Base;
            if (!visited.Add(baseName))
            {
                throw new MistralError("ValueError", $"Found a cycle in an ad-hoc action chain [action_name={def.Name}, duplicate_action_name={baseName}]");
            }
            if (StandardActions.Find(baseName) is { } std)
            {
                return AdHocDescriptor(def, chain, std.Name, std.IsAsync, baseIsStandard: true);
            }
            var baseDef = FindActionDefinition(baseName, def.Namespace)
                ?? throw new MistralError("InvalidActionException", $"Failed to find base action [action_name={baseName} namespace={def.Namespace}] ");
            if (baseDef.Definition is null)
            {
                return AdHocDescriptor(def, chain, baseDef.Name, baseDef.IsAsync, baseIsStandard: false);
            }
            chain.Add(SpecCache.GetActionSpec(baseDef));
        }
    }

    private static ActionDescriptor AdHocDescriptor(ActionDefinition def, List<AdHocActionSpec> chain, string baseName, bool isAsync, bool baseIsStandard) => new()
    {
        Name = def.Name,
        BaseName = baseName,
        ClassName = "mistral.actions.adhoc.AdHocAction",
        Parameters = chain[0].Input.Select(p => (p.Name, p.IsRequired)).ToList(),
        IsAsync = isAsync,
        AdHocChain = chain,
        BaseIsStandard = baseIsStandard,
        Definition = def,
    };

    /// <summary>Mistral's <c>AdHocActionDescriptor.instantiate</c>: the input the base action gets.</summary>
    private (string BaseName, OrderedDictionary<string, object?> Input) AdHocBaseInput(TaskRun task, ActionDescriptor desc, OrderedDictionary<string, object?> input)
    {
        var current = Dicts.Copy(input);
        try
        {
            foreach (var spec in desc.AdHocChain)
            {
                foreach (var p in spec.Input)
                {
                    if (p.HasDefault && !current.ContainsKey(p.Name))
                    {
                        current[p.Name] = p.Default;
                    }
                }
                var view = Dicts.View(current, task.Ctx, EnvDict(), Wf.Context);
                current = Evaluate(spec.BaseInput, view, task.Ex) as OrderedDictionary<string, object?> ?? [];
            }
        }
        catch (Exception e) when (IsWorkflowError(e) && e is not MistralError)
        {
            throw new MistralError("InvalidActionException",
                $"Failed to instantiate an action [action_desc=AdHoc action [name={desc.Name}, definition={desc.Definition?.Definition}], input_dict={PyText.Repr(input)}]");
        }
        return (desc.BaseName, current);
    }

    /// <summary>Mistral's <c>post_process_result</c>: each level's <c>output</c> evaluated against the previous result (a falsy result leaves the expression as text).</summary>
    private object? AdHocPostProcess(Model.ActionExecution a, object? value)
    {
        var desc = FindAction(a.Name, a.WorkflowNamespace)
            ?? throw new MistralError("InvalidActionException", $"Failed to find action [action_name={a.Name}]");
        for (var i = desc.AdHocChain.Count - 1; i >= 0; i--)
        {
            var spec = desc.AdHocChain[i];
            if (spec.HasOutput && spec.Output is not null)
            {
                value = ExpressionEvaluator.EvaluateRecursively(spec.Output, value, null, _ctx.Limits);
            }
        }
        return value;
    }
}

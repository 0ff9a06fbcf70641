using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Expressions;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Execution;

/// <summary>Starting an execution: input validation and defaults, params and env, vars, the first commands.</summary>
internal sealed partial class StepRunner
{
    private void Start(StartWorkflow e)
    {
        var def = e.Workflow;
        WorkflowSpec spec;
        try
        {
            spec = SpecCache.GetWorkflowSpec(def);
        }
        catch (LanguageException ex)
        {
            throw new EngineException("InvalidModelException", ex.Message);
        }
        catch (MistralError ex)
        {
            throw new EngineException(ex.Kind, ex.Message);
        }
        _spec = spec;

        var input = Dicts.Copy(e.Input);
        ValidateInput(spec, input);
        foreach (var p in spec.Input)
        {
            // Defaults are stored verbatim, never evaluated (§10.22).
            if (p.HasDefault && !input.ContainsKey(p.Name))
            {
                input[p.Name] = p.Default;
            }
        }

        var parameters = Dicts.Copy(e.Params);
        if (!parameters.ContainsKey("namespace"))
        {
            parameters["namespace"] = def.Namespace;
        }

        var id = e.ExecutionId ?? NewId();
        var wf = new WorkflowExecution
        {
            Id = id,
            Name = def.Name,
            WorkflowName = def.Name,
            WorkflowNamespace = def.Namespace,
            WorkflowId = def.Id,
            Description = e.Description ?? "",
            Tags = [.. def.Tags],
            State = States.Idle,
            TaskExecutionId = e.ParentTaskExecutionId,
            RootExecutionId = e.RootExecutionId,
            ParentExecutionId = e.ParentExecutionId,
            ProjectId = e.ProjectId,
            WorkbookName = def.WorkbookName,
            Definition = def.Definition,
            Input = input,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        wf.RuntimeContext["index"] = parameters.TryGetValue("index", out var index) ? index : 0L;
        if (def.WorkbookName is not null)
        {
            wf.RuntimeContext["wb_name"] = def.WorkbookName;
        }
        _state = new ExecutionState { Workflow = wf };
        _workflowChanged = true;

        var env = ResolveEnvironment(parameters);
        parameters["env"] = env;
        wf.Params = parameters;
        // Sub-workflows read the root execution's environment, which the parent hands over.
        wf.Env = e.RootEnv ?? env;

        wf.Context["__execution"] = new OrderedDictionary<string, object?> { ["id"] = wf.Id };
        if (spec.Vars is not null)
        {
            var view = Dicts.View(EnvDict(), wf.Context, wf.Input);
            object? vars;
            try
            {
                vars = ExpressionEvaluator.EvaluateRecursively(spec.Vars, view, new ExecutionFunctions(this, null), _ctx.Limits);
            }
            catch (Exception ex) when (IsWorkflowError(ex))
            {
                throw new EngineException(ErrorKind(ex), ex.Message);
            }
            wf.Context = Dicts.Merge(wf.Context, vars as IReadOnlyDictionary<string, object?>);
        }

        if (spec.Type == WorkflowType.Reverse)
        {
            // Mistral refuses the start when the target task is unknown.
            var taskName = parameters.GetValueOrDefault("task_name") as string;
            if (taskName is null || spec.TaskNamed(taskName) is null)
            {
                throw new EngineException("WorkflowException", $"Invalid task name [wf_spec={SpecRepr()}, task_name={PyText.Str(parameters.GetValueOrDefault("task_name"))}]");
            }
        }

        SetWorkflowState(States.Running, null);
        DispatchWorkflowCommands(ContinueWorkflow(null));
    }

    /// <summary>Mistral's <c>validate_input</c>: missing required names in declared order, unexpected names in given order.</summary>
    private static void ValidateInput(WorkflowSpec spec, IReadOnlyDictionary<string, object?> input)
    {
        var (missing, unexpected) = CompareParameters(spec.Input.Select(p => (p.Name, p.IsRequired)), input);
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new EngineException("InputException", InvalidInputMessage(spec.Name, SpecClassName(spec), missing, unexpected));
        }
    }

    internal static (List<object?> Missing, List<object?> Unexpected) CompareParameters(IEnumerable<(string Name, bool Required)> expected, IReadOnlyDictionary<string, object?> actual)
    {
        var missing = new List<object?>();
        var unexpected = actual.Keys.Cast<object?>().ToList();
        foreach (var (name, required) in expected)
        {
            if (required && !unexpected.Contains(name))
            {
                missing.Add(name);
            }
            unexpected.Remove(name);
        }
        return (missing, unexpected);
    }

    internal static string InvalidInputMessage(string name, string className, List<object?> missing, List<object?> unexpected)
    {
        var msg = $"Invalid input [name={name}, class={className}";
        if (missing.Count > 0)
        {
            msg += $", missing={PyText.Repr(missing)}";
        }
        if (unexpected.Count > 0)
        {
            msg += $", unexpected={PyText.Repr(unexpected)}";
        }
        return msg + "]";
    }

    private static string SpecClassName(WorkflowSpec spec) => spec.Type == WorkflowType.Reverse ? "ReverseWorkflowSpec" : "DirectWorkflowSpec";

    private string SpecRepr() => $"{SpecClassName(_spec)} {{'name': '{_spec.Name}'}}";

    /// <summary>Mistral's <c>_get_environment</c>: a dict or a stored environment's name, evaluated against itself unless <c>evaluate_env</c> is false.</summary>
    private OrderedDictionary<string, object?> ResolveEnvironment(OrderedDictionary<string, object?> parameters)
    {
        var env = parameters.GetValueOrDefault("env");
        if (!Py.Truthy(env))
        {
            return [];
        }
        OrderedDictionary<string, object?> envDict;
        if (env is OrderedDictionary<string, object?> d)
        {
            envDict = d;
        }
        else if (env is string name)
        {
            envDict = _ctx.Definitions.FindEnvironment(name)
                ?? throw new EngineException("InputException", $"Environment is not found: {name}");
        }
        else
        {
            throw new EngineException("InputException", $"Unexpected value type for environment [env={PyText.Str(env)}, type=<class '{PyText.TypeName(env)}'>]");
        }
        if (parameters.TryGetValue("evaluate_env", out var evaluate) && !Py.Truthy(evaluate))
        {
            return envDict;
        }
        try
        {
            return ExpressionEvaluator.EvaluateRecursively(envDict, Dicts.Of("__env", envDict), null, _ctx.Limits) as OrderedDictionary<string, object?> ?? envDict;
        }
        catch (Exception ex) when (IsWorkflowError(ex))
        {
            throw new EngineException(ErrorKind(ex), ex.Message);
        }
    }
}

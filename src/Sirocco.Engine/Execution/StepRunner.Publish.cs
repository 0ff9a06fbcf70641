using Sirocco.Expressions;
using Sirocco.Engine.DataFlow;
using Sirocco.Engine.Model;
using Sirocco.Language;

namespace Sirocco.Engine.Execution;

/// <summary>
/// publish / publish-on-error (Mistral's <c>data_flow.publish_variables</c>): on SUCCESS or ERROR the merged publish
/// (precedence on-complete &gt; task &gt; on-success/on-error, done by the spec model) is evaluated against the task's
/// inbound context; the branch part becomes <c>published</c>, the global part is merged into the workflow context.
/// </summary>
internal sealed partial class StepRunner
{
    private void PublishVariables(TaskExecution ex, TaskSpec spec)
    {
        if (ex.State is not (States.Success or States.Error))
        {
            return;
        }
        var publish = spec.GetPublish(ex.State == States.Success);
        if (publish is null)
        {
            return;
        }
        var view = Dicts.View(CurrentTaskDict(ex), ex.InContext, EnvDict(), Wf.Context, Wf.Input);
        ex.Published = publish.Branch is null ? null : Evaluate(publish.Branch, view, ex) as OrderedDictionary<string, object?>;
        if (publish.Global is not null && Evaluate(publish.Global, view, ex) is OrderedDictionary<string, object?> globals)
        {
            Wf.Context = Dicts.Merge(Wf.Context, globals);
            Wf.PublishedGlobal = Dicts.Merge(Wf.PublishedGlobal, globals);
            ex.PublishedGlobal = Dicts.Merge(ex.PublishedGlobal, globals);
            TouchWorkflow();
        }
        Touch(ex);
    }
}

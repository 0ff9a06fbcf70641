namespace Sirocco.Language;

/// <summary>The two kinds of workflow; <c>type</c> defaults to <see cref="Direct"/>.</summary>
public enum WorkflowType
{
    /// <summary>Tasks follow on-success / on-error / on-complete transitions.</summary>
    Direct,

    /// <summary>Tasks declare <c>requires</c>; an execution targets one task.</summary>
    Reverse,
}

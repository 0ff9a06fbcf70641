namespace Sirocco.Runtime.Executors;

/// <summary>Mistral's executor texts for failed actions.</summary>
internal static class ActionErrors
{
    /// <summary><c>The action raised an exception [action=..., action_ex_id=..., msg='...']</c>.</summary>
    public static string Raised(string action, string actionExecutionId, string message) =>
        $"The action raised an exception [action={action}, action_ex_id={actionExecutionId}, msg='{message}']";
}

namespace Sirocco.Actions.Providers.Plugins;

/// <summary>
/// An action class of a plugin version: the class's own descriptor, plus which version it comes from (its hash and
/// zip, what an executor process is told to run) and when it was loaded.
/// </summary>
internal sealed class PluginActionDescriptor(ClassActionDescriptor inner, string plugin, string sha256, byte[] archive, string definition,
    DateTimeOffset loadedAt) : ActionDescriptor
{
    public string Plugin => plugin;

    public string Sha256 => sha256;

    public byte[] Archive => archive;

    public override string Name => inner.Name;

    public override string Description => inner.Description;

    public override string? ActionClassName => inner.ActionClassName;

    public override ActionSignature Signature => inner.Signature;

    public override bool IsSync => inner.IsSync;

    public override IReadOnlyList<string> Tags => ["plugin:" + plugin];

    public override string Definition => definition;

    public override DateTimeOffset? CreatedAt => loadedAt;

    public override void CheckParameters(IReadOnlyDictionary<string, object?> input) => inner.CheckParameters(input);

    public override IAction Instantiate(IReadOnlyDictionary<string, object?> input) => inner.Instantiate(input);

    public override ActionResult PostProcessResult(ActionResult result) => inner.PostProcessResult(result);
}

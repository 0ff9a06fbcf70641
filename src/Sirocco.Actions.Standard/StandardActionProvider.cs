using Sirocco.Actions.Standard.Basic;
using Sirocco.Actions.Standard.Email;
using Sirocco.Actions.Standard.Http;
using Sirocco.Actions.Standard.JavaScript;
using Sirocco.Actions.Standard.Ssh;

namespace Sirocco.Actions.Standard;

/// <summary>
/// The <c>std</c> provider: Mistral's standard actions (<c>std.noop</c>, <c>std.echo</c>, <c>std.fail</c>,
/// <c>std.sleep</c>, <c>std.async_noop</c>, <c>std.test_dict</c>, <c>std.http</c>, <c>std.mistral_http</c>,
/// <c>std.javascript</c>/<c>std.js</c>, <c>std.email</c>, <c>std.ssh</c>), in the default namespace and so visible
/// from every namespace, with Mistral's signatures and class names (which its messages show).
/// </summary>
public sealed class StandardActionProvider : IActionProvider
{
    /// <summary>The class-name prefix Mistral's messages show for std actions.</summary>
    public const string MistralModule = "mistral.actions.std_actions.";

    private readonly ActionCatalog _catalog = new("std");
    private readonly List<string> _names = [];

    /// <summary>Creates the provider.</summary>
    /// <param name="options">Clock and limits; defaults when null.</param>
    public StandardActionProvider(StandardActionOptions? options = null)
    {
        Options = options ?? new StandardActionOptions();
        Add<NoOpAction>("std.noop", "NoOpAction");
        Add<AsyncNoOpAction>("std.async_noop", "AsyncNoOpAction");
        Add<EchoAction>("std.echo", "EchoAction");
        Add<FailAction>("std.fail", "FailAction");
        Add<SleepAction>("std.sleep", "SleepAction");
        Add<TestDictAction>("std.test_dict", "TestDictAction");
        Add<HttpAction>("std.http", "HTTPAction");
        Add<MistralHttpAction>("std.mistral_http", "MistralHTTPAction");
        Add<JavaScriptAction>("std.javascript", "JavaScriptAction");
        Add<JavaScriptAction>("std.js", "JavaScriptAction");
        Add<SendEmailAction>("std.email", "SendEmailAction");
        Add<SshAction>("std.ssh", "SSHAction");
    }

    /// <summary>The options in force.</summary>
    public StandardActionOptions Options { get; }

    /// <inheritdoc />
    public string Name => "std";

    /// <summary>Every std action name.</summary>
    public IReadOnlyList<string> ActionNames => _names;

    /// <inheritdoc />
    public ValueTask<ActionDescriptor?> FindAsync(string name, string? @namespace, CancellationToken cancellationToken) =>
        _catalog.FindAsync(name, @namespace, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ActionDescriptor>> FindAllAsync(string? @namespace, CancellationToken cancellationToken) =>
        _catalog.FindAllAsync(@namespace, cancellationToken);

    private void Add<TAction>(string name, string mistralClass)
        where TAction : IAction
    {
        _catalog.Add(new StandardActionDescriptor(new ClassActionDescriptor(name, typeof(TAction), "", null, MistralModule + mistralClass), Configure));
        _names.Add(name);
    }

    private void Configure(IAction action)
    {
        if (action is IUsesClock timed)
        {
            timed.Clock = Options.Clock;
        }

        if (action is JavaScriptAction js)
        {
            js.Limits = Options.JavaScript;
        }

        if (action is HttpAction http)
        {
            http.MaxResponseBytes = Options.HttpMaxResponseBytes;
        }
    }

    /// <summary>A std descriptor: the class descriptor, plus the provider's options handed to each instance.</summary>
    private sealed class StandardActionDescriptor(ClassActionDescriptor inner, Action<IAction> configure) : ActionDescriptor
    {
        public override string Name => inner.Name;

        public override string Description => inner.Description;

        public override string? ActionClassName => inner.ActionClassName;

        public override ActionSignature Signature => inner.Signature;

        public override bool IsSync => inner.IsSync;

        public override IAction Instantiate(IReadOnlyDictionary<string, object?> input)
        {
            var action = inner.Instantiate(input);
            configure(action);
            return action;
        }
    }
}

/// <summary>Settings of the std actions.</summary>
public sealed class StandardActionOptions
{
    /// <summary>The clock <c>std.sleep</c> and <c>std.echo</c> wait on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Limits for <c>std.javascript</c>.</summary>
    public JavaScriptLimits JavaScript { get; init; } = new();

    /// <summary>The largest response body <c>std.http</c> reads (bytes); larger responses fail the action.</summary>
    public long HttpMaxResponseBytes { get; init; } = 16 * 1024 * 1024;
}

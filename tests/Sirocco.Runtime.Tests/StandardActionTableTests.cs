using Sirocco.Actions.Standard;
using Sirocco.Engine.Actions;

namespace Sirocco.Runtime.Tests;

/// <summary>
/// The engine keeps its own table of the std actions (parameters checked inside a step, class names for Mistral's
/// messages, async or not), because the engine must not depend on the std provider (which brings Jint, MailKit and
/// SSH.NET). The provider's descriptors, derived from the action classes, are the source: this test fails when the two
/// drift apart.
/// </summary>
public sealed class StandardActionTableTests
{
    [Fact]
    public async Task The_engine_table_says_what_the_std_provider_declares()
    {
        var provider = new StandardActionProvider();
        var declared = await provider.FindAllAsync(null, TestContext.Current.CancellationToken);
        foreach (var d in declared)
        {
            var row = StandardActions.Find(d.Name);
            Assert.True(row is not null, $"{d.Name} is missing from Sirocco.Engine/Actions/StandardActions.cs");
            Assert.Equal(d.ActionClassName, row.ClassName);
            Assert.Equal(!d.IsSync, row.IsAsync);
            Assert.Equal(
                d.Signature.Parameters.Select(p => $"{p.Name} required={p.IsRequired} default={Sirocco.Values.Json.Serialize(p.DefaultValue)}"),
                row.Parameters.Select(p => $"{p.Name} required={p.Required} default={Sirocco.Values.Json.Serialize(p.Default)}"));
        }

        // the only std action the engine knows that no provider runs: the executor answers `not supported` for it
        Assert.Equal(["std.ssh_proxied"], StandardActions.All.Select(a => a.Name).Except(declared.Select(d => d.Name)));
    }
}

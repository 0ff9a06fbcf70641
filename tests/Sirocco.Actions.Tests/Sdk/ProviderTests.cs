using Sirocco.Actions;
using Sirocco.Actions.Standard;

namespace Sirocco.Actions.Tests.Sdk;

public class ProviderTests
{
    [Fact]
    public async Task Catalog_Default_Namespace_Actions_Are_Visible_Everywhere_Named_Ones_Only_There()
    {
        var catalog = new ActionCatalog("code")
            .Add("a.global", () => 1L)
            .Add(new DelegateActionDescriptor("a.local", () => 2L, "ns1"));
        Assert.NotNull(await catalog.FindAsync("a.global", "ns1", TestContext.Current.CancellationToken));
        Assert.NotNull(await catalog.FindAsync("a.local", "ns1", TestContext.Current.CancellationToken));
        Assert.Null(await catalog.FindAsync("a.local", "", TestContext.Current.CancellationToken));
        Assert.Null(await catalog.FindAsync("a.local", "ns2", TestContext.Current.CancellationToken));
        Assert.Equal(["a.global", "a.local"], (await catalog.FindAllAsync("ns1", TestContext.Current.CancellationToken)).Select(d => d.Name));
        Assert.Equal(["a.global"], (await catalog.FindAllAsync(null, TestContext.Current.CancellationToken)).Select(d => d.Name));
        Assert.True(catalog.Remove("a.global"));
        Assert.Null(await catalog.FindAsync("a.global", null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Composite_First_Provider_Wins_And_The_Catalog_Lists_Each_Name_Once()
    {
        var mine = new ActionCatalog("mine").Add("std.echo", (object? output) => "shadowed").Add("my.thing", () => 1L);
        var composite = new CompositeActionProvider("system", [mine, new StandardActionProvider()]);
        var hit = await composite.FindWithProviderAsync("std.echo", null, TestContext.Current.CancellationToken);
        Assert.Equal("mine", hit!.Value.Provider.Name);
        Assert.Equal("std", (await composite.FindWithProviderAsync("std.noop", null, TestContext.Current.CancellationToken))!.Value.Provider.Name);
        Assert.Null(await composite.FindAsync("nope", null, TestContext.Current.CancellationToken));
        var all = await composite.FindAllAsync(null, TestContext.Current.CancellationToken);
        Assert.Single(all, d => d.Name == "std.echo");
        Assert.Contains(all, d => d.Name == "my.thing");
        Assert.Contains(all, d => d.Name == "std.http");
        composite.Add(new ActionCatalog("late").Add("late.one", () => (object?)null));
        Assert.NotNull(await composite.FindAsync("late.one", null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Std_Provider_Lists_Every_Standard_Action()
    {
        var std = new StandardActionProvider();
        var names = (await std.FindAllAsync("any-namespace", TestContext.Current.CancellationToken)).Select(d => d.Name).ToList();
        Assert.Equal(["std.async_noop", "std.echo", "std.email", "std.fail", "std.http", "std.javascript", "std.js", "std.mistral_http", "std.noop", "std.sleep", "std.ssh", "std.test_dict"], names);
        Assert.False((await std.FindAsync("std.async_noop", null, TestContext.Current.CancellationToken))!.IsSync);
        Assert.False((await std.FindAsync("std.mistral_http", null, TestContext.Current.CancellationToken))!.IsSync);
        Assert.True((await std.FindAsync("std.http", null, TestContext.Current.CancellationToken))!.IsSync);
    }
}

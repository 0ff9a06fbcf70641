using Sirocco.Actions.Providers.Commands;
using Sirocco.Actions.Testing;

namespace Sirocco.Actions.Tests.Providers;

/// <summary>OS commands as actions: real processes, argv without a shell, typed parameters, captured output.</summary>
public sealed class CommandActionProviderTests
{
    private static readonly CommandActionProvider Provider = new(
    [
        new CommandDefinition
        {
            Name = "shell.printf",
            Command = ["printf", "[%s]\\n", "{words}"],
            Parameters = [new CommandParameter("words", "list")],
        },
        new CommandDefinition
        {
            Name = "shell.greet",
            Command = ["printf", "%s-%s {{literal}}", "{name}", "n={count}"],
            Parameters = [new CommandParameter("name"), new CommandParameter("count", "integer", Required: false, Default: 1L)],
        },
        new CommandDefinition
        {
            Name = "shell.ls",
            Command = ["ls", "{path}"],
            Parameters = [new CommandParameter("path")],
        },
        new CommandDefinition
        {
            Name = "shell.sleep",
            Command = ["sleep", "{seconds}"],
            Parameters = [new CommandParameter("seconds", "number")],
        },
    ]);

    private static async Task<ActionResult> RunAsync(string name, Dictionary<string, object?> input, ActionEnvironment? env = null)
    {
        using var owned = env is null ? new ActionEnvironment() : null;
        return await (env ?? owned!).RunAsync(Provider, name, input);
    }

    [Fact]
    public async Task Shell_metacharacters_reach_the_program_literally_one_argument_per_item()
    {
        var canary = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        var evil = $"x; touch {canary} && $(touch {canary}) `touch {canary}` | cat > {canary} \"q\" 'q' *";
        var result = await RunAsync("shell.printf", new() { ["words"] = new List<object?> { evil, "two words", 3L } });
        Assert.True(result.IsSuccess, result.ToString());
        var data = Assert.IsType<OrderedDictionary<string, object?>>(result.Data);
        Assert.Equal($"[{evil}]\n[two words]\n[3]\n", data["stdout"]);
        Assert.Equal("", data["stderr"]);
        Assert.Equal(0L, data["exit_code"]);
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public async Task Placeholders_are_substituted_inside_arguments_with_defaults_and_literal_braces()
    {
        var result = await RunAsync("shell.greet", new() { ["name"] = "a b" });
        Assert.Equal("a b-n=1 {literal}", ((OrderedDictionary<string, object?>)result.Data!)["stdout"]);
        Assert.Equal("name, count=1", (await Provider.FindAsync("shell.greet", null, TestContext.Current.CancellationToken))!.ParamsSpec);
    }

    [Fact]
    public async Task Wrong_type_fails_with_a_clear_message_and_starts_nothing()
    {
        var result = await RunAsync("shell.greet", new() { ["name"] = "a", ["count"] = "three" });
        Assert.True(result.IsError);
        Assert.Contains("parameter 'count' must be an integer, not string 'three'", (string)result.Error!, StringComparison.Ordinal);

        result = await RunAsync("shell.greet", new() { ["nom"] = "a" });
        Assert.Contains("Invalid input [name=shell.greet", (string)result.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_zero_exit_fails_with_output_and_exit_code()
    {
        var result = await RunAsync("shell.ls", new() { ["path"] = "/definitely/not/here" });
        Assert.True(result.IsError);
        var error = Assert.IsType<OrderedDictionary<string, object?>>(result.Error);
        Assert.NotEqual(0L, error["exit_code"]);
        Assert.Contains("No such file", (string)error["stderr"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_kills_the_process()
    {
        using var env = new ActionEnvironment();
        var run = RunAsync("shell.sleep", new() { ["seconds"] = 60L }, env);
        env.CancelAfter(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public void Bad_definitions_are_refused_at_start()
    {
        Assert.Throws<ArgumentException>(() => new CommandActionProvider(
            [new CommandDefinition { Name = "x", Command = ["echo", "{nope}"] }]));
        Assert.Throws<ArgumentException>(() => new CommandActionProvider(
            [new CommandDefinition { Name = "x", Command = ["echo"], Parameters = [new CommandParameter("p", "float")] }]));
    }
}

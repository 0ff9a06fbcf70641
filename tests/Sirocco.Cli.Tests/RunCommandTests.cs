using System.Diagnostics;
using Sirocco.Cli.Commands;
using Spectre.Console;
using Xunit;

namespace Sirocco.Cli.Tests;

/// <summary><c>sirocco run FILE.yaml</c>: a workflow run embedded, its progress, its output and its exit code.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sirocco-run-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(RunCommand.RunArguments args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        var errors = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var code = await RunCommand.RunAsync(args, console, errors, cts.Token);
        return (code, output.ToString(), errors.ToString());
    }

    private const string Chain = """
        version: '2.0'
        hello:
          input:
            - name
            - times: 2
          tasks:
            greet:
              action: std.echo output="Hello, <% $.name %>"
              publish:
                greeting: <% task().result %>
              on-success: [nap]
            nap:
              action: std.sleep seconds=0.05
              on-success: [done]
            done:
              action: std.noop
          output:
            greeting: <% $.greeting %>
            times: <% $.times %>
        """;

    [Fact]
    public async Task A_successful_run_shows_each_task_and_prints_the_output_with_exit_code_0()
    {
        var (code, output, errors) = await RunAsync(new(Write("chain.yaml", Chain), """{"name": "world"}"""));
        Assert.Equal("", errors);
        Assert.Equal(RunCommand.Success, code);
        Assert.Contains("greet SUCCESS", output, StringComparison.Ordinal);
        Assert.Contains("nap RUNNING", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("nap SUCCESS", StringComparison.Ordinal) < output.IndexOf("done SUCCESS", StringComparison.Ordinal));
        Assert.Contains("\"greeting\": \"Hello, world\"", output, StringComparison.Ordinal);
        Assert.Contains("\"times\": 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_run_prints_the_error_and_exits_1()
    {
        var path = Write("fail.yaml", """
            version: '2.0'
            broken:
              tasks:
                boom:
                  action: std.fail error_data="disk full"
              output-on-error:
                why: <% task(boom).result %>
            """);
        var (code, output, _) = await RunAsync(new(path));
        Assert.Equal(RunCommand.Failed, code);
        Assert.Contains("boom ERROR", output, StringComparison.Ordinal);
        Assert.Contains("ERROR: Failure caused by error in tasks: boom", output, StringComparison.Ordinal);
        Assert.Contains("\"why\": \"disk full\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_yaml_and_bad_input_exit_2_with_a_message_that_says_where()
    {
        var (code, _, errors) = await RunAsync(new(Write("bad.yaml", "version: '2.0'\nwf:\n  tasks: [unclosed\n")));
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Matches(@"bad\.yaml:\d+:\d+: ", errors);

        (code, _, errors) = await RunAsync(new(Write("chain.yaml", Chain), "[1, 2]"));
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("--input must be a JSON object", errors, StringComparison.Ordinal);

        (code, _, errors) = await RunAsync(new(Write("chain.yaml", Chain)));
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("missing=['name']", errors, StringComparison.Ordinal);

        (code, _, errors) = await RunAsync(new(Path.Combine(_dir, "nowhere.yaml")));
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("cannot read", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_workflows_need_a_choice_and_workbooks_run_with_subworkflows_and_ad_hoc_actions()
    {
        var path = Write("book.yaml", """
            version: '2.0'
            name: book
            actions:
              shout:
                base: std.echo
                base-input:
                  output: <% $.word %>!
                input: [word]
            workflows:
              main:
                tasks:
                  call:
                    workflow: helper
                    input:
                      n: 20
                    publish:
                      doubled: <% task().result.value %>
                      loud: <% task().result.loud %>
                output:
                  doubled: <% $.doubled %>
                  loud: <% $.loud %>
              helper:
                input: [n]
                tasks:
                  twice:
                    action: std.echo output=<% $.n * 2 %>
                    publish:
                      value: <% task().result %>
                    on-success: [loud]
                  loud:
                    action: shout word="hey"
                    publish:
                      loud: <% task().result %>
                output:
                  value: <% $.value %>
                  loud: <% $.loud %>
            """);
        var (code, _, errors) = await RunAsync(new(path));
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("choose one with --workflow", errors, StringComparison.Ordinal);

        (code, var output, errors) = await RunAsync(new(path, Workflow: "main"));
        Assert.Equal("", errors);
        Assert.Equal(RunCommand.Success, code);
        Assert.Contains("book.helper > twice SUCCESS", output, StringComparison.Ordinal);
        Assert.Contains("\"doubled\": 40", output, StringComparison.Ordinal);
        Assert.Contains("\"loud\": \"hey!\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_input_may_come_from_a_file_and_a_kept_database_can_run_again()
    {
        var input = Write("input.json", """{"name": "file"}""");
        var db = Path.Combine(_dir, "kept.db");
        var path = Write("chain.yaml", Chain);
        for (var i = 0; i < 2; i++)
        {
            var (code, output, errors) = await RunAsync(new(path, input, Database: db));
            Assert.Equal("", errors);
            Assert.Equal(RunCommand.Success, code);
            Assert.Contains("Hello, file", output, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(db));
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task The_sirocco_process_exits_non_zero_when_the_execution_ends_in_error()
    {
        var ok = Write("chain.yaml", Chain);
        var failing = Write("fail.yaml", "version: '2.0'\nwf:\n  tasks:\n    boom:\n      action: std.fail\n");
        var (code, output) = await RunProcessAsync("run", ok, "--input", """{"name": "process"}""");
        Assert.Equal(0, code);
        Assert.Contains("Hello, process", output, StringComparison.Ordinal);

        (code, output) = await RunProcessAsync("run", failing);
        Assert.Equal(1, code);
        Assert.Contains("boom ERROR", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sirocco.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.CommandLine;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Sirocco.Engine;
using Sirocco.Engine.Model;
using Sirocco.Language;
using Sirocco.Runtime;
using Sirocco.Runtime.Commands;
using Sirocco.Runtime.Notifications;
using Sirocco.Server.Endpoints;
using Sirocco.Server.Resources;
using Sirocco.Store;
using Sirocco.Store.Definitions;
using Sirocco.Values;
using Spectre.Console;

namespace Sirocco.Cli.Commands;

/// <summary>
/// <c>sirocco run FILE.yaml [--input JSON]</c>: runs one workflow embedded (store, engine and executor in this
/// process, no server), shows the tasks' progress live, prints the output, and exits 1 when the execution does not
/// end in SUCCESS (ERROR, CANCELLED, or PAUSED by the workflow itself).
/// </summary>
public static partial class RunCommand
{
    /// <summary>Exit code of a run that ended in SUCCESS.</summary>
    public const int Success = 0;

    /// <summary>Exit code of a run that ended in ERROR or CANCELLED.</summary>
    public const int Failed = 1;

    /// <summary>Exit code of bad arguments or a workflow file that does not parse.</summary>
    public const int BadInput = 2;

    /// <summary>The command line of <c>sirocco run</c>.</summary>
    public static Command Create()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "workflow file or workbook (YAML, version '2.0')" };
        var input = new Option<string?>("--input", "-i") { Description = "workflow input: a JSON object, or the path of a file holding one" };
        var workflow = new Option<string?>("--workflow", "-w") { Description = "the workflow to run when the file defines several" };
        var db = new Option<string?>("--db") { Description = "keep the run in this SQLite file (default: a temporary file, removed afterwards)" };
        var command = new Command("run", "Run a workflow embedded, without a server: live task progress, then the output");
        command.Arguments.Add(file);
        command.Options.Add(input);
        command.Options.Add(workflow);
        command.Options.Add(db);
        command.SetAction((parse, ct) => RunAsync(
            new RunArguments(parse.GetValue(file)!.FullName, parse.GetValue(input), parse.GetValue(workflow), parse.GetValue(db)),
            AnsiConsole.Console, Console.Error, ct));
        return command;
    }

    /// <summary>What <c>sirocco run</c> was asked to do.</summary>
    public sealed record RunArguments(string File, string? Input = null, string? Workflow = null, string? Database = null);

    /// <summary>Runs the workflow; progress and the outcome go to <paramref name="console"/>, problems to <paramref name="errors"/>.</summary>
    public static async Task<int> RunAsync(RunArguments args, IAnsiConsole console, TextWriter errors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(errors);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(args.File, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"error: cannot read {args.File}: {e.Message}").ConfigureAwait(false);
            return BadInput;
        }

        Workbook? book;
        List<WorkflowDefinition> definitions;
        OrderedDictionary<string, object?> input;
        try
        {
            (book, definitions) = ParseDefinitions(text);
            input = await ParseInputAsync(args.Input, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LanguageException or FormatException)
        {
            await errors.WriteLineAsync($"error: {(e is LanguageException ? args.File + ":" : "")}{e.Message}").ConfigureAwait(false);
            return BadInput;
        }

        var chosen = Choose(definitions, args.Workflow, out var problem);
        if (chosen is null)
        {
            await errors.WriteLineAsync($"error: {problem}").ConfigureAwait(false);
            return BadInput;
        }

        var temporary = args.Database is null;
        var dbPath = Path.GetFullPath(args.Database ?? Path.Combine(Path.GetTempPath(), $"sirocco-run-{Guid.NewGuid():N}.db"));
        try
        {
            return await RunStoredAsync(dbPath, book, definitions, chosen, input, console, errors, ct).ConfigureAwait(false);
        }
        finally
        {
            if (temporary)
            {
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(dbPath + suffix);
                }
            }
        }
    }

    private static async Task<int> RunStoredAsync(string dbPath, Workbook? book, List<WorkflowDefinition> definitions, WorkflowDefinition chosen,
        OrderedDictionary<string, object?> input, IAnsiConsole console, TextWriter errors, CancellationToken ct)
    {
        var store = await SiroccoStore.OpenSqliteAsync(dbPath, new StoreOptions(), ct).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            // a kept database may already hold these workflows from an earlier run: replace them
            if (book is not null)
            {
                // the workbook's ad-hoc actions are stored as <workbook>.<action>, as the API stores them
                var spec = LanguageParser.ParseWorkbook(book.Definition, DefinitionRecords.CheckExpression);
                var actions = ActionEndpoints.ToRecords(spec.Actions, spec.Name, "", "private", book.Definition);
                var saved = await store.Workbooks.FindAsync(book.Name, ct: ct).ConfigureAwait(false) is null
                    ? store.Workbooks.CreateAsync(book, definitions, actions, ct)
                    : store.Workbooks.UpdateAsync(book, definitions, actions, ct);
                await saved.ConfigureAwait(false);
            }

            foreach (var d in book is null ? definitions : [])
            {
                if (await store.WorkflowDefinitions.FindAsync(d.Name, d.Namespace, ct: ct).ConfigureAwait(false) is { } old)
                {
                    await store.WorkflowDefinitions.UpdateAsync(d with { Id = old.Id }, ct).ConfigureAwait(false);
                }
                else
                {
                    await store.WorkflowDefinitions.CreateAsync(d, ct).ConfigureAwait(false);
                }
            }

            // One execution and exit: the warm-up would only compile, beside it, what this execution compiles anyway.
            var runtime = new SiroccoRuntime(store, new RuntimeOptions { WarmUp = false });
            await using (runtime.ConfigureAwait(false))
            {
                var changes = Channel.CreateUnbounded<ExecutionChange>(new UnboundedChannelOptions { SingleReader = true });
                runtime.ExecutionChanged += change => changes.Writer.TryWrite(change);
                await runtime.StartAsync(ct).ConfigureAwait(false);
                WorkflowExecution started;
                try
                {
                    started = await runtime.StartExecutionAsync(
                        new StartExecutionRequest { WorkflowIdentifier = chosen.Name, WorkflowNamespace = chosen.Namespace, Input = input }, ct)
                        .ConfigureAwait(false);
                }
                catch (EngineException e)
                {
                    await errors.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                    return BadInput;
                }

                console.MarkupLine($"[bold]{Markup.Escape(chosen.Name)}[/] execution [grey]{started.Id}[/]");
                var progress = new TaskProgress(started.Id);
                var final = await progress.FollowAsync(changes.Reader, runtime, console, ct).ConfigureAwait(false);
                return Report(final, console);
            }
        }
    }

    private static int Report(WorkflowExecution final, IAnsiConsole console)
    {
        var colour = final.State == States.Success ? "green" : "red";
        console.MarkupLine($"[{colour}]{final.State}[/]{(final.StateInfo is { Length: > 0 } info ? ": " + Markup.Escape(info) : "")}");
        // the output as plain text, never wrapped to the console's width, so that it can be piped to jq and the like
        console.Profile.Out.Writer.WriteLine(Json.Serialize(final.Output, indented: true));
        return final.State == States.Success ? Success : Failed;
    }

    // the workflows of the file; a workbook comes back too, since its workflows are stored (and resolved) through it
    private static (Workbook? Book, List<WorkflowDefinition> Workflows) ParseDefinitions(string text)
    {
        if (WorkbookKey().IsMatch(text))
        {
            var book = LanguageParser.ParseWorkbook(text, DefinitionRecords.CheckExpression);
            return (new Workbook { Name = book.Name, Definition = text, Tags = book.Tags }, book.Workflows
                .Select(w => DefinitionRecords.ToRecord(w, book.QualifiedName(w.Name), "", "private", string.IsNullOrEmpty(w.Definition) ? text : w.Definition))
                .ToList());
        }

        var list = LanguageParser.ParseWorkflows(text, DefinitionRecords.CheckExpression);
        if (list.Workflows.Count == 0)
        {
            throw new FormatException("the file defines no workflow");
        }

        return (null, list.Workflows
            .Select(w => DefinitionRecords.ToRecord(w, w.Name, "", "private", string.IsNullOrEmpty(w.Definition) ? text : w.Definition))
            .ToList());
    }

    private static WorkflowDefinition? Choose(List<WorkflowDefinition> definitions, string? name, out string problem)
    {
        problem = "";
        var names = string.Join(", ", definitions.Select(d => d.Name));
        if (name is not null)
        {
            var found = definitions.FirstOrDefault(d => d.Name == name || d.Name.EndsWith("." + name, StringComparison.Ordinal));
            if (found is null)
            {
                problem = $"no workflow '{name}' in the file (it defines: {names})";
            }

            return found;
        }

        if (definitions.Count == 1)
        {
            return definitions[0];
        }

        problem = $"the file defines several workflows ({names}): choose one with --workflow";
        return null;
    }

    internal static async Task<OrderedDictionary<string, object?>> ParseInputAsync(string? input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return [];
        }

        var json = input.TrimStart().StartsWith('{') || !File.Exists(input) ? input : await File.ReadAllTextAsync(input, ct).ConfigureAwait(false);
        object? value;
        try
        {
            value = Json.Parse(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"--input is not valid JSON: {e.Message}", e);
        }

        return value as OrderedDictionary<string, object?> ?? throw new FormatException("--input must be a JSON object, such as {\"name\": \"value\"}");
    }

    [GeneratedRegex(@"^workflows\s*:", RegexOptions.Multiline)]
    private static partial Regex WorkbookKey();

    /// <summary>Shows each task's state as it changes: a live table on a terminal, one line per change otherwise.</summary>
    private sealed class TaskProgress(string executionId)
    {
        private readonly OrderedDictionary<string, (string Name, string State, string? Info)> _tasks = [];

        public async Task<WorkflowExecution> FollowAsync(ChannelReader<ExecutionChange> changes, SiroccoRuntime runtime, IAnsiConsole console,
            CancellationToken ct)
        {
            // PAUSED ends the run too (a `pause` command in the workflow): nobody is there to resume it
            var completion = runtime.WaitForAsync(executionId, w => States.IsCompleted(w.State) || w.State == States.Paused, ct);
            if (console.Profile.Capabilities.Interactive)
            {
                var table = new Table().AddColumns("task", "state", "info");
                await console.Live(table).StartAsync(async live =>
                {
                    while (await NextAsync(changes, completion, ct).ConfigureAwait(false) is { } change)
                    {
                        if (Apply(change).Count > 0)
                        {
                            table.Rows.Clear();
                            foreach (var (name, state, info) in _tasks.Values)
                            {
                                table.AddRow(Markup.Escape(name), Colour(state), Markup.Escape(info ?? ""));
                            }

                            live.Refresh();
                        }
                    }
                }).ConfigureAwait(false);
            }
            else
            {
                while (await NextAsync(changes, completion, ct).ConfigureAwait(false) is { } change)
                {
                    foreach (var (name, state, info) in Apply(change))
                    {
                        // one unwrapped line per change (a log, not a screen): state_info on one line
                        var detail = info is { Length: > 0 } ? " " + info.ReplaceLineEndings(" ") : "";
                        console.Profile.Out.Writer.WriteLine($"  {name} {state}{detail}");
                    }
                }
            }

            return await completion.ConfigureAwait(false);
        }

        // the next change of this execution, or null once it has completed and every queued change is shown
        private static async Task<ExecutionChange?> NextAsync(ChannelReader<ExecutionChange> changes, Task completion, CancellationToken ct)
        {
            while (true)
            {
                if (changes.TryRead(out var change))
                {
                    return change;
                }

                if (completion.IsCompleted)
                {
                    return null;
                }

                await Task.WhenAny(changes.WaitToReadAsync(ct).AsTask(), completion).ConfigureAwait(false);
            }
        }

        // tasks of this execution (or of its subworkflows) whose state changed
        private List<(string Name, string State, string? Info)> Apply(ExecutionChange change)
        {
            var shown = new List<(string, string, string?)>();
            var nested = change.Workflow.Id != executionId;
            if (change.Workflow.Id != executionId && change.Workflow.RootExecutionId != executionId)
            {
                return shown;
            }

            foreach (var task in change.ChangedTasks)
            {
                var name = nested ? $"{change.Workflow.WorkflowName} > {task.Name}" : task.Name;
                var entry = (name, task.State, task.StateInfo);
                if (!_tasks.TryGetValue(task.Id, out var old) || old.State != task.State)
                {
                    _tasks[task.Id] = entry;
                    shown.Add(entry);
                }
            }

            return shown;
        }

        private static string Colour(string state) => state switch
        {
            States.Success => $"[green]{state}[/]",
            States.Error or States.Cancelled => $"[red]{state}[/]",
            States.Running => $"[yellow]{state}[/]",
            _ => $"[grey]{state}[/]",
        };
    }
}

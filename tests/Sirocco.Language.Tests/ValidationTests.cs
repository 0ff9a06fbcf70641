using Xunit;

namespace Sirocco.Language.Tests;

/// <summary>
/// Upload-time validation as Mistral 15 does it (each case was also run through Mistral's own parser:
/// same accept / refuse decision, same wording where Mistral has one), with the position of the offending node.
/// </summary>
public class ValidationTests
{
    private const string Head = "version: '2.0'\nwf:\n";

    /// <summary>A workflow whose only task t1 has <paramref name="body"/> (its lines start at line 5, column 7).</summary>
    private static string Task(string body) =>
        Head + "  tasks:\n    t1:\n" + string.Concat(body.Split('\n').Select(l => "      " + l + "\n"));

    private static LanguageException Refused(string text, string fragment, int line, int column)
    {
        var e = Assert.Throws<LanguageException>(() => LanguageParser.ParseWorkflows(text, TestExpressions.Check));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(line, column), e.Position);
        Assert.StartsWith($"{line}:{column}: ", e.Message, StringComparison.Ordinal);
        return e;
    }

    private static WorkflowSpec Accepted(string text) => LanguageParser.ParseWorkflows(text, TestExpressions.Check).Workflows[0];

    // ---- document level ----

    [Fact]
    public void Version_is_required() =>
        Refused("wf:\n  tasks:\n    t1: {action: std.noop}\n", "Invalid DSL: 'version' is a required property", 1, 1);

    [Fact]
    public void Empty_document_needs_a_version() => Refused("", "'version' is a required property", 1, 1);

    [Theory]
    [InlineData("version: -2", "-2 is not valid under any of the given schemas")]
    [InlineData("version: true", "True is not valid under any of the given schemas")]
    [InlineData("version: ''", "is not valid under any of the given schemas")]
    public void Version_must_be_a_string_or_a_non_negative_number(string line, string fragment) =>
        Refused(line + "\nwf:\n  tasks:\n    t1: {action: std.noop}\n", fragment, 1, 10);

    [Theory]
    [InlineData("version: '3.0'")]
    [InlineData("version: 2")]
    public void Workflow_files_accept_any_version(string line) =>
        Assert.Single(LanguageParser.ParseWorkflows(line + "\nwf:\n  tasks:\n    t1: {action: std.noop}\n").Workflows);

    [Fact]
    public void At_least_one_workflow() =>
        Refused("version: '2.0'\n", "At least one item must be in the list [data={'version': '2.0'}].", 1, 1);

    [Fact]
    public void Document_must_be_a_map() => Refused("- a\n", "Invalid DSL: ['a'] is not of type 'object'", 1, 1);

    [Theory]
    [InlineData("wf:\n", "None is not of type 'object'", 2, 4)]
    [InlineData("wf: {}\n", "{} does not have enough properties", 2, 5)]
    [InlineData("wf: abc\n", "'abc' is not of type 'object'", 2, 5)]
    public void Workflow_must_be_a_non_empty_map(string body, string fragment, int line, int column) =>
        Refused("version: '2.0'\n" + body, fragment, line, column);

    // ---- workflow level ----

    [Fact]
    public void Tasks_are_required() => Refused(Head + "  input: [a]\n", "Invalid DSL: 'tasks' is a required property", 2, 1);

    [Fact]
    public void Tasks_must_not_be_empty() => Refused(Head + "  tasks: {}\n", "{} does not have enough properties", 3, 10);

    [Fact]
    public void Unknown_workflow_keys_are_accepted_as_in_Mistral() =>
        Accepted(Head + "  foo: 1\n  tasks:\n    t1: {action: std.noop}\n");

    [Fact]
    public void Workflow_type_is_direct_or_reverse() =>
        Refused(Head + "  type: sideways\n  tasks:\n    t1: {action: std.noop}\n", "'sideways' is not one of ['reverse', 'direct']", 3, 9);

    [Theory]
    [InlineData("123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("123e4567e89b12d3a456426614174000")]
    public void Workflow_name_must_not_look_like_a_UUID(string name) =>
        Refused($"version: '2.0'\n{name}:\n  tasks:\n    t1: {{action: std.noop}}\n", "Workflow name cannot be in the format of UUID.", 2, 1);

    [Fact]
    public void Names_must_not_contain_spaces() =>
        Refused("version: '2.0'\nmy wf:\n  tasks:\n    t1: {action: std.noop}\n", "Name 'my wf' must not contain spaces", 2, 1);

    [Fact]
    public void Names_may_have_dots_and_hyphens() =>
        Assert.Equal("my.wf-1", Accepted("version: '2.0'\nmy.wf-1:\n  tasks:\n    main-task: {action: std.noop}\n").Name);

    [Theory]
    [InlineData("  input: {a: 1}\n", "{'a': 1} is not of type 'array'", 3, 10)]
    [InlineData("  input: []\n", "[] is too short", 3, 10)]
    [InlineData("  input: [a, a]\n", "['a', 'a'] has non-unique elements", 3, 10)]
    [InlineData("  input: [1]\n", "1 is not valid under any of the given schemas", 3, 11)]
    [InlineData("  input: [{c: 1, d: 2}]\n", "is not valid under any of the given schemas", 3, 11)]
    [InlineData("  output: <% $ %>\n", "'<% $ %>' is not of type 'object'", 3, 11)]
    [InlineData("  output: {}\n", "{} does not have enough properties", 3, 11)]
    [InlineData("  vars: [a]\n", "['a'] is not of type 'object'", 3, 9)]
    [InlineData("  tags: a\n", "'a' is not of type 'array'", 3, 9)]
    [InlineData("  task-defaults: {}\n", "{} does not have enough properties", 3, 18)]
    [InlineData("  task-defaults:\n    input: {a: 1}\n", "Additional properties are not allowed ('input' was unexpected)", 4, 5)]
    public void Workflow_keys_have_types(string key, string fragment, int line, int column) =>
        Refused(Head + key + "  tasks:\n    t1: {action: std.noop}\n", fragment, line, column);

    [Fact]
    public void Input_defaults_are_kept_verbatim_and_null_is_a_default()
    {
        var wf = Accepted(Head + "  input: [a, {b: 1}, {c: null}, {d: <% 1 + 1 %>}]\n  tasks:\n    t1: {action: std.noop}\n");
        Assert.Equal(["a", "b", "c", "d"], wf.Input.Select(p => p.Name));
        Assert.True(wf.Input[0].IsRequired);
        Assert.True(wf.Input[2].HasDefault);
        Assert.Null(wf.Input[2].Default);
        Assert.Equal("<% 1 + 1 %>", wf.Input[3].Default);
        Assert.Equal(new SourcePosition(3, 15), wf.Input[1].Position);
    }

    // ---- task level ----

    [Fact]
    public void Unknown_task_keys_are_refused() =>
        Refused(Task("action: std.noop\nfoo: 1"), "Invalid DSL: Additional properties are not allowed ('foo' was unexpected)", 6, 7);

    [Fact]
    public void Action_and_workflow_are_exclusive() =>
        Refused(Task("action: std.noop\nworkflow: x"), "is valid under each of", 6, 7);

    [Theory]
    [InlineData("action: [1]", "[1] is not of type 'string'", 5, 15)]
    [InlineData("action: ''", "'' is too short", 5, 15)]
    [InlineData("action: '=x y'", "Invalid action/workflow task property: =x y", 5, 15)]
    [InlineData("action: std.noop\ninput: [1]", "[1] is not valid under any of the given schemas", 6, 14)]
    [InlineData("action: std.noop\npublish: {}", "{} does not have enough properties", 6, 16)]
    [InlineData("action: std.noop\npublish: [a]", "['a'] is not of type 'object'", 6, 16)]
    [InlineData("action: std.noop\ntarget: 5", "5 is not of type 'string'", 6, 15)]
    [InlineData("action: std.noop\ndescription: 5", "5 is not of type 'string'", 6, 20)]
    [InlineData("action: std.noop\ntags: [a, a]", "['a', 'a'] has non-unique elements", 6, 13)]
    [InlineData("action: std.noop\nkeep-result: 'no'", "'no' is not valid under any of the given schemas", 6, 20)]
    [InlineData("action: std.noop\nrequires: [a]", "Additional properties are not allowed ('requires' was unexpected)", 6, 7)]
    public void Task_keys_have_types(string body, string fragment, int line, int column) =>
        Refused(Task(body), fragment, line, column);

    [Theory]
    [InlineData("wait-before: -1", "-1 is not valid under any of the given schemas", 20)]
    [InlineData("wait-after: '5'", "'5' is not valid under any of the given schemas", 19)]
    [InlineData("timeout: 1.5", "1.5 is not valid under any of the given schemas", 16)]
    [InlineData("timeout: 'x <% 5 %>'", "is not valid under any of the given schemas", 16)]
    [InlineData("concurrency: true", "True is not valid under any of the given schemas", 20)]
    [InlineData("pause-before: 1", "1 is not valid under any of the given schemas", 21)]
    [InlineData("fail-on: 'abc'", "'abc' is not valid under any of the given schemas", 16)]
    [InlineData("timeout: null", "None is not valid under any of the given schemas", 16)]
    public void Policies_are_non_negative_integers_booleans_or_expressions(string policy, string fragment, int column) =>
        Refused(Task("action: std.noop\n" + policy), fragment, 6, column);

    [Theory]
    [InlineData("wait-before: <% 5 %>")]
    [InlineData("wait-before: 1.0")]
    [InlineData("fail-on: yes")]
    [InlineData("pause-before: '{{ _.p }}'")]
    [InlineData("keep-result: <% false %>")]
    [InlineData("safe-rerun: true")]
    public void Policies_accept(string policy) => Accepted(Task("action: std.noop\n" + policy));

    [Theory]
    [InlineData("retry: {count: 3}", "'delay' is a required property", 6, 14)]
    [InlineData("retry: {count: 3, delay: 1, foo: 2}", "Additional properties are not allowed ('foo' was unexpected)", 6, 35)]
    [InlineData("retry: {count: '3', delay: 1}", "'3' is not valid under any of the given schemas", 6, 22)]
    [InlineData("retry: {count: -3, delay: 1}", "-3 is not valid under any of the given schemas", 6, 22)]
    [InlineData("retry: {count: 3, delay: 1, break-on: abc}", "'abc' is not valid under any of the given schemas", 6, 45)]
    [InlineData("retry: count=3 x=1", "'delay' is a required property", 6, 14)]
    [InlineData("retry: abc", "'count' is a required property", 6, 14)]
    public void Retry_rules(string retry, string fragment, int line, int column) =>
        Refused(Task("action: std.noop\n" + retry), fragment, line, column);

    [Fact]
    public void Retry_one_line_form()
    {
        var retry = Accepted(Task("action: std.noop\nretry: count=3 delay=1 break-on=<% $.x %>")).Tasks[0].Policies.Retry!;
        Assert.Equal(3L, retry.Count);
        Assert.Equal(1L, retry.Delay);
        Assert.Equal("<% $.x %>", retry.BreakOn);
        Assert.Null(retry.ContinueOn);
    }

    [Theory]
    [InlineData("with-items: x of [1, 2]", "Wrong format of 'with-items' property", 6, 19)]
    [InlineData("with-items: x in [1, 2", "Wrong format of 'with-items' property", 6, 19)]
    [InlineData("with-items: x in [a, b]", "Invalid array in 'with-items' clause: [a, b]", 6, 19)]
    [InlineData("with-items: 5", "5 is not valid under any of the given schemas", 6, 19)]
    [InlineData("with-items: []", "[] is too short", 6, 19)]
    [InlineData("with-items:\n  - x in [1]\n  - x in [1]", "has non-unique elements", 7, 9)]
    public void With_items_rules(string withItems, string fragment, int line, int column) =>
        Refused(Task("action: std.noop\n" + withItems), fragment, line, column);

    [Fact]
    public void With_items_forms()
    {
        var task = Accepted(Task("action: std.noop\nwith-items:\n  - x in [1, 2]\n  - y in <% $.ys %>\n  - z in {{ _.zs }}")).Tasks[0];
        Assert.Equal(["x", "y", "z"], task.WithItems.Select(w => w.Variable));
        Assert.Equal(new List<object?> { 1L, 2L }, task.WithItems[0].Collection);
        Assert.Equal("<% $.ys %>", task.WithItems[1].Collection);
        Assert.Equal("{{ _.zs }}", task.WithItems[2].Collection);
        Assert.Equal(new SourcePosition(8, 11), task.WithItems[1].Position);
    }

    [Theory]
    [InlineData("join: some", "'some' is not valid under any of the given schemas")]
    [InlineData("join: -1", "-1 is not valid under any of the given schemas")]
    public void Join_is_all_one_or_a_number(string join, string fragment) =>
        Refused(Task("action: std.noop\n" + join), fragment, 6, 13);

    [Fact]
    public void Join_zero_is_not_a_join() => Assert.Null(Accepted(Task("action: std.noop\njoin: 0")).Tasks[0].Join);

    [Fact]
    public void Task_needs_at_least_one_key() =>
        Refused(Head + "  tasks:\n    t1: {}\n", "{} does not have enough properties", 4, 9);

    [Fact]
    public void Null_task_is_refused() =>
        Refused(Head + "  tasks:\n    t1:\n", "None is not of type 'object'", 4, 8);

    [Fact]
    public void Task_name_length_is_limited() =>
        Refused(Head + "  tasks:\n    " + new string('a', 256) + ": {action: std.noop}\n", "task name must not exceed 255 symbols", 4, 5);

    [Fact]
    public void Join_task_name_length_is_limited()
    {
        var name = new string('a', 209);
        Refused(Head + $"  tasks:\n    t0: {{action: std.noop, on-success: {name}}}\n    {name}: {{action: std.noop, join: all}}\n",
            "join task name must not exceed 208 symbols", 5, 5);
    }

    [Fact]
    public void Non_string_task_name_is_refused() =>
        Refused(Head + "  tasks:\n    1: {action: std.noop}\n", "is not of type 'string'", 4, 5);

    // ---- transitions and the graph ----

    [Fact]
    public void Transition_to_a_missing_task() =>
        Refused(Task("action: std.noop\non-success: t9"), "Task 't9' not found.", 6, 19);

    [Fact]
    public void Transition_with_params_to_a_missing_task() =>
        Refused(Task("action: std.noop\non-success: t9 x=1"), "Task 't9' not found.", 6, 19);

    [Fact]
    public void Transition_to_a_missing_task_from_task_defaults() =>
        Refused(Head + "  task-defaults:\n    on-error: [t9]\n  tasks:\n    t1: {action: std.noop}\n", "Task 't9' not found.", 4, 16);

    [Fact]
    public void A_task_own_clause_hides_the_default_one() =>
        Accepted(Head + "  task-defaults:\n    on-error: [t9]\n  tasks:\n    t1: {action: std.noop, on-error: noop}\n");

    [Theory]
    [InlineData("on-success: t1")]
    [InlineData("on-complete: [t1]")]
    public void Direct_workflow_needs_a_start_task(string clause) =>
        Refused(Task("action: std.noop\n" + clause), "Failed to find start tasks in direct workflow. There must be at least one task without inbound transition.[workflow_name=wf]", 2, 1);

    [Fact]
    public void Default_transitions_count_as_inbound() =>
        Refused(Head + "  task-defaults:\n    on-complete: [t1, t2]\n  tasks:\n    t1: {action: std.noop}\n    t2: {action: std.noop}\n",
            "Failed to find start tasks", 2, 1);

    [Fact]
    public void A_default_self_loop_is_removed() =>
        Assert.Null(Accepted(Head + "  task-defaults:\n    on-complete: [t1]\n  tasks:\n    t1: {action: std.noop}\n").Tasks[0].OnComplete);

    [Fact]
    public void Join_all_needs_an_inbound_task() =>
        Refused(Task("action: std.noop\njoin: all"), "No inbound tasks for task with 'join: all' [task_name=t1]", 4, 5);

    [Fact]
    public void Join_count_needs_enough_inbound_tasks() =>
        Refused(Head + "  tasks:\n    t1: {action: std.noop, on-success: t3}\n    t2: {action: std.noop, on-success: t3}\n    t3: {action: std.noop, join: 3}\n",
            "Not enough inbound tasks for task with 'join' [task_name=t3, join=3, inbound_tasks=2]", 6, 5);

    [Theory]
    [InlineData("on-success: fail(msg='x')", "is valid under each of", 6, 19)]
    [InlineData("on-success: 't 2'", "'t 2' is not valid under any of the given schemas", 6, 19)]
    [InlineData("on-success: 5", "5 is not valid under any of the given schemas", 6, 19)]
    [InlineData("on-success: []", "[] is too short", 6, 19)]
    [InlineData("on-success: [noop, noop]", "has non-unique elements", 6, 19)]
    [InlineData("on-success:\n  - fail: abc", "'abc' is not valid under any of the given schemas", 7, 17)]
    [InlineData("on-success:\n  - fail: true", "True is not valid under any of the given schemas", 7, 17)]
    [InlineData("on-success:\n  next: noop\n  foo: 1", "Additional properties are not allowed ('foo' was unexpected)", 8, 9)]
    [InlineData("on-success:\n  publish:\n    foo: {a: 1}", "Additional properties are not allowed ('foo' was unexpected)", 8, 11)]
    [InlineData("on-success:\n  publish:\n    branch: {}", "{} does not have enough properties", 8, 19)]
    public void Clause_rules(string clause, string fragment, int line, int column) =>
        Refused(Task("action: std.noop\n" + clause), fragment, line, column);

    [Fact]
    public void Empty_advanced_publish_is_refused() =>
        Refused(Task("action: std.noop\non-success:\n  publish: {}\n  next: noop"), "Either 'branch', 'global' or 'atomic' must be specified", 7, 18);

    [Fact]
    public void Engine_commands_with_params_and_guards()
    {
        var clause = Accepted(Task("action: std.noop\non-success:\n  - fail msg=\"bad <% $.x %>\"\n  - succeed: <% $.done %>\n  - fail(msg=\"a b\")\n  - pause\n  - noop")).Tasks[0].OnSuccess!;
        Assert.All(clause.Next, t => Assert.True(t.IsEngineCommand));
        Assert.Equal("bad <% $.x %>", clause.Next[0].Params["msg"]);
        Assert.Equal("<% $.done %>", clause.Next[1].Condition);
        Assert.Equal("a b", clause.Next[2].Params["msg"]);
        Assert.Equal(new SourcePosition(8, 11), clause.Next[1].Position);
    }

    [Fact]
    public void A_transition_to_a_task_named_like_a_command_is_the_command()
    {
        var wf = Accepted(Head + "  tasks:\n    t1: {action: std.noop, on-success: noop}\n    noop: {action: std.noop}\n");
        Assert.True(wf.Tasks[0].OnSuccess!.Next[0].IsEngineCommand);
    }

    [Fact]
    public void A_single_map_clause_yields_no_transition_as_in_Mistral_15()
    {
        // Mistral reads a map-shaped clause as the publish/next form: 't9: <% … %>' is neither, so nothing.
        var wf = Accepted(Task("action: std.noop\non-success: {t9: <% true %>}"));
        Assert.Empty(wf.Tasks[0].OnSuccess!.Next);
    }

    [Fact]
    public void Guards_under_next_as_a_map_are_dropped_as_in_Mistral_15()
    {
        var wf = Accepted(Head + "  tasks:\n    t1:\n      action: std.noop\n      on-success:\n        next: {t2: <% false %>}\n    t2: {action: std.noop}\n");
        var transition = Assert.Single(wf.Tasks[0].OnSuccess!.Next);
        Assert.Equal("t2", transition.Name);
        Assert.Null(transition.Condition);
    }

    // ---- reverse workflows ----

    [Fact]
    public void Reverse_requires_must_name_tasks() =>
        Refused(Head + "  type: reverse\n  tasks:\n    t1: {action: std.noop, requires: [t9]}\n", "Task 't9' not found.", 5, 5);

    [Theory]
    [InlineData("on-success: t1")]
    [InlineData("join: all")]
    public void Reverse_tasks_have_no_direct_keys(string key) =>
        Refused(Head + "  type: reverse\n  tasks:\n    t1: {action: std.noop, " + key + "}\n", "Additional properties are not allowed", 5, 28);

    [Fact]
    public void Reverse_requires_from_defaults_are_merged_without_self()
    {
        var wf = Accepted(Head + "  type: reverse\n  task-defaults:\n    requires: [t1]\n  tasks:\n    t1: {action: std.noop}\n    t2: {action: std.noop, requires: t1}\n    t3: {action: std.noop, requires: [t2]}\n");
        Assert.Empty(wf.Tasks[0].Requires);
        Assert.Equal(["t1"], wf.Tasks[1].Requires);
        Assert.Equal(["t2", "t1"], wf.Tasks[2].Requires);
    }

    // ---- expressions ----

    [Theory]
    [InlineData("publish: {a: '<% 1 %> {{ 2 }}'}", 6, 20)]
    [InlineData("input: {a: '<% 1 %> {{ 2 }}'}", 6, 18)]
    [InlineData("action: std.echo output='<% 1 %> {{ 2 }}'", 5, 15)]
    public void Mixing_YAQL_and_Jinja_in_one_string_is_refused(string body, int line, int column)
    {
        var text = body.StartsWith("action", StringComparison.Ordinal) ? Task(body) : Task("action: std.noop\n" + body);
        Refused(text, "Mixing expression types in a single line is not allowed.", line, column);
    }

    [Theory]
    [InlineData("  output: {a: '<% 1 %> {{ 2 }}'}\n", 3, 15)]
    [InlineData("  vars: {a: '<% 1 %> {{ 2 }}'}\n", 3, 13)]
    public void Mixing_is_checked_in_output_and_vars(string key, int line, int column) =>
        Refused(Head + key + "  tasks:\n    t1: {action: std.noop}\n", "Mixing expression types", line, column);

    [Theory]
    [InlineData("  output-on-error: {a: '<% 1 %> {{ 2 }}'}\n  tasks:\n    t1: {action: std.noop}\n")]
    [InlineData("  tasks:\n    t1:\n      action: std.noop\n      publish: {a: {b: '<% 1 %> {{ 2 }}'}}\n")]
    [InlineData("  tasks:\n    t1:\n      action: std.noop\n      target: '<% 1 %> {{ 2 }}'\n")]
    [InlineData("  tasks:\n    t1:\n      action: std.noop\n      on-success: fail msg='<% 1 %> {{ 2 }}'\n")]
    [InlineData("  input: [{a: '<% 1 %> {{ 2 }}'}]\n  tasks:\n    t1: {action: std.noop}\n")]
    public void Places_Mistral_does_not_check_at_upload(string body) => Accepted(Head + body);

    [Fact]
    public void The_callers_expression_check_reports_at_the_string()
    {
        var e = Refused(Task("action: std.noop\npublish:\n  ok: <% $.a %>\n  bad: <% $.__env %>"), "Lexical error", 8, 14);
        Assert.Single(e.Errors);
    }

    [Fact]
    public void Without_a_check_expressions_are_only_checked_for_mixing() =>
        LanguageParser.ParseWorkflows(Task("action: std.noop\npublish:\n  bad: <% $.__env %>"));

    [Fact]
    public void All_errors_are_listed_in_document_order()
    {
        var e = Assert.Throws<LanguageException>(() => LanguageParser.ParseWorkflows(
            Head + "  tasks:\n    t1:\n      action: std.noop\n      foo: 1\n    t2:\n      action: std.noop\n      wait-before: -1\n"));
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal(new SourcePosition(6, 7), e.Errors[0].Position);
        Assert.Equal(new SourcePosition(9, 20), e.Errors[1].Position);
        Assert.Contains("9:20: Invalid DSL: -1 is not valid", e.Message, StringComparison.Ordinal);
    }
}

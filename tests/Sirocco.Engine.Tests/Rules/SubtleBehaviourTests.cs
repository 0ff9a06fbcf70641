using Sirocco.Engine.Events;
using Sirocco.Engine.Model;
using Sirocco.Engine.Testing;
using Sirocco.Engine.Tests.Support;
using Sirocco.Language;
using Sirocco.Values;

namespace Sirocco.Engine.Tests.Rules;

/// <summary>
/// The 39 behaviours of section 10 of <c>shared/reference/mistral-language.md</c>, one test each, named after it
/// (B01 ... B39), run through the engine in memory.
/// </summary>
public class SubtleBehaviourTests
{
    [Fact]
    public void B01_expression_error_in_task_input_force_fails_task_and_workflow_without_on_error()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t1:
                  action: std.echo output=<% $.undefined %>
                  on-error: [handler]
                handler:
                  action: std.noop
            """);
        Assert.Equal(States.Error, o.Wf.State);
        Assert.StartsWith("Failed to run task [error=Can not evaluate YAQL expression [expression=$.undefined", o.Task("t1").StateInfo);
        Assert.Empty(o.Named("handler"));
        Assert.Equal(new List<object?>(), o.Result("t1"));
    }

    [Fact]
    public void B02_missing_key_raises_but_get_with_default_works()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                ok:
                  action: std.echo output=<% $.get(nokey, 'dflt') %>
                  publish: {v: <% task().result %>}
                  on-success: [bad]
                bad:
                  action: std.echo output=<% $.nokey %>
            """);
        Assert.Equal("""{"v":"dflt"}""", o.Published("ok"));
        Assert.Equal(States.Error, o.Task("bad").State);
        Assert.Contains("expression=$.nokey", o.Task("bad").StateInfo);

        // Jinja: StrictUndefined raises for _.nokey too, _.get('nokey') does not
        var jinja = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                ok:
                  action: std.echo output="{{ _.get('nokey', 'dflt') }}"
                  publish: {v: "{{ task().result }}"}
                  on-success: [bad]
                bad:
                  action: std.echo output="{{ _.nokey }}"
            """);
        Assert.Equal("""{"v":"dflt"}""", jinja.Published("ok"));
        Assert.Equal(States.Error, jinja.Task("bad").State);
        Assert.Contains("Can not evaluate Jinja expression", jinja.Task("bad").StateInfo);
    }

    [Fact]
    public void B03_on_complete_runs_after_a_failure_and_the_workflow_still_fails()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                build:
                  action: std.fail
                  on-complete: [cleanup]
                cleanup:
                  action: std.noop
            """);
        Assert.Equal(States.Success, o.Task("cleanup").State);
        Assert.Equal(States.Error, o.Wf.State);
        Assert.StartsWith("Failure caused by error in tasks: build", o.Wf.StateInfo);
    }

    [Fact]
    public void B04_on_error_and_on_complete_both_run_and_a_fail_first_stops_the_rest()
    {
        var both = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.fail
                  on-error: [a]
                  on-complete: [b]
                a:
                  action: std.noop
                b:
                  action: std.noop
            """);
        Assert.Equal(States.Success, both.Wf.State);
        Assert.Single(both.Named("a"));
        Assert.Single(both.Named("b"));
        // on-error's commands come first in the list, yet real Mistral 15 creates the on-complete target first
        // (recorded from the engine; also the task order of conformance case 008)
        Assert.Equal("t,b,a", both.TaskNames);

        var stopped = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.fail
                  on-error: [fail msg="stop"]
                  on-complete: [b]
                b:
                  action: std.noop
            """);
        Assert.Equal(States.Error, stopped.Wf.State);
        Assert.Equal("stop", stopped.Wf.StateInfo);
        Assert.Empty(stopped.Named("b"));
    }

    [Fact]
    public void B05_on_error_noop_handles_the_error()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.fail
                  on-error: [noop]
            """);
        Assert.Equal(States.Success, o.Wf.State);
        Assert.True(o.Task("t").ErrorHandled);
    }

    [Fact]
    public void B06_conditional_on_error_with_all_guards_false_does_not_handle_the_error()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.fail
                  on-error:
                    - h: <% false %>
                h:
                  action: std.noop
            """);
        Assert.Equal(States.Error, o.Wf.State);
        Assert.False(o.Task("t").ErrorHandled);
        // Mistral leaves a task with an on-error clause out of the list, whatever its guards said.
        Assert.StartsWith("Failure caused by error in tasks: \n", o.Wf.StateInfo);
    }

    [Fact]
    public void B07_join_all_fails_when_a_branch_took_its_on_error_path()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                start:
                  on-success: [a, b]
                a:
                  action: std.fail
                  on-success: [j]
                  on-error: [log]
                b:
                  on-success: [j]
                log:
                  action: std.noop
                j:
                  join: all
            """);
        Assert.Equal(States.Error, o.Task("j").State);
        Assert.Equal("Failed by tasks: ['a']", o.Task("j").StateInfo);
        Assert.Equal(States.Error, o.Wf.State);
        Assert.StartsWith("Failure caused by error in tasks: j", o.Wf.StateInfo);
    }

    [Fact]
    public void B08_a_guarded_transition_to_a_join_that_is_false_makes_the_join_fail()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                start:
                  on-success: [a, b]
                a:
                  on-success:
                    - j: <% false %>
                b:
                  on-success: [j]
                j:
                  join: all
            """);
        Assert.Equal(States.Error, o.Task("j").State);
        Assert.Equal("Failed by tasks: ['a']", o.Task("j").StateInfo);
    }

    [Fact]
    public void B09_a_join_one_runs_once_even_when_more_inbound_tasks_complete()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                start:
                  on-success: [a, b, c]
                a:
                  on-success: [j]
                b:
                  on-success: [j]
                c:
                  action: std.sleep seconds=5
                  on-success: [j]
                j:
                  join: one
            """);
        Assert.Equal(States.Success, o.Wf.State);
        Assert.Single(o.Named("j"));
        Assert.Single(o.State.Actions, a => a.TaskName == "j");
    }

    [Fact]
    public void B10_a_non_join_task_runs_once_per_trigger_with_that_trigger_context()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                start:
                  on-success: [a, b]
                a:
                  publish: {who: a}
                  on-success: [shared]
                b:
                  publish: {who: b}
                  on-success: [shared]
                shared:
                  action: std.echo output=<% $.who %>
                twice:
                  action: std.noop
                  on-success: [x]
                  on-complete: [x]
                x:
                  action: std.noop
            """);
        Assert.Equal(["a", "b"], o.Named("shared").Select(t => (string)TaskResults.Of(o.State, t)!).Order());
        Assert.Equal(2, o.Named("x").Count());
    }

    [Fact]
    public void B11_with_items_over_an_empty_list_succeeds_with_an_empty_result_and_transitions_fire()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                each:
                  with-items: x in <% [] %>
                  action: std.echo output=<% $.x %>
                  on-success: [after]
                after:
                  action: std.noop
            """);
        Assert.Equal(States.Success, o.Task("each").State);
        Assert.Equal(new List<object?>(), o.Result("each"));
        Assert.Single(o.Named("after"));
        Assert.DoesNotContain(o.State.Actions, a => a.TaskName == "each");
    }

    [Fact]
    public void B12_a_with_items_variable_named_like_a_published_value_sees_the_published_value()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                first:
                  publish: {x: published}
                  on-success: [each]
                each:
                  with-items: x in [1, 2]
                  action: std.echo output=<% $.x %>
            """);
        Assert.Equal("""["published","published"]""", Json.Serialize(o.Result("each")));
    }

    [Fact]
    public void B13_retry_runs_count_plus_one_times_and_continue_on_false_stops_even_errors()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                flaky:
                  action: std.fail
                  retry: {count: 2, delay: 1}
                gated:
                  action: std.fail
                  retry:
                    count: 5
                    delay: 0
                    continue-on: <% false %>
                fine:
                  action: std.noop
                  retry:
                    count: 3
                    delay: 0
                    break-on: <% true %>
            """);
        Assert.Equal(3, o.State.Actions.Count(a => a.TaskName == "flaky"));
        Assert.Single(o.State.Actions, a => a.TaskName == "gated");
        Assert.Single(o.State.Actions, a => a.TaskName == "fine");
    }

    [Fact]
    public void B14_fail_on_keeps_publish_skips_publish_on_error_and_runs_on_error()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo output=7
                  publish: {seen: <% task().result %>}
                  publish-on-error: {err: yes}
                  fail-on: <% task().result > 5 %>
                  on-error: [handle]
                handle:
                  action: std.echo output=<% $.seen %>
            """);
        Assert.Equal(States.Error, o.Task("t").State);
        Assert.Equal("Failed by 'fail-on' policy", o.Task("t").StateInfo);
        Assert.Equal("""{"seen":7}""", o.Published("t"));
        Assert.Equal(7L, o.Result("handle"));
        Assert.Equal(States.Success, o.Wf.State);
    }

    [Fact]
    public void B15_publish_on_error_values_reach_on_error_targets_guards_and_output_on_error()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              output-on-error:
                why: <% $.reason %>
              tasks:
                t:
                  action: std.fail error_data="boom"
                  publish-on-error: {reason: <% task().result %>}
                  on-error:
                    - see: <% $.reason = 'boom' %>
                see:
                  action: std.echo output=<% $.reason %>
                  on-success: [fail]
            """);
        Assert.Equal("boom", o.Result("see"));
        Assert.Equal(States.Error, o.Wf.State);
        Assert.Equal("boom", o.Wf.Output["why"]);
    }

    [Fact]
    public void B16_a_failed_workflow_without_output_on_error_outputs_the_final_context_and_result()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.fail error_data="x"
                  publish-on-error: {p: 1}
            """);
        Assert.Equal(1L, o.Wf.Output["p"]);
        Assert.StartsWith("Failure caused by error in tasks: t", (string)o.Wf.Output["result"]!);
    }

    [Fact]
    public void B17_output_referencing_a_value_never_published_fails_the_workflow()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              output: {v: <% $.never %>}
              tasks:
                t:
                  action: std.noop
            """);
        Assert.Equal(States.Error, o.Wf.State);
        Assert.StartsWith("Failed to check and complete [wf_ex_id=", o.Wf.StateInfo);
        Assert.Equal(["result"], o.Wf.Output.Keys);
        Assert.Equal(o.Wf.StateInfo, o.Wf.Output["result"]);
    }

    [Fact]
    public void B18_implicit_output_is_what_end_tasks_published_and_command_only_tasks_are_end_tasks()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              input:
                - i: 1
              vars: {v: 2}
              tasks:
                a:
                  publish: {pa: 1}
                  on-success: [b]
                b:
                  publish: {pb: 2}
                  on-success: [succeed]
            """);
        Assert.Equal("""{"pa":1,"pb":2}""", o.OutputJson);
    }

    [Fact]
    public void B19_publish_precedence_is_on_complete_then_task_then_on_success()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  publish: {k: task, a: task}
                  on-success:
                    publish:
                      branch: {k: success, b: success}
                  on-complete:
                    publish:
                      branch: {k: complete}
            """);
        Assert.Equal("complete", o.Task("t").Published!["k"]);
        Assert.Equal("task", o.Task("t").Published!["a"]);
        Assert.Equal("success", o.Task("t").Published!["b"]);
    }

    [Fact]
    public void B20_an_on_clause_publish_with_only_global_drops_the_task_level_publish()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  publish: {lost: 1}
                  on-success:
                    publish:
                      global: {g: 1}
            """);
        Assert.Null(o.Task("t").Published);
        Assert.Equal(1L, o.Wf.Context["g"]);
    }

    [Fact]
    public void B21_a_var_shadows_an_input_of_the_same_name()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              input: [a]
              vars: {a: 99}
              tasks:
                t:
                  action: std.echo output=<% $.a %>
            """, inputJson: """{"a": 5}""");
        Assert.Equal(99L, o.Result("t"));
    }

    [Fact]
    public void B22_input_defaults_with_expressions_stay_literal_text()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              input:
                - d: <% 1 + 1 %>
              tasks:
                t:
                  action: std.noop
            """);
        Assert.Equal("<% 1 + 1 %>", o.Wf.Input["d"]);
    }

    [Fact]
    public void B23_a_transition_to_a_command_name_runs_the_command_not_the_task()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  on-success: [noop]
                noop:
                  action: std.fail
            """);
        // The transition runs the noop command; the task named noop (which would fail) never runs.
        Assert.Empty(o.Named("noop"));
        Assert.Equal(States.Success, o.Wf.State);
    }

    [Fact]
    public void B24_succeed_in_the_middle_of_a_list_completes_the_workflow_and_later_targets_never_start()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  on-success: [t2, succeed, t3]
                t2:
                  action: std.noop
                t3:
                  action: std.noop
            """);
        Assert.Equal(States.Success, o.Wf.State);
        // §10 says t2 is "left RUNNING": that is its state when the workflow completes; real Mistral 15 then
        // still completes its running action (recorded: t2 SUCCESS once the tasks settle), and so does Sirocco
        Assert.Equal(States.Success, Assert.Single(o.Named("t2")).State);
        Assert.Empty(o.Named("t3"));
    }

    [Fact]
    public void B25_commands_after_pause_wait_in_the_backlog_and_run_on_resume()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  on-success: [t2, pause, t3]
                t2:
                  action: std.noop
                t3:
                  action: std.noop
            """);
        Assert.Equal(States.Paused, o.Wf.State);
        Assert.Empty(o.Named("t3"));
        Assert.Single(o.Wf.CommandBacklog);

        o.Env.Send(o.Wf.Id, new ResumeWorkflow());
        Assert.Equal(States.Success, o.Wf.State);
        Assert.Single(o.Named("t3"));
    }

    [Fact]
    public void B26_text_around_an_expression_renders_values_python_style_and_a_block_scalar_keeps_its_newline()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo
                  input:
                    output: "v=<% null %> <% true %> <% {a => 1} %>"
                  publish:
                    text: <% task().result %>
                    block: |
                      <% 1 + 1 %>
                    native: <% 1 + 1 %>
            """);
        Assert.Equal("v=None True {'a': 1}", o.Task("t").Published!["text"]);
        Assert.Equal("2\n", o.Task("t").Published!["block"]);
        Assert.Equal("2", Json.Serialize(o.Task("t").Published!["native"]));
    }

    [Fact]
    public void B27_a_jinja_string_with_only_statement_blocks_fails()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo output="{% if true %}x{% endif %}"
            """);
        Assert.Equal(States.Error, o.Task("t").State);
        Assert.StartsWith("Failed to run task", o.Task("t").StateInfo);
    }

    [Fact]
    public void B28_a_multi_line_expression_is_kept_verbatim()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo
                  input:
                    output: "<% 1 +\n 1 %>"
            """);
        Assert.Equal("<% 1 +\n 1 %>", o.Result("t"));
    }

    [Fact]
    public void B29_inline_params_truncate_floats_and_drop_what_they_cannot_parse()
    {
        var truncated = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo output=1.5
            """);
        Assert.Equal("1", Json.Serialize(truncated.Result("t")));
        var dropped = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                u:
                  action: std.echo output=word
            """);
        Assert.Equal(States.Error, dropped.Task("u").State);
        Assert.Contains("missing=['output']", dropped.Task("u").StateInfo);
    }

    [Fact]
    public void B30_fail_with_parentheses_and_no_space_is_rejected_at_upload()
    {
        var env = new WorkflowEnvironment();
        Assert.Throws<LanguageException>(() => env.Definitions.AddWorkflows("""
            version: '2.0'
            wf:
              tasks:
                t:
                  on-success: ['fail(msg="x")']
            """));
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  on-success: ['fail msg="x"']
            """);
        Assert.Equal("x", o.Wf.StateInfo);
    }

    [Fact]
    public void B31_an_ad_hoc_action_with_a_falsy_base_result_returns_its_output_expression_literally()
    {
        var env = new WorkflowEnvironment();
        env.Definitions.AddWorkbook("""
            version: '2.0'
            name: wb
            actions:
              plus_one:
                base: std.echo
                base-input: {output: 0}
                output: <% $ + 1 %>
            workflows:
              wf:
                tasks:
                  t:
                    action: plus_one
            """);
        var state = env.Run("wb.wf");
        Assert.Equal("<% $ + 1 %>", TaskResults.Of(state, state.Tasks[0]));
    }

    [Fact]
    public void B32_task_defaults_pause_before_cannot_be_switched_off_by_the_task()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              task-defaults:
                pause-before: true
              tasks:
                t:
                  pause-before: false
                  action: std.noop
            """);
        Assert.Equal(States.Paused, o.Wf.State);
        Assert.Equal(States.Idle, o.Task("t").State);
        Assert.Equal("Set by 'pause-before' policy", o.Task("t").StateInfo);
    }

    [Fact]
    public void B33_keep_result_false_publishes_the_result_but_forgets_it_afterwards()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo output=42
                  keep-result: false
                  publish: {p: <% task().result %>}
                  on-success: [later]
                later:
                  action: std.echo output=<% task(t).result %>
            """);
        Assert.Equal(42L, o.Task("t").Published!["p"]);
        Assert.Null(o.Result("later"));
    }

    [Fact]
    public void B34_task_function_on_a_looped_task_returns_the_last_execution()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                init:
                  publish: {i: 0}
                  on-success: [loop]
                loop:
                  action: std.echo output=<% $.i + 1 %>
                  publish: {i: <% task().result %>}
                  on-success:
                    - loop: <% $.i < 3 %>
                    - read: <% $.i >= 3 %>
                read:
                  action: std.echo output=<% task(loop).result %>
            """);
        Assert.Equal(3, o.Named("loop").Count());
        Assert.Equal(3L, o.Result("read"));
    }

    [Fact]
    public void B35_timeout_counts_from_the_first_start_and_errors_normally()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.sleep seconds=8
                  wait-before: 2
                  timeout: 3
                  on-error: [handled]
                handled:
                  action: std.noop
            """);
        Assert.Equal("Task timed out [timeout(s)=3].", o.Task("t").StateInfo);
        // the action is not cancelled at the timeout: it runs to its end (Mistral accepts its late result on the
        // action execution, the task stays in ERROR)
        Assert.Equal(States.Success, Assert.Single(o.State.Actions, a => a.TaskName == "t").State);
        Assert.Equal(States.Error, o.Task("t").State);
        Assert.Single(o.Named("handled"));
        Assert.Equal(States.Success, o.Wf.State);
    }

    [Fact]
    public void B36_sub_workflow_input_keys_it_does_not_declare_become_params()
    {
        var o = Run.Workflow("""
            version: '2.0'
            sub:
              input: [a]
              tasks:
                s:
                  action: std.noop
            wf:
              tasks:
                t:
                  workflow: sub
                  input: {a: 1, extra: 2}
            """);
        var child = o.Env.ChildrenOf(o.Wf.Id).Single();
        Assert.Equal("""{"a":1}""", Json.Serialize(child.Workflow.Input));
        Assert.Equal(2L, child.Workflow.Params["extra"]);
        Assert.Equal(States.Success, o.Wf.State);
    }

    [Fact]
    public void B37_dunder_env_is_a_syntax_error_but_the_other_spellings_work()
    {
        var env = new WorkflowEnvironment();
        Assert.Throws<LanguageException>(() => env.Definitions.AddWorkflows("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo output=<% $.__env %>
            """, checkExpression: CheckYaql));
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo
                  input:
                    output: [<% $__env.k %>, <% env().k %>, "{{ _.__env.k }}"]
            """, paramsJson: """{"env": {"k": "v"}}""");
        Assert.Equal("""["v","v","v"]""", Json.Serialize(o.Result("t")));
    }

    [Fact]
    public void B38_dict_keys_are_stored_as_a_list()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                t:
                  action: std.echo output=<% dict(a => 1).keys() %>
            """);
        Assert.Equal("""["a"]""", Json.Serialize(o.Result("t")));

        var items = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                raw:
                  action: std.echo output=<% dict(a => 1).items() %>
                listed:
                  action: std.echo output=<% dict(a => 1).items().toList() %>
            """);
        Assert.Equal(States.Error, items.Task("raw").State);
        Assert.Equal("""[["a",1]]""", Json.Serialize(items.Result("listed")));
    }

    [Fact]
    public void B39_a_join_merges_parallel_branches_that_publish_the_same_key()
    {
        var o = Run.Workflow("""
            version: '2.0'
            wf:
              tasks:
                start:
                  on-success: [a, b]
                a:
                  publish: {k: a}
                  on-success: [j]
                b:
                  publish: {k: b}
                  on-success: [j]
                j:
                  join: all
                  action: std.echo output=<% $.k %>
            """);
        Assert.Equal(States.Success, o.Wf.State);
        Assert.Contains(o.Result("j"), new object?[] { "a", "b" });
    }

    private static string? CheckYaql(string text)
    {
        try
        {
            Sirocco.Expressions.ExpressionEvaluator.ValidateSyntax(text);
            return null;
        }
        catch (Sirocco.Expressions.ExpressionException e)
        {
            return e.Message;
        }
    }
}

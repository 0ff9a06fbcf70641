using Sirocco.Values;
using Xunit;

namespace Sirocco.Language.Tests;

/// <summary>Workbooks and ad-hoc action files, checked against Mistral 15's decisions.</summary>
public class WorkbookAndActionTests
{
    private const string Workbook = """
        version: '2.0'
        name: my_wb
        description: A workbook
        tags: [a, b]
        workflows:
          wf1:
            type: direct
            tasks:
              t1:
                action: greet name=<% $.n %>
          # a comment
          wf2:
            tasks:
              t1:
                workflow: wf1
        actions:
          greet:
            base: std.echo output="Hello <% $.name %>"
            base-input:
              output: overwritten
              extra: 1
            input:
              - name
              - greeting: hi
            output: <% $ %>
        """;

    [Fact]
    public void Workbook_members_are_read()
    {
        var wb = LanguageParser.ParseWorkbook(Workbook);
        Assert.Equal("my_wb", wb.Name);
        Assert.Equal("A workbook", wb.Description);
        Assert.Equal(["a", "b"], wb.Tags);
        Assert.Equal(["wf1", "wf2"], wb.Workflows.Select(w => w.Name));
        Assert.Equal("my_wb.wf1", wb.QualifiedName("wf1"));
        var action = Assert.Single(wb.Actions);
        Assert.Equal("std.echo", action.Base);
        Assert.Equal("""{"output":"Hello <% $.name %>","extra":1}""", Json.Serialize(action.BaseInput));
        Assert.Equal(["name", "greeting"], action.Input.Select(p => p.Name));
        Assert.Equal("<% $ %>", action.Output);
        Assert.True(action.HasOutput);
    }

    [Fact]
    public void Workbook_member_definitions_are_cut_as_Mistral_cuts_them()
    {
        var wb = LanguageParser.ParseWorkbook(Workbook);
        Assert.Equal("wf1:\n  type: direct\n  tasks:\n    t1:\n      action: greet name=<% $.n %>\n# a comment\n", wb.Workflows[0].Definition);
        Assert.Equal("wf2:\n  tasks:\n    t1:\n      workflow: wf1\n", wb.Workflows[1].Definition);
        Assert.StartsWith("greet:\n  base: std.echo", wb.Actions[0].Definition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("version: '2.0'\nworkflows:\n  wf:\n    tasks:\n      t1: {action: std.noop}\n", "'name' is a required property", 1, 1)]
    [InlineData("name: wb\nworkflows:\n  wf:\n    tasks:\n      t1: {action: std.noop}\n", "'version' is a required property", 1, 1)]
    [InlineData("version: '3.0'\nname: wb\n", "Unsupported DSL version: 3.0", 1, 10)]
    [InlineData("version: '2.0'\nname: wb\nfoo: 1\n", "Additional properties are not allowed ('foo' was unexpected)", 3, 1)]
    [InlineData("version: '2.0'\nname: wb\nworkflows:\n  my.wf:\n    tasks:\n      t1: {action: std.noop}\n", "('my.wf' was unexpected)", 4, 3)]
    [InlineData("version: '2.0'\nname: wb\nworkflows:\n  version: '3.0'\n  wf:\n    tasks:\n      t1: {action: std.noop}\n", "'3.0' is not one of ['2.0', 2.0]", 4, 12)]
    [InlineData("version: '2.0'\nname: wb\nworkflows:\n  wf:\n", "None is not valid under any of the given schemas", 4, 6)]
    [InlineData("version: '2.0'\nname: wb\nworkflows: {}\n", "{} does not have enough properties", 3, 12)]
    [InlineData("version: '2.0'\nname: my wb\n", "Name 'my wb' must not contain spaces", 2, 7)]
    [InlineData("version: '2.0'\nname: wb\nactions:\n  a1:\n    input: [a]\n", "'base' is a required property", 4, 3)]
    [InlineData("version: '2.0'\nname: wb\nworkflows:\n  wf:\n    tasks:\n      t1: {action: std.noop, on-success: t9}\n", "Task 't9' not found.", 6, 42)]
    public void Workbook_rules(string text, string fragment, int line, int column)
    {
        var e = Assert.Throws<LanguageException>(() => LanguageParser.ParseWorkbook(text));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(line, column), e.Position);
    }

    [Theory]
    [InlineData("version: 2\nname: wb\n")]
    [InlineData("version: '2.0'\nname: wb\nworkflows:\n  version: '2.0'\n  wf:\n    tasks:\n      t1: {action: std.noop}\n")]
    [InlineData("version: '2.0'\nname: wb\n")]
    public void Workbook_accepts(string text) => LanguageParser.ParseWorkbook(text);

    [Fact]
    public void Action_file_is_read()
    {
        const string text = "version: '2.0'\na1:\n  base: std.echo output=<% $.x %>\n  input: [x]\n  output: <% $ %>\na2:\n  base: a1 x=1\n";
        var actions = LanguageParser.ParseActions(text);
        Assert.Equal(["a1", "a2"], actions.Actions.Select(a => a.Name));
        Assert.Equal("<% $.x %>", actions.Actions[0].BaseInput["output"]);
        Assert.Equal(1L, actions.Actions[1].BaseInput["x"]);
        Assert.False(actions.Actions[1].HasOutput);
        Assert.Equal(text, actions.Actions[1].Definition);
    }

    [Theory]
    [InlineData("version: '2.0'\na1:\n  input: [x]\n", "'base' is a required property", 2, 1)]
    [InlineData("version: '2.0'\na1:\n  base: std.noop\n  foo: 1\n", "Additional properties are not allowed ('foo' was unexpected)", 4, 3)]
    [InlineData("a1:\n  base: std.noop\n", "'version' is a required property", 1, 1)]
    [InlineData("version: '2.0'\n", "At least one item must be in the list", 1, 1)]
    [InlineData("version: '2.0'\na1:\n", "None is not of type 'object'", 2, 4)]
    [InlineData("version: '2.0'\na1:\n  base: std.noop\n  base-input: {}\n", "{} does not have enough properties", 4, 15)]
    [InlineData("version: '2.0'\na1:\n  base: std.noop\n  output: '<% 1 %> {{ 2 }}'\n", "Mixing expression types", 4, 11)]
    [InlineData("version: '2.0'\ntrue:\n  base: std.noop\n", "is not of type 'string'", 2, 1)]
    public void Action_rules(string text, string fragment, int line, int column)
    {
        var e = Assert.Throws<LanguageException>(() => LanguageParser.ParseActions(text));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(line, column), e.Position);
    }

    [Fact]
    public void Each_workflow_of_a_file_gets_its_own_definition()
    {
        const string text = "---\nversion: '2.0'\n\nwf1:\n  tasks:\n    t1: {action: std.noop}\n\nwf2:\n  tasks:\n    t1: {action: std.echo output=1}\n";
        var list = LanguageParser.ParseWorkflows(text);
        Assert.Equal("version: '2.0'\nwf1:\n  tasks:\n    t1: {action: std.noop}\n", list.Workflows[0].Definition);
        Assert.Equal("version: '2.0'\nwf2:\n  tasks:\n    t1: {action: std.echo output=1}\n", list.Workflows[1].Definition);
        Assert.Equal(LanguageParser.ParseWorkflows(list.Workflows[1].Definition).Workflows[0].Tasks[0].Input, list.Workflows[1].Tasks[0].Input);
    }

    [Fact]
    public void A_single_workflow_keeps_the_whole_text()
    {
        const string text = "# header\nversion: '2.0'\nwf:\n  tasks:\n    t1: {action: std.noop}\n";
        Assert.Equal(text, LanguageParser.ParseWorkflows(text).Workflows[0].Definition);
    }
}

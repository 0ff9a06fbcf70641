using System.Numerics;
using Xunit;

namespace Sirocco.Language.Tests;

/// <summary>Scalars are typed as PyYAML's safe loader (YAML 1.1) types them, which is what Mistral sees.</summary>
public class YamlScalarTests
{
    private static object? ValueOf(string yaml)
    {
        var spec = LanguageParser.ParseWorkflows($"version: '2.0'\nwf:\n  vars:\n    v: {yaml}\n  tasks:\n    t1:\n      action: std.noop\n");
        return spec.Workflows[0].Vars!["v"];
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("ON", true)]
    [InlineData("off", false)]
    [InlineData("True", true)]
    [InlineData("FALSE", false)]
    public void YAML_1_1_booleans(string yaml, bool expected) => Assert.Equal(expected, ValueOf(yaml));

    [Theory]
    [InlineData("17", 17L)]
    [InlineData("+1", 1L)]
    [InlineData("-5", -5L)]
    [InlineData("0x1F", 31L)]
    [InlineData("017", 15L)]
    [InlineData("0b101", 5L)]
    [InlineData("1_000", 1000L)]
    [InlineData("1:30", 90L)]
    [InlineData("00", 0L)]
    public void Integers(string yaml, long expected) => Assert.Equal(expected, ValueOf(yaml));

    [Fact]
    public void Big_integers_stay_exact() =>
        Assert.Equal(BigInteger.Parse("12345678901234567890123", System.Globalization.CultureInfo.InvariantCulture), ValueOf("12345678901234567890123"));

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("1.", 1.0)]
    [InlineData(".5", 0.5)]
    [InlineData("1.0e+5", 100000.0)]
    [InlineData("1:30.5", 90.5)]
    [InlineData(".inf", double.PositiveInfinity)]
    [InlineData("-.INF", double.NegativeInfinity)]
    public void Floats(string yaml, double expected) => Assert.Equal(expected, ValueOf(yaml));

    [Fact]
    public void NaN_is_a_float() => Assert.True(double.IsNaN((double)ValueOf(".NaN")!));

    [Theory]
    [InlineData("0o17")] // not YAML 1.1: PyYAML keeps it as text
    [InlineData("1e5")] // the exponent needs a dot and a sign in YAML 1.1
    [InlineData("-.5")]
    [InlineData("08")]
    [InlineData("'5'")]
    [InlineData("\"true\"")]
    [InlineData("!!str 5")]
    [InlineData("2001-12-14")] // a date for PyYAML; JSON has none, kept as text
    public void Text(string yaml) => Assert.IsType<string>(ValueOf(yaml));

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("")]
    public void Nulls(string yaml) => Assert.Null(ValueOf(yaml));

    [Theory]
    [InlineData("!!int \"5\"", 5L)]
    [InlineData("!!float 1", 1.0)]
    [InlineData("!!bool yes", true)]
    public void Explicit_tags(string yaml, object expected) => Assert.Equal(expected, ValueOf(yaml));

    [Theory]
    [InlineData("&x 1", "&x 1")]
    [InlineData("*x", "*x")]
    public void Anchors_and_aliases_are_plain_text_as_in_Mistral(string yaml, string expected) => Assert.Equal(expected, ValueOf(yaml));

    [Fact]
    public void Repeated_keys_keep_the_first_place_and_the_last_value()
    {
        var spec = LanguageParser.ParseWorkflows("version: '2.0'\nwf:\n  vars: {a: 1, b: 2, a: 3}\n  tasks:\n    t1: {action: std.noop}\n");
        Assert.Equal(["a", "b"], spec.Workflows[0].Vars!.Keys);
        Assert.Equal(3L, spec.Workflows[0].Vars!["a"]);
    }

    [Fact]
    public void Merge_keys_with_an_inline_map()
    {
        var spec = LanguageParser.ParseWorkflows("version: '2.0'\nwf:\n  vars:\n    <<: {a: 1, b: 2}\n    b: 3\n  tasks:\n    t1: {action: std.noop}\n");
        Assert.Equal(1L, spec.Workflows[0].Vars!["a"]);
        Assert.Equal(3L, spec.Workflows[0].Vars!["b"]);
    }

    [Fact]
    public void Block_scalar_keeps_its_trailing_newline()
    {
        var spec = LanguageParser.ParseWorkflows("version: '2.0'\nwf:\n  vars:\n    v: |\n      <% 1 %>\n  tasks:\n    t1: {action: std.noop}\n");
        Assert.Equal("<% 1 %>\n", spec.Workflows[0].Vars!["v"]);
    }

    [Theory]
    [InlineData("version: '2.0'\nwf:\n  tasks:\n    t1: {action: std.noop\n", 5)]
    [InlineData("version: '2.0'\nwf:\n  tasks:\n   t1: 1\n  x: [\n", 6)]
    public void Syntax_errors_carry_line_and_column(string text, int line)
    {
        var e = Assert.Throws<LanguageException>(() => LanguageParser.ParseWorkflows(text));
        Assert.Equal(line, e.Position.Line);
        Assert.StartsWith($"{line}:", e.Message, StringComparison.Ordinal);
        Assert.Contains("Definition could not be parsed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_tag_is_an_error()
    {
        var e = Assert.Throws<LanguageException>(() => ValueOf("!foo 5"));
        Assert.Contains("could not determine a constructor for the tag '!foo'", e.Message, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(4, 8), e.Position);
    }

    [Fact]
    public void A_second_document_is_an_error()
    {
        var e = Assert.Throws<LanguageException>(() => LanguageParser.ParseWorkflows("version: '2.0'\n---\nwf: {}\n"));
        Assert.Contains("expected a single document", e.Message, StringComparison.Ordinal);
    }
}

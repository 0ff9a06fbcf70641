using Sirocco.Cli.Commands;
using Xunit;

namespace Sirocco.Cli.Tests;

public class EvalCommandTests
{
    [Fact]
    public void Each_Input_Line_Gives_One_Result_Or_Error_Line()
    {
        var input = new StringReader("""
            {"expr": "<% $.a + 1 %>", "ctx": {"a": 1}}
            {"expr": {"k": "x <% $.l %>"}, "ctx": {"l": [1, 2]}}
            {"expr": "<% $.missing %>", "ctx": {"a": 1}}

            not json
            """);
        var output = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(input, output));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Equal("""{"result":2}""", lines[0]);
        Assert.Equal("""{"result":{"k":"x [1, 2]"}}""", lines[1]);
        Assert.StartsWith("""{"error":"YaqlEvaluationException: Can not evaluate YAQL expression [expression=$.missing, error='missing'""", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("""{"error":"JSONDecodeError: """, lines[3], StringComparison.Ordinal);
    }
}

using System.Text.Json;
using Xunit;

namespace Sirocco.Language.Tests;

/// <summary>
/// Every workflow case of the shared conformance corpus: its definition parses, or (for cases real Mistral
/// refused) fails with a message containing the recorded fragment.
/// </summary>
public class ConformanceWorkflowTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(SharedFolder.Conformance, "workflows"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Definition_is_accepted_or_refused_as_by_Mistral(string caseName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedFolder.Conformance, "workflows", caseName + ".json")));
        var root = doc.RootElement;
        var definition = root.GetProperty("definition").GetString()!;
        var kind = root.TryGetProperty("kind", out var k) ? k.GetString() : "workflow";
        var expect = root.GetProperty("expect");

        Action parse = kind == "workbook"
            ? () => LanguageParser.ParseWorkbook(definition, TestExpressions.Check)
            : () => LanguageParser.ParseWorkflows(definition, TestExpressions.Check);

        if (expect.TryGetProperty("upload_error_contains", out var fragment))
        {
            var error = Assert.Throws<LanguageException>(parse);
            Assert.Contains(fragment.GetString()!, error.Message, StringComparison.Ordinal);
            Assert.Matches(@"^\d+:\d+: ", error.Message);
        }
        else
        {
            parse();
        }
    }
}

using BenchmarkDotNet.Attributes;
using Sirocco.Expressions;
using Sirocco.Values;

namespace Sirocco.Bench.Expressions;

/// <summary>
/// Warm evaluation of the public conformance corpus (the same cases and the same call as
/// ../shared/tools/bench_mistral_expressions.py: every non-error case, cases that mutate their context skipped),
/// plus a few representative single expressions. One corpus pass is one operation; evaluations per second =
/// cases per pass / time per pass.
/// </summary>
[MemoryDiagnoser]
public class ExpressionBenchmarks
{
    private List<(object? Expr, object? Ctx)> _yaql = [];
    private List<(object? Expr, object? Ctx)> _jinja = [];
    private object? _ctx;

    [GlobalSetup]
    public void Setup()
    {
        _yaql = Corpus.Load("yaql");
        _jinja = Corpus.Load("jinja");
        _ctx = Json.Parse("""{"users": [{"name": "ann", "age": 31}, {"name": "bob", "age": 25}, {"name": "cid", "age": 40}], "a": 1, "s": "Hello"}""");
        // warm: compile caches filled, JIT done
        YaqlCorpusPass();
        JinjaCorpusPass();
    }

    [Benchmark(Description = "YAQL corpus pass")]
    public int YaqlCorpusPass() => Corpus.Pass(_yaql);

    [Benchmark(Description = "Jinja corpus pass")]
    public int JinjaCorpusPass() => Corpus.Pass(_jinja);

    [Benchmark(Description = "YAQL <% $.users.where($.age > 30).name %>")]
    public object? YaqlQuery() => ExpressionEvaluator.EvaluateRecursively("<% $.users.where($.age > 30).name %>", _ctx);

    [Benchmark(Description = "YAQL interpolation")]
    public object? YaqlInterpolation() => ExpressionEvaluator.EvaluateRecursively("<% $.s %> has <% $.users.len() %> users", _ctx);

    [Benchmark(Description = "Jinja {{ _.users | map(attribute='name') | join(',') }}")]
    public object? JinjaFilter() => ExpressionEvaluator.EvaluateRecursively("{{ _.users | map(attribute='name') | join(',') }}", _ctx);
}

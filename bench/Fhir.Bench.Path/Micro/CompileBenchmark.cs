using BenchmarkDotNet.Attributes;
using Fhir.Path;

namespace Fhir.Bench.Path.Micro;

/// <summary>Compile time per expression: parse, type check and closure building (uncached), against the cache lookup.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class CompileBenchmark
{
    private string _expression = "";

    public static IEnumerable<string> Scenarios => MicroExpressions.ForCompile.Keys;

    [ParamsSource(nameof(Scenarios))]
    public string Scenario { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _expression = MicroExpressions.ForCompile[Scenario];

    [Benchmark(Baseline = true)]
    public CompiledExpression Uncached() => UncachedCompiler.Compile(_expression);

    [Benchmark]
    public CompiledExpression Cached() => FhirPathCompiler.Compile(_expression);
}

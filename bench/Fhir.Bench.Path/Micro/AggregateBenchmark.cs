using BenchmarkDotNet.Attributes;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Bench.Path.Micro;

/// <summary><c>aggregate($this + $total, 0)</c> over the values of 10..1000 Observations in a Bundle.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class AggregateBenchmark
{
    private CompiledExpression _expression = null!;
    private ElementNode _bundle = null!;

    [Params(10, 100, 1000)]
    public int Observations { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bundle = MicroData.ObservationBundle(Observations);
        _expression = FhirPathCompiler.Compile(MicroExpressions.Aggregate);
    }

    [Benchmark]
    public int Evaluate() => _expression.Evaluate(_bundle).Count;
}

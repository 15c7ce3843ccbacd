using BenchmarkDotNet.Attributes;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Bench.Path.Micro;

/// <summary><c>where()</c> with two equality criteria over 4..400 telecoms (a quarter of them match).</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class WhereBenchmark
{
    private CompiledExpression _expression = null!;
    private ElementNode _patient = null!;

    [Params(4, 40, 400)]
    public int Telecoms { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _patient = MicroData.Patient(1, Telecoms);
        _expression = FhirPathCompiler.Compile(MicroExpressions.Where);
    }

    [Benchmark]
    public int Evaluate() => _expression.Evaluate(_patient).Count;
}

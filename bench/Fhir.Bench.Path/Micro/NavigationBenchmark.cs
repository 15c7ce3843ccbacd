using BenchmarkDotNet.Attributes;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Bench.Path.Micro;

/// <summary><c>Patient.name.given</c> on a Patient with 1..100 names of two given names each.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class NavigationBenchmark
{
    private CompiledExpression _expression = null!;
    private ElementNode _patient = null!;

    [Params(1, 10, 100)]
    public int Names { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _patient = MicroData.Patient(Names, 2);
        _expression = FhirPathCompiler.Compile(MicroExpressions.Navigation);
    }

    [Benchmark]
    public int Evaluate() => _expression.Evaluate(_patient).Count;
}

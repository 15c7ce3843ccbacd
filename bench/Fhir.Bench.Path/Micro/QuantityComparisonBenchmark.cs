using BenchmarkDotNet.Attributes;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Bench.Path.Micro;

/// <summary><c>valueQuantity</c> (185 [lb_av]) against a literal in the same unit or in one that needs UCUM conversion.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class QuantityComparisonBenchmark
{
    private CompiledExpression _expression = null!;
    private ElementNode _observation = null!;

    public static IEnumerable<string> Units => MicroExpressions.Quantities.Keys;

    [ParamsSource(nameof(Units))]
    public string Unit { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _observation = MicroData.Observation();
        _expression = FhirPathCompiler.Compile(MicroExpressions.Quantities[Unit]);
        if (_expression.EvaluateBoolean(_observation) is not true)
        {
            throw new InvalidOperationException($"{_expression} should be true on the generated Observation");
        }
    }

    [Benchmark]
    public int Evaluate() => _expression.Evaluate(_observation).Count;
}

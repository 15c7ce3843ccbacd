using BenchmarkDotNet.Attributes;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Bench.Path.Micro;

/// <summary>A dateTime element against a literal of the same precision, a coarser one, and a date plus a calendar duration.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class DateComparisonBenchmark
{
    private CompiledExpression _expression = null!;
    private ElementNode _observation = null!;

    public static IEnumerable<string> Variants => MicroExpressions.Dates.Keys;

    [ParamsSource(nameof(Variants))]
    public string Variant { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _observation = MicroData.Observation();
        _expression = FhirPathCompiler.Compile(MicroExpressions.Dates[Variant]);
        if (_expression.EvaluateBoolean(_observation) is not true)
        {
            throw new InvalidOperationException($"{_expression} should be true on the generated Observation");
        }
    }

    [Benchmark]
    public int Evaluate() => _expression.Evaluate(_observation).Count;
}

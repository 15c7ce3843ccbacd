namespace Fhir.Bench.Path;

internal static class Program
{
    private static int Main(string[] args)
    {
        switch (args)
        {
            case ["compare", .. var rest]:
                return CompareCommand.Run(rest);
            case ["micro", .. var rest]:
                return MicroCommand.Run(rest);
            default:
                Console.Error.WriteLine("""
                    usage:
                      dotnet run -c Release --project bench/Fhir.Bench.Path -- compare [--seconds N] [--warmup N] [--workload suite|search|all]
                          this engine vs fhirpath.js (needs node and: cd bench/Fhir.Bench.Path && npm install)
                      dotnet run -c Release --project bench/Fhir.Bench.Path -- micro [BenchmarkDotNet options, e.g. --filter *Where*]
                          compile time, evaluation time and allocations of representative expressions
                    """);
                return 64;
        }
    }
}

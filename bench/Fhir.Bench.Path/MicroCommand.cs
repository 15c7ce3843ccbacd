using BenchmarkDotNet.Running;

namespace Fhir.Bench.Path;

/// <summary><c>micro [BenchmarkDotNet options]</c>: runs the classes in <c>Micro/</c> (all of them unless a filter is given).</summary>
internal static class MicroCommand
{
    public static int Run(string[] args)
    {
        // Without arguments BenchmarkSwitcher would ask on the console which benchmark to run.
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroCommand).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
        var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fhir.Bench.Path;

/// <summary>What fhirpath-js-bench.js reports (camelCase JSON on its standard output).</summary>
internal sealed record JsResult(
    string Engine,
    string Version,
    string Node,
    int Pairs,
    int[] Kept,
    int[] Counts,
    JsFailure[] Failures,
    long Evaluations,
    double Seconds,
    double EvaluationsPerSecond,
    int CompiledExpressions,
    double CompileMicroseconds);

internal sealed record JsFailure(int Index, string Error);

/// <summary>Runs fhirpath.js (HL7's JavaScript engine) through node on a work file.</summary>
internal static class FhirpathJs
{
    public const string InstallHint = "cd bench/Fhir.Bench.Path && npm install";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string BenchDirectory =>
        System.IO.Path.Combine(SuiteFiles.Repository ?? throw new InvalidOperationException("Fhir.sln not found above the binaries or the working directory: run from the repository."),
            "bench", "Fhir.Bench.Path");

    /// <summary>Null when node and the fhirpath package are there; else what is missing and the command that fixes it.</summary>
    public static string? Problem()
    {
        string version;
        try
        {
            version = ChildProcess.RunToEnd("node", ["--version"], out var exit).Trim();
            if (exit != 0)
            {
                return "'node --version' failed: install Node.js 18 or newer.";
            }
        }
        catch (Win32Exception)
        {
            return "node was not found on PATH: install Node.js 18 or newer, then run: " + InstallHint;
        }
        if (!File.Exists(System.IO.Path.Combine(BenchDirectory, "node_modules", "fhirpath", "package.json")))
        {
            return $"fhirpath.js is not installed (node {version} found). Run: {InstallHint}";
        }
        return null;
    }

    /// <summary>Writes the pairs to a temporary file and runs <c>node fhirpath-js-bench.js &lt;file&gt; &lt;seconds&gt;</c>.</summary>
    public static JsResult Run(Workload workload, IReadOnlyList<WorkItem> items, double seconds, double warmupSeconds, double compileWarmupSeconds, double compileSeconds)
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fhirpath-bench-{workload.Name}-{Environment.ProcessId}.json");
        var work = new JsonObject
        {
            ["workload"] = workload.Name,
            ["warmupSeconds"] = warmupSeconds,
            ["compileWarmupSeconds"] = compileWarmupSeconds,
            ["compileSeconds"] = compileSeconds,
            ["inputs"] = new JsonArray([.. workload.InputJson.Select(j => j.DeepClone())]),
            ["pairs"] = new JsonArray([.. items.Select(i => new JsonObject { ["expression"] = i.Expression, ["input"] = i.Input })]),
        };
        File.WriteAllText(file, work.ToJsonString());
        try
        {
            var script = System.IO.Path.Combine(BenchDirectory, "fhirpath-js-bench.js");
            var output = ChildProcess.RunToEnd("node", [script, file, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)], out var exit, passStandardError: true);
            if (exit != 0)
            {
                throw new InvalidOperationException($"node fhirpath-js-bench.js exited with {exit}" + (exit == 2 ? $"; run: {InstallHint}" : ""));
            }
            return JsonSerializer.Deserialize<JsResult>(output, Json) ?? throw new InvalidDataException("fhirpath-js-bench.js printed no result");
        }
        finally
        {
            File.Delete(file);
        }
    }
}

using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Fhir.Bench.Validation;

/// <summary>What medplum-bench.js reports (camelCase JSON on its standard output).</summary>
internal sealed record MedplumResult(string Engine, string Version, string Node, SetTimings[] Sets);

/// <summary>Runs Medplum's <c>validateResource</c> through node on the same inputs, written to a work file.</summary>
internal static class MedplumJs
{
    public const string InstallHint = "cd bench/Fhir.Bench.Validation && npm ci";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string BenchDirectory => System.IO.Path.Combine(Repository.Root, "bench", "Fhir.Bench.Validation");

    /// <summary>Null when node and @medplum/core are there; else what is missing and the command that fixes it.</summary>
    public static string? Problem()
    {
        try
        {
            ChildProcess.RunToEnd("node", ["--version"], out var exit);
            if (exit != 0)
            {
                return "'node --version' failed: install Node.js 20 or newer.";
            }
        }
        catch (Win32Exception)
        {
            return "node was not found on PATH: install Node.js 20 or newer, then run: " + InstallHint;
        }
        var core = System.IO.Path.Combine(BenchDirectory, "node_modules", "@medplum", "core", "package.json");
        var definitions = System.IO.Path.Combine(BenchDirectory, "node_modules", "@medplum", "definitions", "package.json");
        return File.Exists(core) && File.Exists(definitions) ? null : "@medplum/core is not installed. Run: " + InstallHint;
    }

    /// <summary>Writes the sets (each input's JSON text as it is) and runs <c>node medplum-bench.js &lt;file&gt;</c>.</summary>
    public static MedplumResult Run(IReadOnlyList<InputSet> sets)
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"medplum-bench-{Environment.ProcessId}.json");
        using (var stream = File.Create(file))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("sets");
            foreach (var set in sets)
            {
                writer.WriteStartObject();
                writer.WriteString("name", set.Name);
                writer.WriteNumber("rounds", set.Rounds);
                writer.WriteStartArray("items");
                foreach (var item in set.Items)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", item.Name);
                    writer.WritePropertyName("resource");
                    writer.WriteRawValue(item.Json, skipInputValidation: true);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        try
        {
            var script = System.IO.Path.Combine(BenchDirectory, "medplum-bench.js");
            // The R4 examples' definitional Bundles need more than node's default heap once parsed.
            var output = ChildProcess.RunToEnd("node", ["--max-old-space-size=4096", script, file], out var exit, passStandardError: true);
            if (exit != 0)
            {
                throw new InvalidOperationException($"node medplum-bench.js exited with {exit}" + (exit == 2 ? $"; run: {InstallHint}" : ""));
            }
            return JsonSerializer.Deserialize<MedplumResult>(output, Json) ?? throw new InvalidDataException("medplum-bench.js printed no result");
        }
        finally
        {
            File.Delete(file);
        }
    }
}

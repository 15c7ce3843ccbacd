using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Fhir.Bench.Validation;

/// <summary>
/// Firely's .NET validator (Firely.Fhir.Validation.R4 3.6.0 on Hl7.Fhir.R4 6.8.0, the R4 specification from
/// Hl7.Fhir.Specification.Data.R4) over the same inputs as this project's: the core definitions plus any given
/// conformance resources, whose snapshots Firely generates itself. Inputs are deserialised to Firely's POCOs before the
/// clock starts, as ours are parsed before it starts.
/// </summary>
internal sealed class FirelyRunner
{
    private static readonly Lazy<ZipSource> Specification = new(ZipSource.CreateValidationSource);

    private readonly Validator _validator;

    public FirelyRunner(IEnumerable<Resource>? definitions = null)
    {
        var extra = new InMemoryResourceResolver([.. definitions ?? []]);
        var source = new CachedResolver(new SnapshotSource(new MultiResolver(extra, Specification.Value)));
        var resolver = source.AsAsync();
        _validator = new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
    }

    /// <summary>The resource in a JSON text, or null when Firely cannot read it at all (its partial result when it can).</summary>
    public static Resource? Parse(string json)
    {
        try
        {
            return new FhirJsonDeserializer().DeserializeResource(json);
        }
        catch (DeserializationFailedException e)
        {
            return e.PartialResult as Resource;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON at all (a test case of malformed input): nothing Firely can validate.
            return null;
        }
    }

    public static Resource? ParseXml(string xml)
    {
        try
        {
            return new FhirXmlDeserializer().DeserializeResource(xml);
        }
        catch (DeserializationFailedException e)
        {
            return e.PartialResult as Resource;
        }
    }

    /// <summary>The conformance resources of a folder's top level and of FHIR packages (.tgz), as POCOs.</summary>
    public static List<Resource> Definitions(string? folder, IEnumerable<string> packages)
    {
        var result = new List<Resource>();
        if (folder is not null)
        {
            foreach (var file in Directory.GetFiles(folder, "*.json"))
            {
                if (Parse(File.ReadAllText(file)) is { } r && IsDefinition(r))
                {
                    result.Add(r);
                }
            }
        }
        foreach (var package in packages)
        {
            using var gzip = new GZipStream(File.OpenRead(package), CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || !entry.Name.StartsWith("package/", StringComparison.Ordinal) || entry.Name.Count(c => c == '/') != 1
                    || !entry.Name.EndsWith(".json", StringComparison.Ordinal))
                {
                    continue;
                }
                using var reader = new StreamReader(entry.DataStream);
                var text = reader.ReadToEnd();
                if (!text.Contains("\"resourceType\"", StringComparison.Ordinal))
                {
                    continue;
                }
                if (Parse(text) is { } r && IsDefinition(r))
                {
                    result.Add(r);
                }
            }
        }
        return result;
    }

    private static bool IsDefinition(Resource r) => r is StructureDefinition or ValueSet or CodeSystem or Questionnaire;

    /// <summary>Validates; true and the first error when Firely finds errors.</summary>
    public (bool HasErrors, string? Error) Validate(Resource resource, string? profile = null)
    {
        OperationOutcome outcome;
        try
        {
            outcome = _validator.Validate(resource, profile);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (true, "exception: " + e.Message);
        }
        var error = outcome.Issue.FirstOrDefault(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
        return (error is not null, error is null ? null : $"{error.Details?.Text ?? error.Diagnostics} @ {string.Join(", ", error.Expression ?? [])}");
    }

    /// <summary>Times a set exactly as <see cref="OurValidator.Run"/> does (one warm-up pass whose verdict counts, then the rounds).</summary>
    public SetTimings Run(InputSet set, int rounds)
    {
        var resources = set.Items.Select(i => Parse(i.Json)).ToList();
        var rejected = new List<Rejection>();
        for (var i = 0; i < resources.Count; i++)
        {
            var (errors, error) = resources[i] is { } r ? Validate(r) : (true, "not readable");
            if (errors)
            {
                rejected.Add(new Rejection(i, error ?? ""));
            }
        }
        var times = new double[rounds][];
        for (var round = 0; round < rounds; round++)
        {
            var row = new double[resources.Count];
            for (var i = 0; i < resources.Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                if (resources[i] is { } r)
                {
                    Validate(r);
                }
                row[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            times[round] = row;
        }
        return new SetTimings(set.Name, rejected, times);
    }
}

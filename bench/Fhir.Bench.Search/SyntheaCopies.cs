using System.Globalization;
using System.Text.Json.Nodes;

namespace Fhir.Bench.Search;

/// <summary>
/// The Synthea bundles, rewritten per copy so that every copy is a new population: every
/// identifier value, conditional reference and ifNoneExist gets the suffix <c>-c{copy}</c>, and
/// every <c>urn:uuid</c> gets the copy number in its first group (it stays a valid UUID).
/// Each patient bundle also gets one MDM2 copy-number Observation so composite queries match.
/// </summary>
internal sealed class SyntheaCopies
{
    private SyntheaCopies(IReadOnlyList<string> shared, IReadOnlyList<string> patients)
    {
        Shared = shared;
        Patients = patients;
    }

    /// <summary>The hospital and practitioner batches: loaded first, the patients' conditional references point at them.</summary>
    public IReadOnlyList<string> Shared { get; }

    /// <summary>One transaction Bundle per patient.</summary>
    public IReadOnlyList<string> Patients { get; }

    public static SyntheaCopies Read(string directory)
    {
        var files = Directory.GetFiles(directory, "*.json").Where(f => !System.IO.Path.GetFileName(f).StartsWith('_')).Order(StringComparer.Ordinal).ToList();
        var shared = files.Where(f => System.IO.Path.GetFileName(f).StartsWith("hospital", StringComparison.Ordinal))
            .Concat(files.Where(f => System.IO.Path.GetFileName(f).StartsWith("practitioner", StringComparison.Ordinal))).ToList();
        var patients = files.Except(shared).ToList();
        if (shared.Count == 0 || patients.Count == 0) throw new InvalidOperationException($"No Synthea bundles in {directory}");
        return new SyntheaCopies(shared.Select(File.ReadAllText).ToList(), patients.Select(File.ReadAllText).ToList());
    }

    /// <summary>Rewrites one bundle for one copy; returns the JSON and its entry count.</summary>
    public static (string Json, int Entries) Rewrite(string bundle, int copy, int patientIndex)
    {
        var root = JsonNode.Parse(bundle)!.AsObject();
        Walk(root, copy);
        var entries = root["entry"]!.AsArray();
        if (patientIndex >= 0 && (string?)root["type"] == "transaction")
        {
            var patientUrl = entries.Select(e => e!["fullUrl"]?.GetValue<string>()).FirstOrDefault(u => u is not null)!;
            entries.Add(JsonNode.Parse(Mdm2(patientUrl, copy, patientIndex)));
        }
        return (root.ToJsonString(), entries.Count);
    }

    /// <summary>Copy numbers 4..12 (about half at or above the eligibility threshold 8).</summary>
    public static decimal Mdm2Value(int copy, int patientIndex) => 4 + (copy * 31 + patientIndex) % 9 + (patientIndex % 4) * 0.25m;

    private static string Mdm2(string patientUrl, int copy, int patientIndex) => $$$"""
        {"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{"resourceType":"Observation","status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"69548-6","display":"Genetic variant assessment"}]},
         "subject":{"reference":"{{{patientUrl}}}"},"effectiveDateTime":"2024-0{{{1 + copy % 9}}}-1{{{patientIndex % 10}}}T10:00:00Z",
         "valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA9633-4","display":"Present"}]},
         "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},"valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org","code":"HGNC:6973","display":"MDM2"}]}},
          {"code":{"coding":[{"system":"http://loinc.org","code":"82155-3"}]},"valueQuantity":{"value":{{{Mdm2Value(copy, patientIndex).ToString(CultureInfo.InvariantCulture)}}},"unit":"1","system":"http://unitsofmeasure.org","code":"1"}},
          {"code":{"coding":[{"system":"http://loinc.org","code":"48002-0"}]},"valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA6684-0","display":"Somatic"}]}}]},
         "request":{"method":"POST","url":"Observation"}}
        """;

    private static void Walk(JsonNode? node, int copy)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array) Walk(item, copy);
                break;
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        var rewritten = RewriteString(key, s, copy);
                        if (!ReferenceEquals(rewritten, s)) obj[key] = rewritten;
                    }
                    else
                    {
                        if (key == "identifier") SuffixIdentifiers(value, copy);
                        Walk(value, copy);
                    }
                }
                break;
        }
    }

    private static void SuffixIdentifiers(JsonNode? identifiers, int copy)
    {
        foreach (var identifier in identifiers is JsonArray a ? a.ToList() : [identifiers])
            if (identifier is JsonObject o && o["value"] is JsonValue v && v.TryGetValue<string>(out var s))
                o["value"] = s + Suffix(copy);
    }

    private static string RewriteString(string key, string s, int copy)
    {
        if (s.StartsWith("urn:uuid:", StringComparison.Ordinal)) return "urn:uuid:" + Uuid(s[9..], copy);
        if (key == "id" && s.Length == 36 && s[8] == '-') return Uuid(s, copy);
        if (key == "ifNoneExist" || (key == "reference" && s.Contains("?identifier=", StringComparison.Ordinal))) return s + Suffix(copy);
        return s;
    }

    private static string Suffix(int copy) => "-c" + copy.ToString(CultureInfo.InvariantCulture);

    private static string Uuid(string uuid, int copy) => copy.ToString("x4", CultureInfo.InvariantCulture) + uuid[4..];
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Trials.Generation;

namespace Fhir.Bench.Trials;

/// <summary>
/// A national registry of sequenced rare-cancer patients for the <c>$candidates</c> benchmark: a study to screen for, then
/// transaction Bundles of patients with their MDM2 copy-number and TP53 results as an EHR would send them (no profiles
/// declared). About 5% of the patients have MDM2 at or above 8, 1% a copy number reported as a range; TP53 is mostly wild
/// type; some have a repeat MDM2 test, some no TP53 result; a few hundred are already enrolled in the study.
/// Deterministic for a seed.
/// </summary>
internal static class RegistryPopulation
{
    private const string Base = "http://trials.example.org/fhir";
    public const string StudyIdentifier = "REG-BENCH";

    public static IReadOnlyList<byte[]> Bundles(int patients, int seed, int perBundle = 250)
    {
        var bundles = new List<byte[]> { Json(StudyBundle()) };
        var random = new TrialRandom((ulong)(uint)seed);
        for (var first = 1; first <= patients; first += perBundle)
        {
            var entries = new JsonArray();
            for (var n = first; n < first + perBundle && n <= patients; n++)
            {
                AddPatient(entries, random, n);
            }
            bundles.Add(Json(new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }));
        }
        return bundles;
    }

    private static JsonObject StudyBundle() => new()
    {
        ["resourceType"] = "Bundle",
        ["type"] = "transaction",
        ["entry"] = new JsonArray(Entry("ResearchStudy", ("study", StudyIdentifier), new JsonObject
        {
            ["resourceType"] = "ResearchStudy",
            ["extension"] = new JsonArray(new JsonObject
            {
                ["url"] = Base + "/StructureDefinition/eligibility-criteria",
                ["extension"] = new JsonArray(
                    new JsonObject { ["url"] = "mdm2CopyNumberMin", ["valueDecimal"] = 8 },
                    new JsonObject { ["url"] = "tp53Required", ["valueCodeableConcept"] = Concept("http://loinc.org", "LA9634-2") }),
            }),
            ["identifier"] = new JsonArray(Identifier("study", StudyIdentifier)),
            ["title"] = "Registry-based basket trial of rare cancers (benchmark)",
            ["status"] = "active",
            ["arm"] = new JsonArray(new JsonObject { ["name"] = "intimal-sarcoma" }),
        }, fullUrl: "urn:uuid:00000000-0000-4000-8000-000000000001")),
    };

    private static void AddPatient(JsonArray entries, TrialRandom random, int n)
    {
        var key = $"REG-P{n:D6}";
        var patientUrl = $"urn:uuid:{n:D8}-0000-4000-8000-{n:D12}";
        entries.Add(Entry("Patient", ("patient", key), new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray(Identifier("patient", key)),
            ["gender"] = random.Chance(0.5) ? "female" : "male",
            ["birthDate"] = new DateOnly(1940, 1, 1).AddDays(random.Between(0, 60 * 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, patientUrl));
        var tested = new DateOnly(2023, 1, 1).AddDays(random.Between(0, 700));
        var kind = random.Pick([0.05, 0.01, 0.94]);
        JsonObject copyNumber = kind switch
        {
            0 => Quantity(Math.Round(8 + (decimal)random.LogNormal(6, 0.7), 1)),
            1 => new JsonObject { ["valueRange"] = new JsonObject { ["low"] = Unit(random.Between(5, 10)), ["high"] = Unit(random.Between(12, 20)) } },
            _ => Quantity(Math.Round(1 + (decimal)(random.NextDouble() * 6.9), 1)),
        };
        entries.Add(Entry("Observation", ("observation", key + "-MDM2"), Variant(patientUrl, tested, "HGNC:6973", "LA9633-4", copyNumber)));
        if (random.Chance(0.03))
        {
            // A repeat test that may disagree: the most recent decides.
            var repeat = random.Chance(0.5) ? Quantity(Math.Round(3 + (decimal)(random.NextDouble() * 4.9), 1)) : Quantity(Math.Round(8 + (decimal)random.LogNormal(5, 0.5), 1));
            entries.Add(Entry("Observation", ("observation", key + "-MDM2-2"), Variant(patientUrl, tested.AddDays(random.Between(20, 90)), "HGNC:6973", "LA9633-4", repeat)));
        }
        if (!random.Chance(0.03))
        {
            var tp53 = random.Pick([0.85, 0.10, 0.05]) switch { 0 => "LA9634-2", 1 => "LA9633-4", _ => "LA18198-4" };
            entries.Add(Entry("Observation", ("observation", key + "-TP53"), Variant(patientUrl, tested, "HGNC:11998", tp53, null)));
        }
        if (random.Chance(0.004))
        {
            entries.Add(Entry("ResearchSubject", ("participant", key + "-RS"), new JsonObject
            {
                ["resourceType"] = "ResearchSubject",
                ["identifier"] = new JsonArray(Identifier("participant", key + "-RS")),
                ["status"] = "on-study",
                ["period"] = new JsonObject { ["start"] = tested.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
                ["study"] = new JsonObject { ["reference"] = $"ResearchStudy?identifier={Base}/identifiers/study|{StudyIdentifier}" },
                ["individual"] = new JsonObject { ["reference"] = patientUrl },
                ["assignedArm"] = "intimal-sarcoma",
            }));
        }
    }

    private static JsonObject Variant(string patientUrl, DateOnly date, string gene, string value, JsonObject? copyNumber)
    {
        var components = new JsonArray(new JsonObject
        {
            ["code"] = Concept("http://loinc.org", "48018-6"),
            ["valueCodeableConcept"] = Concept("http://www.genenames.org", gene),
        });
        if (copyNumber is not null)
        {
            copyNumber["code"] = Concept("http://loinc.org", "82155-3");
            components.Add(copyNumber);
        }
        return new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = "final",
            ["code"] = Concept("http://loinc.org", "69548-6"),
            ["subject"] = new JsonObject { ["reference"] = patientUrl },
            ["effectiveDateTime"] = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["valueCodeableConcept"] = Concept("http://loinc.org", value),
            ["component"] = components,
        };
    }

    private static JsonObject Entry(string type, (string Kind, string Value) identifier, JsonObject resource, string? fullUrl = null)
    {
        if (resource["identifier"] is null)
        {
            resource.Insert(1, "identifier", new JsonArray(Identifier(identifier.Kind, identifier.Value)));
        }
        var entry = new JsonObject
        {
            ["resource"] = resource,
            ["request"] = new JsonObject { ["method"] = "POST", ["url"] = type, ["ifNoneExist"] = $"identifier={Base}/identifiers/{identifier.Kind}|{identifier.Value}" },
        };
        if (fullUrl is not null)
        {
            entry.Insert(0, "fullUrl", fullUrl);
        }
        return entry;
    }

    private static JsonObject Identifier(string kind, string value) => new() { ["system"] = $"{Base}/identifiers/{kind}", ["value"] = value };

    private static JsonObject Concept(string system, string code) => new() { ["coding"] = new JsonArray(new JsonObject { ["system"] = system, ["code"] = code }) };

    private static JsonObject Quantity(decimal value) => new() { ["valueQuantity"] = Unit(value) };

    private static JsonObject Unit(decimal value) => new() { ["value"] = value, ["system"] = "http://unitsofmeasure.org", ["code"] = "1" };

    private static byte[] Json(JsonObject bundle) => JsonSerializer.SerializeToUtf8Bytes(bundle);
}

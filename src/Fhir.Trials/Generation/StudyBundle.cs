using System.Text.Json.Nodes;
using static Fhir.Trials.Generation.BundleBuilder;

namespace Fhir.Trials.Generation;

/// <summary>
/// The study bundle: the basket study (all 16 baskets as arms), the central genomics laboratory its efficacy-evaluable
/// population relies on, and the registry-based study of MDM2-amplified intimal sarcoma treated with the same drug.
/// </summary>
internal static class StudyBundle
{
    public static (byte[] Json, int Resources) Build(
        (string System, string Value) main, (string System, string Value) registry, (string System, string Value) laboratory, DateOnly cutoff, TrialRandom random)
    {
        var bundle = new BundleBuilder(random);
        var arms = new JsonArray();
        foreach (var (name, description, _) in TrialCodes.Baskets)
        {
            arms.Add(new JsonObject { ["name"] = name, ["description"] = description });
        }
        var laboratoryUrl = "urn:uuid:" + random.NextUuid().ToString("D", System.Globalization.CultureInfo.InvariantCulture);
        bundle.Add(Study(main, cutoff,
            "Milademetan in advanced solid tumours with MDM2 copy number >= 8 and wild-type TP53 (synthetic basket trial)",
            "Synthetic data modelled on a phase 2, single-arm, open-label basket study of an oral MDM2-p53 inhibitor.",
            arms,
            Population("treated", "All participants who received at least one dose of milademetan.", null),
            Population("efficacy-evaluable", "Treated participants with a post-baseline tumour assessment whose MDM2 amplification and TP53 wild type the central laboratory confirmed.", laboratoryUrl)), main);
        bundle.Add(new JsonObject
        {
            ["resourceType"] = "Organization",
            ["identifier"] = new JsonArray(Identifier(laboratory)),
            ["active"] = true,
            ["type"] = new JsonArray(Concept("http://terminology.hl7.org/CodeSystem/organization-type", "prov", "Healthcare Provider")),
            ["name"] = "Central genomics laboratory (synthetic)",
        }, laboratory, laboratoryUrl);
        bundle.Add(Study(registry, cutoff,
            "Milademetan in MDM2-amplified intimal sarcoma (synthetic national registry-based basket trial of rare cancers)",
            "Synthetic data modelled on a registry-based basket trial that screens sequenced rare-cancer patients and treats MDM2-amplified intimal sarcoma with the same drug.",
            new JsonArray(new JsonObject { ["name"] = TrialCodes.RegistryArm, ["description"] = "MDM2-amplified intimal sarcoma" }),
            Population("treated", "All participants who received at least one dose of milademetan.", null),
            Population("efficacy-evaluable", "Treated participants with a post-baseline tumour assessment.", null)), registry);
        return (bundle.ToJson(), bundle.Count);
    }

    private static JsonObject Study((string System, string Value) identifier, DateOnly cutoff, string title, string description, JsonArray arms, params JsonObject[] populations)
    {
        var extensions = new JsonArray(
            new JsonObject
            {
                ["url"] = TrialCodes.Profile("eligibility-criteria"),
                ["extension"] = new JsonArray(
                    new JsonObject { ["url"] = "mdm2CopyNumberMin", ["valueDecimal"] = 8 },
                    new JsonObject { ["url"] = "tp53Required", ["valueCodeableConcept"] = Concept(TrialCodes.Loinc, "LA9634-2", "Absent") }),
            },
            new JsonObject { ["url"] = TrialCodes.Profile("data-cutoff"), ["valueDate"] = Date(cutoff) },
            new JsonObject
            {
                ["url"] = TrialCodes.Profile("study-drug"),
                ["valueCodeableConcept"] = new JsonObject
                {
                    ["coding"] = new JsonArray(Coding(TrialCodes.CodeSystem("investigational-product"), TrialCodes.StudyDrugCode, "Milademetan (RAIN-32)")),
                    ["text"] = "milademetan",
                },
            });
        foreach (var population in populations)
        {
            extensions.Add(population);
        }
        return new JsonObject
        {
            ["resourceType"] = "ResearchStudy",
            ["meta"] = Meta("trial-study"),
            ["extension"] = extensions,
            ["identifier"] = new JsonArray(Identifier(identifier)),
            ["title"] = title,
            ["status"] = "active",
            ["phase"] = Concept(TrialCodes.StudyPhase, "phase-2", "Phase 2"),
            ["description"] = description,
            ["arm"] = arms,
        };
    }

    private static JsonObject Population(string code, string description, string? confirmedBy)
    {
        var parts = new JsonArray(
            new JsonObject { ["url"] = "population", ["valueCode"] = code },
            new JsonObject { ["url"] = "description", ["valueString"] = description });
        if (confirmedBy is not null)
        {
            parts.Add(new JsonObject { ["url"] = "biomarkerConfirmedBy", ["valueReference"] = Reference(confirmedBy) });
        }
        return new JsonObject { ["url"] = TrialCodes.Profile("analysis-population"), ["extension"] = parts };
    }
}

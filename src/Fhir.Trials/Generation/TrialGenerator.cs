using System.Text.Json.Nodes;
using static Fhir.Trials.Generation.BundleBuilder;

namespace Fhir.Trials.Generation;

/// <summary>
/// Generates a synthetic basket trial as FHIR R4 transaction Bundles that conform to the profiles in
/// <c>profiles/</c>: the study, then per patient the screening genomics and, for those enrolled, the
/// participation, RECIST assessments, best overall response, prior-line time to progression and adverse events.
/// The same options give byte-identical bundles.
/// </summary>
public static class TrialGenerator
{
    /// <summary>The study bundle's file name; patient bundles (<c>patient-0001.json</c>...) sort after it.</summary>
    public const string StudyFileName = "00-study.json";

    /// <summary>Generates the trial in memory.</summary>
    /// <exception cref="ArgumentException">The options are not usable (see <see cref="TrialGeneratorOptions.Validate"/>).</exception>
    public static GeneratedTrial Generate(TrialGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
        // One stream per patient, derived from the seed, so that a patient's data do not depend on how much randomness others used.
        var seeds = new TrialRandom((ulong)(uint)options.Seed);
        var study = (TrialCodes.IdentifierSystem("study"), $"RAIN-32-S{options.Seed}");
        var cutoff = TrialSimulation.Cutoff(options.StudyStart);
        var bundles = new List<GeneratedBundle> { new(StudyFileName, StudyBundle(study, cutoff, new TrialRandom(seeds.NextUInt64()))) };
        int enrolled = 0, responders = 0, progressed = 0, deaths = 0, adverseEvents = 0, resources = 1;
        for (var n = 1; n <= options.Patients; n++)
        {
            var random = new TrialRandom(seeds.NextUInt64());
            var patient = TrialSimulation.Simulate(random, n, options.Seed, options.StudyStart);
            var (json, count) = PatientBundle.Build(patient, random, study);
            bundles.Add(new($"patient-{n:D4}.json", json));
            resources += count;
            enrolled += patient.Enrolled ? 1 : 0;
            responders += patient.Response() is { Confirming: not null } ? 1 : 0;
            progressed += patient.Progression is null ? 0 : 1;
            deaths += patient.Death is null ? 0 : 1;
            adverseEvents += patient.AdverseEvents.Count;
        }
        return new GeneratedTrial(bundles, new TrialSummary(study.Item2, options.Patients, enrolled, responders, progressed, deaths, adverseEvents, resources, cutoff));
    }

    /// <summary>Generates the trial and writes one file per bundle into <paramref name="directory"/> (created if needed).</summary>
    public static GeneratedTrial Write(TrialGeneratorOptions options, string directory)
    {
        var trial = Generate(options);
        Directory.CreateDirectory(directory);
        foreach (var bundle in trial.Bundles)
        {
            File.WriteAllBytes(System.IO.Path.Combine(directory, bundle.FileName), bundle.Json);
        }
        return trial;
    }

    private static byte[] StudyBundle((string System, string Value) identifier, DateOnly cutoff, TrialRandom random)
    {
        var arms = new JsonArray();
        foreach (var (name, description, _) in TrialCodes.Baskets)
        {
            arms.Add(new JsonObject { ["name"] = name, ["description"] = description });
        }
        var study = new JsonObject
        {
            ["resourceType"] = "ResearchStudy",
            ["meta"] = Meta("trial-study"),
            ["extension"] = new JsonArray(
                new JsonObject
                {
                    ["url"] = TrialCodes.Profile("eligibility-criteria"),
                    ["extension"] = new JsonArray(
                        new JsonObject { ["url"] = "mdm2CopyNumberMin", ["valueDecimal"] = 8 },
                        new JsonObject { ["url"] = "tp53Required", ["valueCodeableConcept"] = Concept(TrialCodes.Loinc, "LA9634-2", "Absent") }),
                },
                new JsonObject { ["url"] = TrialCodes.Profile("data-cutoff"), ["valueDate"] = Date(cutoff) }),
            ["identifier"] = new JsonArray(Identifier(identifier)),
            ["title"] = "Milademetan in advanced solid tumours with MDM2 copy number >= 8 and wild-type TP53 (synthetic basket trial)",
            ["status"] = "active",
            ["phase"] = Concept(TrialCodes.StudyPhase, "phase-2", "Phase 2"),
            ["description"] = "Synthetic data modelled on a phase 2, single-arm, open-label basket study of an oral MDM2-p53 inhibitor.",
            ["arm"] = arms,
        };
        var bundle = new BundleBuilder(random);
        bundle.Add(study, identifier);
        return bundle.ToJson();
    }
}

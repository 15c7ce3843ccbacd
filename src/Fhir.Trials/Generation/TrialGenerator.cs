using System.Text.Json.Nodes;
using static Fhir.Trials.Generation.BundleBuilder;

namespace Fhir.Trials.Generation;

/// <summary>
/// Generates a synthetic basket trial as FHIR R4 transaction Bundles that conform to the profiles in
/// <c>profiles/</c>: the studies (the basket study, and a registry-based study sharing some of its patients) with the
/// central laboratory, then per patient the screening genomics and, for those enrolled, the participation, the study
/// drug's administrations, target-lesion measurements, RECIST assessments, best overall response, prior lines, adverse
/// events, survival follow-up visits and the central laboratory's confirmation. The same options give byte-identical bundles.
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
        var registry = (TrialCodes.IdentifierSystem("study"), $"REG-IS-S{options.Seed}");
        var laboratory = (TrialCodes.IdentifierSystem("organization"), $"CENTRAL-LAB-S{options.Seed}");
        var references = StudyReferences.For(study, registry, laboratory);
        var cutoff = TrialSimulation.Cutoff(options.StudyStart);
        var (studyJson, studyResources) = StudyBundle.Build(study, registry, laboratory, cutoff, new TrialRandom(seeds.NextUInt64()));
        var bundles = new List<GeneratedBundle> { new(StudyFileName, studyJson) };
        int enrolled = 0, treated = 0, registryParticipants = 0, responders = 0, progressed = 0, deaths = 0, adverseEvents = 0, resources = studyResources;
        for (var n = 1; n <= options.Patients; n++)
        {
            var random = new TrialRandom(seeds.NextUInt64());
            var patient = TrialSimulation.Simulate(random, n, options.Seed, options.StudyStart);
            var (json, count) = PatientBundle.Build(patient, random, references);
            bundles.Add(new($"patient-{n:D4}.json", json));
            resources += count;
            enrolled += patient.Enrolled ? 1 : 0;
            treated += patient.Enrolled && !patient.NeverDosed ? 1 : 0;
            registryParticipants += patient.Registry is null ? 0 : 1;
            adverseEvents += patient.Registry?.AdverseEvent is null ? 0 : 1;
            responders += patient.Response() is { Confirming: not null } ? 1 : 0;
            progressed += patient.Progression is null ? 0 : 1;
            deaths += patient.Death is null ? 0 : 1;
            adverseEvents += patient.AdverseEvents.Count;
        }
        return new GeneratedTrial(bundles, new TrialSummary(study.Item2, options.Patients, enrolled, responders, progressed, deaths, adverseEvents, resources, cutoff)
        {
            Treated = treated,
            RegistryStudyIdentifier = registry.Item2,
            RegistryParticipants = registryParticipants,
        });
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
}

using System.Globalization;
using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Trials.Generation;

namespace Fhir.Trials.Tests.Generation;

public class TrialGeneratorTests
{
    [Fact]
    public void The_same_seed_gives_byte_identical_bundles_and_another_seed_other_ones()
    {
        var options = new TrialGeneratorOptions { Patients = 25, Seed = 42 };
        var first = TrialGenerator.Generate(options);
        var second = TrialGenerator.Generate(options);
        var other = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 25, Seed = 43 });
        Assert.Equal(first.Bundles.Select(b => b.FileName), second.Bundles.Select(b => b.FileName));
        Assert.All(first.Bundles.Zip(second.Bundles), p => Assert.Equal(p.First.Json, p.Second.Json));
        Assert.Equal(first.Summary, second.Summary);
        Assert.True(first.Bundles.Skip(1).Zip(other.Bundles.Skip(1)).All(p => !p.First.Json.AsSpan().SequenceEqual(p.Second.Json)));
    }

    [Fact]
    public void Written_files_are_byte_identical_for_the_same_seed()
    {
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trialgen-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new TrialGeneratorOptions { Patients = 12, Seed = 3 };
            TrialGenerator.Write(options, System.IO.Path.Combine(root, "a"));
            TrialGenerator.Write(options, System.IO.Path.Combine(root, "b"));
            var a = Directory.GetFiles(System.IO.Path.Combine(root, "a")).Order(StringComparer.Ordinal).ToList();
            var b = Directory.GetFiles(System.IO.Path.Combine(root, "b")).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(13, a.Count);
            Assert.Equal(a.Select(System.IO.Path.GetFileName), b.Select(System.IO.Path.GetFileName));
            Assert.All(a.Zip(b), p => Assert.Equal(File.ReadAllBytes(p.First), File.ReadAllBytes(p.Second)));
            Assert.Equal(TrialGenerator.StudyFileName, System.IO.Path.GetFileName(a[0]));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_patient_is_the_same_whatever_the_number_of_patients_after_them()
    {
        var few = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 5, Seed = 9 });
        var many = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 50, Seed = 9 });
        Assert.All(few.Bundles.Skip(1).Zip(many.Bundles.Skip(1)), p => Assert.Equal(p.First.Json, p.Second.Json));
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.NotEmpty(new TrialGeneratorOptions { Patients = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => TrialGenerator.Generate(new TrialGeneratorOptions { Patients = -3 }));
    }

    [Fact]
    public void There_is_one_study_bundle_and_one_bundle_per_patient_with_one_patient_each()
    {
        var trial = GeneratedData.Trial;
        var parsed = GeneratedData.Parse(trial);
        Assert.Equal(61, parsed.Count);
        Assert.Equal(["ResearchStudy", "Organization", "ResearchStudy"], GeneratedData.Resources(parsed[0].Bundle).Select(r => r.Type.Name));
        Assert.All(parsed.Skip(1), b => Assert.Single(GeneratedData.Resources(b.Bundle), r => r.Type.Name == "Patient"));
        Assert.All(parsed, b => Assert.Equal("transaction", b.Bundle.GetString("type")));
        Assert.Equal(trial.Summary.Resources, parsed.Sum(b => GeneratedData.Resources(b.Bundle).Count()));
        Assert.Equal(trial.Summary.Enrolled + trial.Summary.RegistryParticipants, GeneratedData.Resources(trial, "ResearchSubject").Count());
        Assert.Equal(trial.Summary.AdverseEvents, GeneratedData.Resources(trial, "AdverseEvent").Count());
        Assert.Equal(trial.Summary.Deaths, GeneratedData.Resources(trial, "Patient").Count(p => p.Child("deceased") is not null));
    }

    [Fact]
    public void The_study_has_one_arm_per_basket_the_eligibility_thresholds_the_cutoff_the_drug_and_the_populations()
    {
        var studies = GeneratedData.Resources(GeneratedData.Trial, "ResearchStudy").ToList();
        var study = studies.Single(s => (string)Eval(s, "identifier.value").Single() == "RAIN-32-S7");
        Assert.Equal(16, study.ChildrenNamed("arm").Count());
        Assert.Equal("milademetan", Eval(study, "extension('http://trials.example.org/fhir/StructureDefinition/study-drug').value.coding.code").Single());
        Assert.Equal(["treated", "efficacy-evaluable"], Eval(study, "extension('http://trials.example.org/fhir/StructureDefinition/analysis-population').extension('population').value"));
        Assert.Single(Eval(study, "extension('http://trials.example.org/fhir/StructureDefinition/analysis-population').extension('biomarkerConfirmedBy').value.reference"));
        var registry = studies.Single(s => (string)Eval(s, "identifier.value").Single() == "REG-IS-S7");
        Assert.Equal(["intimal-sarcoma"], Eval(registry, "arm.name"));
        Assert.Equal("milademetan", Eval(registry, "extension('http://trials.example.org/fhir/StructureDefinition/study-drug').value.coding.code").Single());
        Assert.Equal(8m, Convert.ToDecimal(Eval(study, "extension('http://trials.example.org/fhir/StructureDefinition/eligibility-criteria').extension('mdm2CopyNumberMin').value").Single(), CultureInfo.InvariantCulture));
        Assert.Equal("LA9634-2", Eval(study, "extension('http://trials.example.org/fhir/StructureDefinition/eligibility-criteria').extension('tp53Required').value.coding.code").Single());
        Assert.Single(Eval(study, "extension('http://trials.example.org/fhir/StructureDefinition/data-cutoff').value"));
    }

    [Fact]
    public void Screening_holds_eligible_and_ineligible_results_of_every_kind()
    {
        var trial = GeneratedData.LargeTrial;
        var mdm2 = GeneratedData.Resources(trial, "Observation").Where(o => Profile(o) == "mdm2-copy-number").ToList();
        var quantities = mdm2.SelectMany(o => Eval(o, "component.where(code.coding.code = '82155-3').value.ofType(Quantity).value")).Select(v => Convert.ToDecimal(v, CultureInfo.InvariantCulture)).ToList();
        Assert.True(quantities.Count(q => q >= 8) > quantities.Count * 0.75, "most copy numbers are >= 8");
        Assert.Contains(quantities, q => q < 8);
        Assert.InRange(mdm2.Count(o => Eval(o, "component.value.ofType(Range)").Count > 0), 20, 120);
        var tp53 = GeneratedData.Resources(trial, "Observation").Where(o => Profile(o) == "tp53-status").Select(o => (string)Eval(o, "value.coding.code").Single()).ToList();
        Assert.Contains("LA9633-4", tp53);
        Assert.Contains("LA18198-4", tp53);
        // Repeat tests that disagree: a patient with two MDM2 results on either side of 8.
        var patientsWithRepeats = mdm2.Where(o => o.Child("performer") is null).GroupBy(o => (string)Eval(o, "subject.reference").Single()).Count(g => g.Count() == 2);
        Assert.InRange(patientsWithRepeats, 20, 120);
        Assert.InRange(trial.Summary.Enrolled, trial.Summary.Screened * 0.55, trial.Summary.Screened * 0.85);
    }

    [Fact]
    public void Enrolled_patients_are_exactly_those_whose_latest_results_meet_the_thresholds()
    {
        foreach (var (_, bundle) in GeneratedData.Parse(GeneratedData.Trial).Skip(1))
        {
            // The screening results decide (the central laboratory's come after enrolment).
            var resources = GeneratedData.Resources(bundle).Where(r => r.Child("performer") is null).ToList();
            var latestMdm2 = resources.Where(r => Profile(r) == "mdm2-copy-number").MaxBy(r => (string)Eval(r, "effective.toString()").Single())!;
            var latestTp53 = resources.Where(r => Profile(r) == "tp53-status").MaxBy(r => (string)Eval(r, "effective.toString()").Single())!;
            var copyNumber = Eval(latestMdm2, "component.where(code.coding.code = '82155-3').value.ofType(Quantity).value").Select(v => Convert.ToDecimal(v, CultureInfo.InvariantCulture)).SingleOrDefault(-1m);
            var eligible = copyNumber >= 8 && (string)Eval(latestTp53, "value.coding.code").Single() == "LA9634-2";
            Assert.Equal(eligible, resources.Any(r => r.Type.Name == "ResearchSubject"));
        }
    }

    [Fact]
    public void Responses_progression_and_safety_follow_the_reported_figures_for_the_drug()
    {
        var trial = GeneratedData.LargeTrial;
        var bundles = GeneratedData.Parse(trial).Skip(1).Select(b => GeneratedData.Resources(b.Bundle).ToList()).Where(r => r.Any(x => x.Type.Name == "ResearchSubject")).ToList();
        var enrolled = bundles.Count;
        var orr = (double)trial.Summary.ConfirmedResponders / enrolled;
        Assert.InRange(orr, 0.12, 0.23);

        var disease = 0;
        var pfsDays = new List<int>();
        foreach (var resources in bundles)
        {
            // The basket study's participation and scans (the registry-based study's carry "-REG-" in their identifiers).
            bool Registry(ElementNode r) => ((string)Eval(r, "identifier.value").Single()).Contains("-REG-", StringComparison.Ordinal);
            var participant = resources.Single(r => r.Type.Name == "ResearchSubject" && !Registry(r));
            var start = DateOnly.Parse((string)Eval(participant, "period.start.toString()").Single(), CultureInfo.InvariantCulture);
            var timepoints = resources.Where(r => Profile(r) == "tumour-response" && !Registry(r) && (string)Eval(r, "code.coding.code").Single() == "timepoint-response")
                .Select(r => (Date: DateOnly.Parse((string)Eval(r, "effective.toString()").Single(), CultureInfo.InvariantCulture), Value: (string)Eval(r, "value.coding.code").Single()))
                .ToList();
            var bor = resources.SingleOrDefault(r => Profile(r) == "tumour-response" && (string)Eval(r, "code.coding.code").Single() == "best-overall-response");
            var confirmed = bor is not null && Eval(bor, "extension('http://trials.example.org/fhir/StructureDefinition/response-confirmed').value").SingleOrDefault() is true;
            var stableFor16Weeks = timepoints.Any(t => t.Value is "SD" or "PR" or "CR" && t.Date.DayNumber - start.DayNumber >= 16 * 7 - 7);
            disease += confirmed || stableFor16Weeks ? 1 : 0;
            var pd = timepoints.FirstOrDefault(t => t.Value == "PD");
            var death = Eval(resources.Single(r => r.Type.Name == "Patient"), "deceased.toString()").SingleOrDefault() as string;
            var eventDate = pd.Value is not null ? pd.Date : death is not null ? DateOnly.Parse(death, CultureInfo.InvariantCulture) : (DateOnly?)null;
            if (eventDate is { } e)
            {
                pfsDays.Add(e.DayNumber - start.DayNumber);
            }
        }
        Assert.InRange((double)disease / trial.Summary.Treated, 0.45, 0.65);
        // Few patients are censored before their median time, so the median of the events is close to the Kaplan-Meier median.
        pfsDays.Sort();
        var medianMonths = pfsDays[pfsDays.Count / 2] / 30.4375;
        Assert.InRange(medianMonths, 2.5, 4.5);

        var events = GeneratedData.Resources(trial, "AdverseEvent").ToList();
        var byTerm = events.GroupBy(e => (string)Eval(e, "event.coding.code").Single()).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(5, byTerm.Count);
        Assert.Equal("10035528", byTerm.MaxBy(t => t.Value.Count).Key); // thrombocytopenia most frequent
        var grade3Plus = byTerm["10035528"].Count(e => Eval(e, "extension('http://trials.example.org/fhir/StructureDefinition/ctcae-grade').value.coding.code").Single() is "C41340" or "C41337");
        Assert.True(grade3Plus > byTerm["10035528"].Count * 0.35, "many thrombocytopenias are grade >= 3");
        Assert.Contains(events, e => (string)Eval(e, "seriousness.coding.code").Single() == "serious");
        Assert.Contains(events, e => (string)Eval(e, "extension('http://trials.example.org/fhir/StructureDefinition/ae-action-taken').value.coding.code").Single() == "drug-withdrawn");
    }

    internal static string? Profile(ElementNode resource) =>
        (resource.Child("meta")?.Child("profile")?.Value as string)?.Split('/')[^1];

    internal static IReadOnlyList<object> Eval(ElementNode resource, string expression) =>
        [.. FhirPathCompiler.Compile(expression).Evaluate(resource).Select(v => v is ElementNode { Value: { } value } ? value : v)];
}

using System.Globalization;
using Fhir.Core.Model;
using static Fhir.Trials.Tests.Generation.TrialGeneratorTests;

namespace Fhir.Trials.Tests.Generation;

/// <summary>What the generator writes beyond screening and responses: doses, lesions, follow-up, central confirmation, the registry study.</summary>
public class GeneratedCourseTests
{
    private static IEnumerable<List<ElementNode>> EnrolledPatients() =>
        GeneratedData.Parse(GeneratedData.LargeTrial).Skip(1)
            .Select(b => GeneratedData.Resources(b.Bundle).ToList())
            .Where(r => r.Any(x => x.Type.Name == "ResearchSubject"));

    private static string Key(ElementNode r) => (string)Eval(r, "identifier.value").Single();

    private static DateOnly Date(ElementNode r, string expression) => DateOnly.Parse((string)Eval(r, expression).Single(), CultureInfo.InvariantCulture);

    [Fact]
    public void Treated_participants_get_study_drug_cycles_from_the_first_dose_and_some_records_that_must_not_count()
    {
        int treated = 0, inProgress = 0, errors = 0, chemotherapy = 0, neverDosed = 0;
        foreach (var resources in EnrolledPatients())
        {
            var participant = resources.Single(r => r.Type.Name == "ResearchSubject" && !Key(r).Contains("-REG-", StringComparison.Ordinal));
            var doses = resources.Where(r => r.Type.Name == "MedicationAdministration" && Key(r).Contains("-MA-", StringComparison.Ordinal) && !Key(r).Contains("-REG-", StringComparison.Ordinal)).ToList();
            var given = doses.Where(d => Eval(d, "status").Single() is "completed" or "in-progress").ToList();
            if (given.Count == 0)
            {
                neverDosed++;
                Assert.DoesNotContain(resources, r => r.Type.Name == "AdverseEvent" && !Key(r).Contains("-REG-", StringComparison.Ordinal));
                continue;
            }
            treated++;
            Assert.Equal(Date(participant, "period.start.toString()"), given.Min(d => Date(d, "effective.start.toString()")));
            Assert.All(given, d => Assert.Equal("milademetan", Eval(d, "medication.coding.code").Single()));
            inProgress += given.Count(d => (string)Eval(d, "status").Single() == "in-progress");
            Assert.True(given.Count(d => (string)Eval(d, "status").Single() == "in-progress") <= 1);
            errors += doses.Count(d => (string)Eval(d, "status").Single() == "entered-in-error");
            chemotherapy += resources.Count(r => r.Type.Name == "MedicationAdministration" && (string)Eval(r, "medication.coding.system").Single() == "http://www.nlm.nih.gov/research/umls/rxnorm");
        }
        Assert.True(treated > 900, $"{treated} treated");
        Assert.InRange(neverDosed, 10, 80);
        Assert.True(inProgress > 0 && errors > 0 && chemotherapy > 0, $"{inProgress} in progress, {errors} entered in error, {chemotherapy} prior chemotherapy");
    }

    [Fact]
    public void Each_evaluable_scan_cites_its_target_lesion_measurements_and_their_sums_agree_with_the_response()
    {
        var checkedScans = 0;
        foreach (var resources in EnrolledPatients())
        {
            var lesions = resources.Where(r => Profile(r) == "lesion-measurement").ToList();
            decimal SumOf(string scan) => lesions.Where(l => Key(l).EndsWith("-" + scan, StringComparison.Ordinal))
                .Sum(l => Convert.ToDecimal(Eval(l, "value.value").Single(), CultureInfo.InvariantCulture));
            var baseline = SumOf("B");
            Assert.InRange(baseline, 15, 270);
            var nadir = baseline;
            foreach (var scan in resources.Where(r => Profile(r) == "tumour-response" && r.Child("derivedFrom") is not null).OrderBy(r => Date(r, "effective.toString()")))
            {
                var value = (string)Eval(scan, "value.coding.code").Single();
                Assert.NotEqual("NE", value);
                // derivedFrom holds urn:uuid references; the measurements' identifiers name the scan they belong to.
                var number = Key(scan)[(Key(scan).LastIndexOf('-') + 1)..];
                Assert.Equal(scan.ChildrenNamed("derivedFrom").Count(), lesions.Count(l => Key(l).EndsWith("-" + number, StringComparison.Ordinal)));
                var sum = SumOf(number);
                switch (value)
                {
                    case "CR": Assert.Equal(0, sum); break;
                    case "PR": Assert.True(sum <= baseline * 0.7m, $"{Key(scan)}: PR at {sum} from {baseline}"); break;
                    case "SD": Assert.True(sum > baseline * 0.7m && sum < nadir * 1.2m, $"{Key(scan)}: SD at {sum} from {baseline}, nadir {nadir}"); break;
                    case "PD": Assert.True(sum >= nadir * 1.2m && sum >= nadir + 5, $"{Key(scan)}: PD at {sum}, nadir {nadir}"); break;
                }
                nadir = Math.Min(nadir, sum);
                checkedScans++;
            }
        }
        Assert.True(checkedScans > 1000, $"{checkedScans} scans");
        Assert.Contains(GeneratedData.Resources(GeneratedData.LargeTrial, "Observation"), o => (string?)Eval(o, "value.coding.code").FirstOrDefault() == "NE");
    }

    [Fact]
    public void Alive_patients_have_follow_up_visits_or_a_declared_last_contact_and_the_central_laboratory_confirms_most()
    {
        var visits = GeneratedData.Resources(GeneratedData.LargeTrial, "Encounter").ToList();
        Assert.True(visits.Count > 200, $"{visits.Count} visits");
        Assert.All(visits, v => Assert.Equal(Eval(v, "period.start").Single(), Eval(v, "period.end").Single()));
        var contacts = GeneratedData.Resources(GeneratedData.LargeTrial, "ResearchSubject")
            .Count(r => Eval(r, "extension('http://trials.example.org/fhir/StructureDefinition/last-contact').value").Count == 1);
        Assert.True(contacts > 100, $"{contacts} declared last contacts");
        var central = GeneratedData.Resources(GeneratedData.LargeTrial, "Observation").Where(o => o.Child("performer") is not null).ToList();
        Assert.All(central, o => Assert.StartsWith("Organization?identifier=", (string)Eval(o, "performer.reference").Single(), StringComparison.Ordinal));
        var enrolled = GeneratedData.LargeTrial.Summary.Enrolled;
        Assert.InRange(central.Count / 2, enrolled * 0.65, enrolled * 0.9);
    }

    [Fact]
    public void Registry_participations_end_before_the_basket_study_and_carry_their_own_doses_scans_and_prior_line()
    {
        var shared = 0;
        foreach (var resources in EnrolledPatients())
        {
            var registry = resources.SingleOrDefault(r => r.Type.Name == "ResearchSubject" && Key(r).Contains("-REG-", StringComparison.Ordinal));
            if (registry is null)
            {
                continue;
            }
            shared++;
            var main = resources.Single(r => r.Type.Name == "ResearchSubject" && !Key(r).Contains("-REG-", StringComparison.Ordinal));
            var (start, end) = (Date(registry, "period.start.toString()"), Date(registry, "period.end.toString()"));
            Assert.True(end < Date(main, "period.start.toString()"));
            var doses = resources.Where(r => r.Type.Name == "MedicationAdministration" && Key(r).Contains("-REG-MA-", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(doses);
            Assert.All(doses, d => Assert.InRange(Date(d, "effective.start.toString()"), start, end));
            var scans = resources.Where(r => Profile(r) == "tumour-response" && Key(r).Contains("-REG-TR-", StringComparison.Ordinal)).ToList();
            Assert.Equal("PD", Eval(scans.MaxBy(s => Date(s, "effective.toString()"))!, "value.coding.code").Single());
            // The registry line is the most recent prior line: it ended after the older one and before the first dose.
            var lines = resources.Where(r => Profile(r) == "prior-line-ttp").Select(r => (Key(r), Date(r, "effective.toString()"))).ToList();
            Assert.Equal(2, lines.Count);
            Assert.Contains("-REG-TTP", lines.MaxBy(l => l.Item2).Item1, StringComparison.Ordinal);
        }
        Assert.Equal(GeneratedData.LargeTrial.Summary.RegistryParticipants, shared);
        Assert.InRange(shared, 100, 250);
    }
}

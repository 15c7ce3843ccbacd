using Fhir.Trials.Eligibility;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Model;
using static Fhir.Trials.Tests.Endpoints.TrialBuilder;

namespace Fhir.Trials.Tests.Endpoints;

public sealed class DataQualityTests
{
    private static IReadOnlyList<DataIssue> Issues(TrialData data, DateOnly? cutoff = null) =>
        EndpointCalculator.Compute(data, new EndpointOptions { Cutoff = cutoff }).Issues;

    private static IEnumerable<DataIssueKind> Kinds(TrialData data, DateOnly? cutoff = null) => Issues(data, cutoff).Select(i => i.Kind);

    [Fact]
    public void A_clean_participant_has_no_findings()
    {
        Assert.Empty(Issues(Trial(Subject("1", priorTtp: 60, assessments: ["56:PR", "84:PR"]))));
    }

    [Fact]
    public void Facts_after_death_are_reported_with_their_resources()
    {
        var subject = Subject("1", priorTtp: 60, death: 60, aes: [Ae("x", 70, 2)], assessments: ["56:SD", "80:SD"]) with
        {
            Assessments = [new(Day(56), Response.SD, "r1"), new(Day(80), Response.SD, "r2")],
            Doses = [Dose(0, null, DoseStatus.InProgress), Dose(65, 65)],
        };
        var issues = Issues(Trial(subject)).Where(i => i.Kind == DataIssueKind.AfterDeath).ToList();
        Assert.Equal(3, issues.Count);
        Assert.Contains(issues, i => i.References.SequenceEqual(["ResearchSubject/1", "Observation/r2"]));
        Assert.Contains(issues, i => i.References.SequenceEqual(["ResearchSubject/1", "AdverseEvent/ae-x-70"]));
        Assert.Contains(issues, i => i.References.SequenceEqual(["ResearchSubject/1", "MedicationAdministration/ma-65-Completed"]));
        // At a cut-off before those facts, nothing is reported.
        Assert.DoesNotContain(DataIssueKind.AfterDeath, Kinds(Trial(subject), Day(62)));
    }

    [Fact]
    public void An_assessment_on_or_before_the_first_dose_is_reported()
    {
        var issues = Issues(Trial(Subject("1", priorTtp: 60, firstDose: 10, assessments: ["5:SD", "10:SD", "66:SD"])));
        Assert.Equal([DataIssueKind.BeforeFirstDose, DataIssueKind.BeforeFirstDose], issues.Select(i => i.Kind));
        Assert.Contains("on 2024-01-06 is not after the first dose on 2024-01-11", issues[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_responder_without_a_confirming_scan_and_a_participant_without_dose_or_prior_line_are_reported()
    {
        var data = Trial(
            Subject("1", priorTtp: 60, assessments: ["56:PR"]),
            Subject("2", priorTtp: 60, assessments: ["56:PR", "70:PD"]),
            Subject("3", assessments: ["56:SD"]),
            Subject("4", priorTtp: 60) with { Doses = [] },
            Subject("5", priorTtp: 0, assessments: ["56:SD"]));
        Assert.Equal(
            [
                ("1", DataIssueKind.UnconfirmedResponse),
                ("3", DataIssueKind.MissingPriorLine),
                ("4", DataIssueKind.NoDose),
                ("5", DataIssueKind.InvalidPriorLine),
            ],
            Issues(data).Select(i => (i.SubjectId!, i.Kind)));
    }

    [Fact]
    public void Conflicting_genomic_results_an_unknown_arm_and_a_study_without_a_drug_are_reported()
    {
        VariantResult Mdm2(string id, string date, decimal copies) =>
            new(id, TrialCodes.Mdm2, "final", date, DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture), TrialCodes.Present, copies, CopyNumberIsRange: false);
        var subject = Subject("1", "Z", priorTtp: 60, assessments: ["56:SD"]) with { Variants = [Mdm2("m1", "2023-11-01", 10), Mdm2("m2", "2023-12-01", 6)] };
        var data = Trial(subject) with { Study = Study with { Drug = null } };
        var issues = Issues(data);
        // (The loader keeps only the declared drug's doses; these hand-made doses stand for them.)
        Assert.Equal([DataIssueKind.NoStudyDrug, DataIssueKind.ConflictingGenomicResults, DataIssueKind.UnknownArm], issues.Select(i => i.Kind));
        Assert.Null(issues[0].SubjectId);
        Assert.Equal(["ResearchSubject/1", "Observation/m2", "Observation/m1"], issues[1].References);
    }

    [Fact]
    public void Loading_findings_are_kept_for_the_participants_shown_and_up_to_the_cut_off()
    {
        var data = Trial(Subject("a1", "A", priorTtp: 60, assessments: ["56:SD"]), Subject("b1", "B", priorTtp: 60, assessments: ["56:SD"])) with
        {
            Issues =
            [
                new DataIssue(DataIssueKind.UnplacedFact, "a1", "a1: unplaced", ["ResearchSubject/a1", "Observation/x"]) { Date = Day(100) },
                new DataIssue(DataIssueKind.UnplacedFact, "b1", "b1: unplaced", ["ResearchSubject/b1", "Observation/y"]) { Date = Day(50) },
            ],
        };
        Assert.Equal(["a1", "b1"], Issues(data).Select(i => i.SubjectId));
        Assert.Equal(["b1"], Issues(data, Day(60)).Select(i => i.SubjectId));
        Assert.Equal(["a1"], EndpointCalculator.Compute(data, new EndpointOptions { Arm = "A" }).Issues.Select(i => i.SubjectId));
    }
}

using System.Globalization;
using Xunit.Abstractions;

namespace Fhir.Validation.Tests.Suite;

/// <summary>
/// HL7's validator test cases against this validator: every step (base and profile) of every case must reach the Java
/// reference's verdict (errors or none) and find its errors where the reference found them, unless the step is on the
/// list of known disagreements (<c>Data/validator-suite-disagreements.tsv</c>, each with its reason), in which case it
/// must still disagree in the way listed. So any change of verdict, for better or worse, breaks a test and is looked at.
/// </summary>
public sealed class ValidatorSuiteTests(ITestOutputHelper output)
{
    /// <summary>Agreement on errors/no errors the validator must keep on the shared cases.</summary>
    private const double VerdictGoal = 0.97;

    /// <summary>Agreement on error locations the validator must keep on the shared cases.</summary>
    private const double LocationGoal = 0.85;

    private static readonly Lazy<Dictionary<string, (string What, string Reason)>> Known = new(() =>
        File.ReadAllLines(System.IO.Path.Combine(AppContext.BaseDirectory, "Suite", "Data", "validator-suite-disagreements.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(p => p[0] + " " + p[1], p => (p[2], p[3]), StringComparer.Ordinal));

    public static TheoryData<string> StepIds()
    {
        var data = new TheoryData<string>();
        if (ValidatorSuite.Steps is not { } steps)
        {
            data.Add("");
            return data;
        }
        foreach (var step in steps)
        {
            data.Add(step.Id);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(StepIds))]
    public void A_step_agrees_with_the_reference_unless_listed_as_a_known_disagreement(string id)
    {
        if (ValidatorSuite.Steps is not { } steps)
        {
            Suites.Require(ValidatorSuite.Folder + "/manifest.json");
            return;
        }
        var outcome = ValidatorSuite.Run(steps.Single(s => s.Id == id));
        var expected = outcome.Step.Expected;
        var found = $"reference: {expected.Errors} error(s) at {string.Join(", ", expected.Locations.Select(l => l ?? "(no location)"))}; ours:\n"
            + ValidatorSuite.Show(outcome.Issues.Where(i => i.Severity <= Core.Outcomes.IssueSeverity.Warning));
        if (Known.Value.TryGetValue(id, out var known))
        {
            if (known.What == "verdict")
            {
                Assert.False(outcome.VerdictAgrees, $"{id} is listed as a verdict disagreement ({known.Reason}) but now agrees. {found}");
            }
            else
            {
                Assert.True(outcome.VerdictAgrees && !outcome.LocationsAgree,
                    $"{id} is listed as a location disagreement ({known.Reason}) but now {(outcome.VerdictAgrees ? "agrees" : "disagrees on the verdict")}. {found}");
            }
            return;
        }
        Assert.True(outcome.VerdictAgrees, $"{id}: the verdict differs from the reference. {found}");
        Assert.True(outcome.LocationsAgree, $"{id}: the errors are not where the reference found them. {found}");
    }

    [SkippableFact]
    public void The_shared_cases_reach_the_agreement_goals()
    {
        if (ValidatorSuite.Steps is not { } steps)
        {
            Suites.Require(ValidatorSuite.Folder + "/manifest.json");
            return;
        }
        var outcomes = steps.Select(ValidatorSuite.Run).ToList();
        var verdicts = outcomes.Count(o => o.VerdictAgrees);
        var locations = outcomes.Count(o => o.LocationsAgree);
        string Share(int n) => (100.0 * n / outcomes.Count).ToString("F1", CultureInfo.InvariantCulture) + "%";
        output.WriteLine($"{outcomes.Count} steps: verdict agrees {verdicts} ({Share(verdicts)}), locations agree {locations} ({Share(locations)})");
        foreach (var o in outcomes.Where(o => !o.LocationsAgree))
        {
            output.WriteLine($"{o.Step.Id}: {(o.VerdictAgrees ? "location" : "verdict")} (reference {o.Step.Expected.Errors} errors, ours {o.Errors.Count()})");
        }
        Assert.True(verdicts >= VerdictGoal * outcomes.Count, $"verdict agreement {Share(verdicts)} is below {VerdictGoal:P0}");
        Assert.True(locations >= LocationGoal * outcomes.Count, $"location agreement {Share(locations)} is below {LocationGoal:P0}");
    }

}

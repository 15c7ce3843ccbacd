using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Trials;

public abstract class TrialOperationsTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private async Task LoadAsync() =>
        await (await Client.PostAsync("", Json(TrialBundle.Json()))).ExpectAsync(HttpStatusCode.OK);

    /// <summary>
    /// The Parameters flattened to one "path = value" line per leaf, in output order; arms are named by their name part,
    /// subjects by their ResearchSubject's id, and an OperationOutcome gives one "severity code finding text" line per issue.
    /// </summary>
    internal static string Flatten(JsonElement parameters)
    {
        var sb = new StringBuilder();
        void Walk(JsonElement list, string prefix)
        {
            foreach (var p in list.EnumerateArray())
            {
                var name = p.GetProperty("name").GetString()!;
                if (name == "arm" && prefix.Length == 0)
                {
                    name = p.GetProperty("part")[0].GetProperty("valueString").GetString()!;
                }
                else if (name == "subject" && prefix.Length == 0)
                {
                    name = p.GetProperty("part")[0].GetProperty("valueReference").GetProperty("reference").GetString()!.Split('/')[1];
                }
                var path = prefix.Length == 0 ? name : prefix + "." + name;
                foreach (var property in p.EnumerateObject())
                {
                    if (property.Name.StartsWith("value", StringComparison.Ordinal))
                    {
                        sb.Append(path).Append(" = ").Append(property.Value.GetRawText()).Append('\n');
                    }
                }
                if (p.TryGetProperty("part", out var parts))
                {
                    Walk(parts, path);
                }
                if (p.TryGetProperty("resource", out var resource) && resource.TryGetProperty("issue", out var issues))
                {
                    // An OperationOutcome: one line per issue, "severity code [finding] text".
                    foreach (var issue in issues.EnumerateArray())
                    {
                        var details = issue.GetProperty("details");
                        var finding = details.TryGetProperty("coding", out var coding) ? " " + coding[0].GetProperty("code").GetString() : "";
                        sb.Append(path).Append(" = ").Append(issue.GetProperty("severity").GetString()).Append(' ').Append(issue.GetProperty("code").GetString())
                            .Append(finding).Append(' ').Append(details.GetProperty("text").GetString()).Append('\n');
                    }
                }
            }
        }
        Assert.Equal("Parameters", parameters.GetProperty("resourceType").GetString());
        Walk(parameters.GetProperty("parameter"), "");
        return sb.ToString();
    }

    internal const string ExpectedEndpoints = """
        all.name = "all"
        all.population = "efficacy-evaluable"
        all.enrolled = 4
        all.treated = 4
        all.evaluable = 4
        all.n = 4
        all.orr.numerator = 3
        all.orr.denominator = 4
        all.orr.proportion = 0.75
        all.orr.ciLower = 0.1941
        all.orr.ciUpper = 0.9937
        all.orrTreated.numerator = 3
        all.orrTreated.denominator = 4
        all.orrTreated.proportion = 0.75
        all.orrTreated.ciLower = 0.1941
        all.orrTreated.ciUpper = 0.9937
        all.bor.numerator = 3
        all.bor.denominator = 4
        all.bor.proportion = 0.75
        all.bor.ciLower = 0.1941
        all.bor.ciUpper = 0.9937
        all.dcr.numerator = 3
        all.dcr.denominator = 4
        all.dcr.proportion = 0.75
        all.dcr.ciLower = 0.1941
        all.dcr.ciUpper = 0.9937
        all.bestResponse.CR = 1
        all.bestResponse.PR = 2
        all.bestResponse.SD = 1
        all.bestResponse.PD = 0
        all.bestResponse.NE = 0
        all.bestResponse.notAssessed = 0
        all.pfs.median = {"value":6.57,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        all.pfs.ciLower = {"value":5.52,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        all.pfs.events = 2
        all.pfs.censored = 2
        all.pfs.landmark.month = 3
        all.pfs.landmark.rate = 1
        all.pfs.landmark.month = 6
        all.pfs.landmark.rate = 0.75
        all.pfs.landmark.ciLower = 0.1279
        all.pfs.landmark.ciUpper = 0.9605
        all.pfs.landmark.month = 12
        all.pfs.atRisk.month = 0
        all.pfs.atRisk.count = 4
        all.pfs.atRisk.month = 3
        all.pfs.atRisk.count = 4
        all.pfs.atRisk.month = 6
        all.pfs.atRisk.count = 3
        all.pfs.atRisk.month = 9
        all.pfs.atRisk.count = 0
        all.pfs.atRisk.month = 12
        all.pfs.atRisk.count = 0
        all.pfs.atRisk.month = 18
        all.pfs.atRisk.count = 0
        all.pfs.atRisk.month = 24
        all.pfs.atRisk.count = 0
        all.os.median = {"value":6.97,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        all.os.ciLower = {"value":6.57,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        all.os.events = 1
        all.os.censored = 3
        all.os.landmark.month = 3
        all.os.landmark.rate = 1
        all.os.landmark.month = 6
        all.os.landmark.rate = 1
        all.os.landmark.month = 12
        all.os.atRisk.month = 0
        all.os.atRisk.count = 4
        all.os.atRisk.month = 3
        all.os.atRisk.count = 4
        all.os.atRisk.month = 6
        all.os.atRisk.count = 3
        all.os.atRisk.month = 9
        all.os.atRisk.count = 0
        all.os.atRisk.month = 12
        all.os.atRisk.count = 0
        all.os.atRisk.month = 18
        all.os.atRisk.count = 0
        all.os.atRisk.month = 24
        all.os.atRisk.count = 0
        all.dor.ciLower = {"value":3.68,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        all.dor.events = 1
        all.dor.censored = 2
        all.dor.landmark.month = 3
        all.dor.landmark.rate = 1
        all.dor.landmark.month = 6
        all.dor.landmark.month = 12
        all.dor.atRisk.month = 0
        all.dor.atRisk.count = 3
        all.dor.atRisk.month = 3
        all.dor.atRisk.count = 3
        all.dor.atRisk.month = 6
        all.dor.atRisk.count = 0
        all.dor.atRisk.month = 9
        all.dor.atRisk.count = 0
        all.dor.atRisk.month = 12
        all.dor.atRisk.count = 0
        all.dor.atRisk.month = 18
        all.dor.atRisk.count = 0
        all.dor.atRisk.month = 24
        all.dor.atRisk.count = 0
        all.followUp.median = {"value":6.90,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        all.gmi.numerator = 2
        all.gmi.denominator = 2
        all.gmi.notDeterminable = 0
        all.gmi.proportion = 1
        all.gmi.ciLower = 0.1581
        all.gmi.ciUpper = 1
        all.safety.n = 4
        all.safety.any.anyGrade = 2
        all.safety.any.grade3 = 1
        all.safety.any.grade4 = 0
        all.safety.any.grade5 = 0
        all.safety.any.grade3plus = 1
        all.safety.any.serious = 1
        all.safety.any.discontinuation = 1
        all.safety.term.code = {"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"10035528","display":"Platelet count decreased"}
        all.safety.term.anyGrade = 2
        all.safety.term.grade3 = 1
        all.safety.term.grade4 = 0
        all.safety.term.grade5 = 0
        all.safety.term.grade3plus = 1
        all.safety.term.serious = 1
        all.safety.term.discontinuation = 1
        all.safety.term.code = {"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"10012727","display":"Diarrhoea"}
        all.safety.term.anyGrade = 1
        all.safety.term.grade3 = 0
        all.safety.term.grade4 = 0
        all.safety.term.grade5 = 0
        all.safety.term.grade3plus = 0
        all.safety.term.serious = 0
        all.safety.term.discontinuation = 0
        A.name = "A"
        A.population = "efficacy-evaluable"
        A.enrolled = 2
        A.treated = 2
        A.evaluable = 2
        A.n = 2
        A.orr.numerator = 1
        A.orr.denominator = 2
        A.orr.proportion = 0.5
        A.orr.ciLower = 0.0126
        A.orr.ciUpper = 0.9874
        A.orrTreated.numerator = 1
        A.orrTreated.denominator = 2
        A.orrTreated.proportion = 0.5
        A.orrTreated.ciLower = 0.0126
        A.orrTreated.ciUpper = 0.9874
        A.bor.numerator = 1
        A.bor.denominator = 2
        A.bor.proportion = 0.5
        A.bor.ciLower = 0.0126
        A.bor.ciUpper = 0.9874
        A.dcr.numerator = 1
        A.dcr.denominator = 2
        A.dcr.proportion = 0.5
        A.dcr.ciLower = 0.0126
        A.dcr.ciUpper = 0.9874
        A.bestResponse.CR = 0
        A.bestResponse.PR = 1
        A.bestResponse.SD = 1
        A.bestResponse.PD = 0
        A.bestResponse.NE = 0
        A.bestResponse.notAssessed = 0
        A.pfs.median = {"value":6.05,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        A.pfs.ciLower = {"value":5.52,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        A.pfs.events = 2
        A.pfs.censored = 0
        A.pfs.landmark.month = 3
        A.pfs.landmark.rate = 1
        A.pfs.landmark.month = 6
        A.pfs.landmark.rate = 0.5
        A.pfs.landmark.ciLower = 0.0060
        A.pfs.landmark.ciUpper = 0.9104
        A.pfs.landmark.month = 12
        A.pfs.atRisk.month = 0
        A.pfs.atRisk.count = 2
        A.pfs.atRisk.month = 3
        A.pfs.atRisk.count = 2
        A.pfs.atRisk.month = 6
        A.pfs.atRisk.count = 1
        A.pfs.atRisk.month = 9
        A.pfs.atRisk.count = 0
        A.pfs.atRisk.month = 12
        A.pfs.atRisk.count = 0
        A.pfs.atRisk.month = 18
        A.pfs.atRisk.count = 0
        A.pfs.atRisk.month = 24
        A.pfs.atRisk.count = 0
        A.os.median = {"value":6.57,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        A.os.events = 1
        A.os.censored = 1
        A.os.landmark.month = 3
        A.os.landmark.rate = 1
        A.os.landmark.month = 6
        A.os.landmark.rate = 1
        A.os.landmark.month = 12
        A.os.atRisk.month = 0
        A.os.atRisk.count = 2
        A.os.atRisk.month = 3
        A.os.atRisk.count = 2
        A.os.atRisk.month = 6
        A.os.atRisk.count = 1
        A.os.atRisk.month = 9
        A.os.atRisk.count = 0
        A.os.atRisk.month = 12
        A.os.atRisk.count = 0
        A.os.atRisk.month = 18
        A.os.atRisk.count = 0
        A.os.atRisk.month = 24
        A.os.atRisk.count = 0
        A.dor.median = {"value":3.68,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        A.dor.events = 1
        A.dor.censored = 0
        A.dor.landmark.month = 3
        A.dor.landmark.rate = 1
        A.dor.landmark.month = 6
        A.dor.landmark.month = 12
        A.dor.atRisk.month = 0
        A.dor.atRisk.count = 1
        A.dor.atRisk.month = 3
        A.dor.atRisk.count = 1
        A.dor.atRisk.month = 6
        A.dor.atRisk.count = 0
        A.dor.atRisk.month = 9
        A.dor.atRisk.count = 0
        A.dor.atRisk.month = 12
        A.dor.atRisk.count = 0
        A.dor.atRisk.month = 18
        A.dor.atRisk.count = 0
        A.dor.atRisk.month = 24
        A.dor.atRisk.count = 0
        A.followUp.median = {"value":6.05,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        A.gmi.numerator = 1
        A.gmi.denominator = 1
        A.gmi.notDeterminable = 0
        A.gmi.proportion = 1
        A.gmi.ciLower = 0.0250
        A.gmi.ciUpper = 1
        A.safety.n = 2
        A.safety.any.anyGrade = 1
        A.safety.any.grade3 = 0
        A.safety.any.grade4 = 0
        A.safety.any.grade5 = 0
        A.safety.any.grade3plus = 0
        A.safety.any.serious = 0
        A.safety.any.discontinuation = 0
        A.safety.term.code = {"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"10035528","display":"Platelet count decreased"}
        A.safety.term.anyGrade = 1
        A.safety.term.grade3 = 0
        A.safety.term.grade4 = 0
        A.safety.term.grade5 = 0
        A.safety.term.grade3plus = 0
        A.safety.term.serious = 0
        A.safety.term.discontinuation = 0
        B.name = "B"
        B.population = "efficacy-evaluable"
        B.enrolled = 2
        B.treated = 2
        B.evaluable = 2
        B.n = 2
        B.orr.numerator = 2
        B.orr.denominator = 2
        B.orr.proportion = 1
        B.orr.ciLower = 0.1581
        B.orr.ciUpper = 1
        B.orrTreated.numerator = 2
        B.orrTreated.denominator = 2
        B.orrTreated.proportion = 1
        B.orrTreated.ciLower = 0.1581
        B.orrTreated.ciUpper = 1
        B.bor.numerator = 2
        B.bor.denominator = 2
        B.bor.proportion = 1
        B.bor.ciLower = 0.1581
        B.bor.ciUpper = 1
        B.dcr.numerator = 2
        B.dcr.denominator = 2
        B.dcr.proportion = 1
        B.dcr.ciLower = 0.1581
        B.dcr.ciUpper = 1
        B.bestResponse.CR = 1
        B.bestResponse.PR = 1
        B.bestResponse.SD = 0
        B.bestResponse.PD = 0
        B.bestResponse.NE = 0
        B.bestResponse.notAssessed = 0
        B.pfs.events = 0
        B.pfs.censored = 2
        B.pfs.landmark.month = 3
        B.pfs.landmark.rate = 1
        B.pfs.landmark.month = 6
        B.pfs.landmark.rate = 1
        B.pfs.landmark.month = 12
        B.pfs.atRisk.month = 0
        B.pfs.atRisk.count = 2
        B.pfs.atRisk.month = 3
        B.pfs.atRisk.count = 2
        B.pfs.atRisk.month = 6
        B.pfs.atRisk.count = 2
        B.pfs.atRisk.month = 9
        B.pfs.atRisk.count = 0
        B.pfs.atRisk.month = 12
        B.pfs.atRisk.count = 0
        B.pfs.atRisk.month = 18
        B.pfs.atRisk.count = 0
        B.pfs.atRisk.month = 24
        B.pfs.atRisk.count = 0
        B.os.events = 0
        B.os.censored = 2
        B.os.landmark.month = 3
        B.os.landmark.rate = 1
        B.os.landmark.month = 6
        B.os.landmark.rate = 1
        B.os.landmark.month = 12
        B.os.atRisk.month = 0
        B.os.atRisk.count = 2
        B.os.atRisk.month = 3
        B.os.atRisk.count = 2
        B.os.atRisk.month = 6
        B.os.atRisk.count = 2
        B.os.atRisk.month = 9
        B.os.atRisk.count = 0
        B.os.atRisk.month = 12
        B.os.atRisk.count = 0
        B.os.atRisk.month = 18
        B.os.atRisk.count = 0
        B.os.atRisk.month = 24
        B.os.atRisk.count = 0
        B.dor.events = 0
        B.dor.censored = 2
        B.dor.landmark.month = 3
        B.dor.landmark.rate = 1
        B.dor.landmark.month = 6
        B.dor.landmark.month = 12
        B.dor.atRisk.month = 0
        B.dor.atRisk.count = 2
        B.dor.atRisk.month = 3
        B.dor.atRisk.count = 2
        B.dor.atRisk.month = 6
        B.dor.atRisk.count = 0
        B.dor.atRisk.month = 9
        B.dor.atRisk.count = 0
        B.dor.atRisk.month = 12
        B.dor.atRisk.count = 0
        B.dor.atRisk.month = 18
        B.dor.atRisk.count = 0
        B.dor.atRisk.month = 24
        B.dor.atRisk.count = 0
        B.followUp.median = {"value":6.90,"unit":"mo","system":"http://unitsofmeasure.org","code":"mo"}
        B.gmi.numerator = 1
        B.gmi.denominator = 1
        B.gmi.notDeterminable = 0
        B.gmi.proportion = 1
        B.gmi.ciLower = 0.0250
        B.gmi.ciUpper = 1
        B.safety.n = 2
        B.safety.any.anyGrade = 1
        B.safety.any.grade3 = 1
        B.safety.any.grade4 = 0
        B.safety.any.grade5 = 0
        B.safety.any.grade3plus = 1
        B.safety.any.serious = 1
        B.safety.any.discontinuation = 1
        B.safety.term.code = {"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"10012727","display":"Diarrhoea"}
        B.safety.term.anyGrade = 1
        B.safety.term.grade3 = 0
        B.safety.term.grade4 = 0
        B.safety.term.grade5 = 0
        B.safety.term.grade3plus = 0
        B.safety.term.serious = 0
        B.safety.term.discontinuation = 0
        B.safety.term.code = {"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"10035528","display":"Platelet count decreased"}
        B.safety.term.anyGrade = 1
        B.safety.term.grade3 = 1
        B.safety.term.grade4 = 0
        B.safety.term.grade5 = 0
        B.safety.term.grade3plus = 1
        B.safety.term.serious = 1
        B.safety.term.discontinuation = 1
        issues = warning incomplete missing-prior-line ResearchSubject/s-p2: no prior-line time to progression that ended before the first dose on 2024-01-01: no GMI.
        issues = warning incomplete missing-prior-line ResearchSubject/s-p3: no prior-line time to progression that ended before the first dose on 2024-01-01: no GMI.
        issues = warning conflict conflicting-genomic-results ResearchSubject/s-p3: mdm2-copy-number: MDM2 copy number 6 < 8 (Observation/m-p3b, 2023-12-05). Conflicting results: 10 (Observation/m-p3a, 2023-11-01); the most recent result decides.

        """;

    internal const string ExpectedSubjectOutcomes = """
        s-p1.subject = {"reference":"ResearchSubject/s-p1"}
        s-p1.arm = "A"
        s-p1.firstDose = "2024-01-01"
        s-p1.evaluable = true
        s-p1.bestResponse = "PR"
        s-p1.confirmed = true
        s-p1.diseaseControl = true
        s-p1.bestPercentChange = -45
        s-p1.pfsDays = 168
        s-p1.pfsEvent = true
        s-p1.osDays = 168
        s-p1.osEvent = false
        s-p1.dorDays = 112
        s-p1.dorEvent = true
        s-p1.ttpDays = 168
        s-p1.ttpEvent = true
        s-p1.gmi = 2.8
        s-p1.worstAeGrade = 1
        s-p2.subject = {"reference":"ResearchSubject/s-p2"}
        s-p2.arm = "A"
        s-p2.firstDose = "2024-01-01"
        s-p2.evaluable = true
        s-p2.bestResponse = "SD"
        s-p2.confirmed = false
        s-p2.diseaseControl = false
        s-p2.pfsDays = 200
        s-p2.pfsEvent = true
        s-p2.osDays = 200
        s-p2.osEvent = true
        s-p2.ttpDays = 111
        s-p2.ttpEvent = false
        s-p3.subject = {"reference":"ResearchSubject/s-p3"}
        s-p3.arm = "B"
        s-p3.firstDose = "2024-01-01"
        s-p3.lastDose = "2024-08-31"
        s-p3.evaluable = true
        s-p3.bestResponse = "CR"
        s-p3.confirmed = true
        s-p3.diseaseControl = true
        s-p3.pfsDays = 224
        s-p3.pfsEvent = false
        s-p3.osDays = 224
        s-p3.osEvent = false
        s-p3.dorDays = 168
        s-p3.dorEvent = false
        s-p3.ttpDays = 224
        s-p3.ttpEvent = false
        s-p3.worstAeGrade = 3
        s-p4.subject = {"reference":"ResearchSubject/s-p4"}
        s-p4.arm = "B"
        s-p4.firstDose = "2024-01-01"
        s-p4.evaluable = true
        s-p4.bestResponse = "PR"
        s-p4.confirmed = true
        s-p4.diseaseControl = true
        s-p4.pfsDays = 196
        s-p4.pfsEvent = false
        s-p4.osDays = 196
        s-p4.osEvent = false
        s-p4.dorDays = 140
        s-p4.dorEvent = false
        s-p4.ttpDays = 196
        s-p4.ttpEvent = false
        s-p4.gmi = 3.5
        issues = warning incomplete missing-prior-line ResearchSubject/s-p2: no prior-line time to progression that ended before the first dose on 2024-01-01: no GMI.
        issues = warning incomplete missing-prior-line ResearchSubject/s-p3: no prior-line time to progression that ended before the first dose on 2024-01-01: no GMI.
        issues = warning conflict conflicting-genomic-results ResearchSubject/s-p3: mdm2-copy-number: MDM2 copy number 6 < 8 (Observation/m-p3b, 2023-12-05). Conflicting results: 10 (Observation/m-p3a, 2023-11-01); the most recent result decides.

        """;

    [Fact]
    public async Task Endpoints_of_the_hand_written_trial_are_the_hand_computed_figures()
    {
        await LoadAsync();
        var body = await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(ExpectedEndpoints.ReplaceLineEndings("\n"), Flatten(body));
    }

    [Fact]
    public async Task Endpoints_at_an_earlier_cut_off_ignore_later_assessments_and_events()
    {
        await LoadAsync();
        // Day 60: only the day-56 assessments count, so no response is confirmed and nobody has progressed.
        var text = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints?arm=all&cutoff=2024-03-01")).ExpectAsync(HttpStatusCode.OK));
        Assert.Contains("all.orr.numerator = 0\n", text, StringComparison.Ordinal);
        Assert.Contains("all.bor.numerator = 3\n", text, StringComparison.Ordinal);
        Assert.Contains("all.dcr.numerator = 0\n", text, StringComparison.Ordinal);
        Assert.Contains("all.pfs.events = 0\nall.pfs.censored = 4\n", text, StringComparison.Ordinal);
        Assert.Contains("all.safety.term.anyGrade = 1\nall.safety.term.grade3 = 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("A.name", text, StringComparison.Ordinal);
        Assert.DoesNotContain("grade3plus = 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue13_bug1_the_first_dose_counts_only_the_study_drug_completed_or_in_progress_on_or_after_enrolment()
    {
        await LoadAsync();
        var before = await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints")).Content.ReadAsStringAsync();
        // Another drug before enrolment, the study drug entered in error, not done or before enrolment, a non-participant's dose.
        await (await Client.PostAsync("", Json(TrialBundle.Noise()))).ExpectAsync(HttpStatusCode.OK);
        string after;
        try
        {
            after = await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints")).Content.ReadAsStringAsync();
        }
        finally
        {
            // The class shares one store: leave it as the other tests expect it.
            await (await Client.PostAsync("", Json(TrialBundle.Deleting(TrialBundle.Noise())))).ExpectAsync(HttpStatusCode.OK);
        }
        Assert.Equal(before, after);
        Assert.Contains("all.pfs.median = {\"value\":6.57,", Flatten(JsonDocument.Parse(after).RootElement), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue13_bug2_a_second_study_sharing_patients_leaves_each_study_only_its_own_facts()
    {
        await LoadAsync();
        var before = await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints")).Content.ReadAsStringAsync();
        await (await Client.PostAsync("", Json(TrialBundle.SecondStudy()))).ExpectAsync(HttpStatusCode.OK);
        string after, second;
        try
        {
            after = await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints")).Content.ReadAsStringAsync();
            second = Flatten(await (await Client.GetAsync("ResearchStudy/trial-2/$endpoints?arm=all")).ExpectAsync(HttpStatusCode.OK));
        }
        finally
        {
            await (await Client.PostAsync("", Json(TrialBundle.Deleting(TrialBundle.SecondStudy())))).ExpectAsync(HttpStatusCode.OK);
        }
        // trial-1's figures are unchanged; its findings add the PD of p4 that no single participation can claim.
        static string Figures(string json) => string.Concat(Flatten(JsonDocument.Parse(json).RootElement).Split('\n').Where(l => !l.StartsWith("issues", StringComparison.Ordinal)).Select(l => l + "\n"));
        Assert.Equal(Figures(before), Figures(after));
        Assert.Contains("issues = warning business-rule unplaced-fact ResearchSubject/s-p4: Observation/r2-2 has no focus and several of the patient's participations cover its date; it counts for no study.\n",
            Flatten(JsonDocument.Parse(after).RootElement), StringComparison.Ordinal);
        // trial-2 sees its own focused PD of p3 (44 days after p3's first dose in it), not trial-1's scans nor the ambiguous PD.
        Assert.Contains("all.treated = 1\nall.evaluable = 1\n", second, StringComparison.Ordinal);
        Assert.Contains("all.pfs.median = {\"value\":1.45,", second, StringComparison.Ordinal);
        Assert.Contains("all.pfs.events = 1\n", second, StringComparison.Ordinal);
        Assert.Contains("issues = warning business-rule unplaced-fact ResearchSubject/s2-p4:", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue13_bug3_an_arm_without_evaluable_patients_gives_numerator_and_denominator_without_a_proportion()
    {
        await LoadAsync();
        // Before the first scan nobody is evaluable: every rate is 0/0, which has no proportion and no interval.
        var text = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints?arm=all&cutoff=2024-01-15")).ExpectAsync(HttpStatusCode.OK));
        foreach (var rate in new[] { "orr", "bor", "dcr" })
        {
            Assert.Contains($"all.{rate}.numerator = 0\nall.{rate}.denominator = 0\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"all.{rate}.proportion", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"all.{rate}.ciLower", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"all.{rate}.ciUpper", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Endpoints_of_one_arm_give_only_that_arm_and_its_participants_findings()
    {
        await LoadAsync();
        var text = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints?arm=B")).ExpectAsync(HttpStatusCode.OK));
        var expected = ExpectedEndpoints.ReplaceLineEndings("\n");
        var b = expected[expected.IndexOf("B.name", StringComparison.Ordinal)..];
        Assert.Equal(string.Concat(b.Split('\n').Where(l => !l.StartsWith("issues", StringComparison.Ordinal) || l.Contains("s-p3", StringComparison.Ordinal)).Select(l => l + "\n"))[..^1], text);
    }

    [Fact]
    public async Task Subject_outcomes_list_what_each_member_of_the_population_contributes()
    {
        await LoadAsync();
        var text = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$subject-outcomes")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal(ExpectedSubjectOutcomes.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public async Task The_treated_population_and_an_arm_select_the_listing_and_the_figures()
    {
        await LoadAsync();
        // At 2024-02-01 everyone is treated but nobody has been assessed: no efficacy-evaluable participant yet.
        var evaluable = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$subject-outcomes?cutoff=2024-02-01")).ExpectAsync(HttpStatusCode.OK));
        Assert.DoesNotContain(".subject = ", evaluable, StringComparison.Ordinal);
        var treated = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$subject-outcomes?cutoff=2024-02-01&population=treated&arm=A")).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal(["s-p1", "s-p2"], treated.Split('\n').Where(l => l.Contains(".subject = ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf('.')]));
        Assert.Contains("s-p1.evaluable = false\n", treated, StringComparison.Ordinal);
        var figures = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints?cutoff=2024-02-01&population=treated&arm=A")).ExpectAsync(HttpStatusCode.OK));
        Assert.StartsWith("A.name = \"A\"\nA.population = \"treated\"\nA.enrolled = 2\nA.treated = 2\nA.evaluable = 0\nA.n = 2\n", figures, StringComparison.Ordinal);
        Assert.Contains("A.bestResponse.notAssessed = 2\n", figures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eligibility_of_a_patient_with_MDM2_12_and_TP53_absent_is_true_with_the_evidence()
    {
        await LoadAsync();
        var body = await (await Client.GetAsync("ResearchStudy/trial-1/$eligibility?patient=Patient/p1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("""
            eligible = true
            criterion.name = "mdm2-copy-number"
            criterion.met = true
            criterion.reason = "MDM2 copy number 12 >= 8 (Observation/m-p1, 2023-12-01)."
            criterion.evidence = {"reference":"Observation/m-p1"}
            criterion.name = "tp53-wild-type"
            criterion.met = true
            criterion.reason = "TP53 absent (wild type) (Observation/t-p1, 2023-12-01)."
            criterion.evidence = {"reference":"Observation/t-p1"}

            """.ReplaceLineEndings("\n"), Flatten(body));
    }

    [Fact]
    public async Task Eligibility_with_a_range_copy_number_is_undecided_and_not_eligible()
    {
        await LoadAsync();
        var text = Flatten(await (await Client.GetAsync("ResearchStudy/trial-1/$eligibility?patient=Patient/p2")).ExpectAsync(HttpStatusCode.OK));
        Assert.StartsWith("eligible = false\ncriterion.name = \"mdm2-copy-number\"\ncriterion.reason = ", text, StringComparison.Ordinal);
        Assert.Contains("criterion.evidence = {\"reference\":\"Observation/m-p2\"}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eligibility_with_conflicting_copy_numbers_follows_the_latest_and_reports_the_conflict_and_a_missing_TP53()
    {
        await LoadAsync();
        var text = Flatten(await (await Client.PostAsync("ResearchStudy/trial-1/$eligibility?patient=Patient/p3", null)).ExpectAsync(HttpStatusCode.OK));
        Assert.Equal("""
            eligible = false
            criterion.name = "mdm2-copy-number"
            criterion.met = false
            criterion.reason = "MDM2 copy number 6 < 8 (Observation/m-p3b, 2023-12-05). Conflicting results: 10 (Observation/m-p3a, 2023-11-01); the most recent result decides."
            criterion.evidence = {"reference":"Observation/m-p3b"}
            criterion.evidence = {"reference":"Observation/m-p3a"}
            criterion.name = "tp53-wild-type"
            criterion.reason = "No TP53 result."

            """.ReplaceLineEndings("\n"), text);
    }

    [Theory]
    [InlineData("ResearchStudy/nope/$endpoints", HttpStatusCode.NotFound)]
    [InlineData("ResearchStudy/nope/$eligibility?patient=Patient/p1", HttpStatusCode.NotFound)]
    [InlineData("ResearchStudy/trial-1/$endpoints?cutoff=2024-13-01", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$endpoints?cutoff=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$endpoints?arm=Z", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$endpoints?population=everyone", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/nope/$subject-outcomes", HttpStatusCode.NotFound)]
    [InlineData("ResearchStudy/trial-1/$subject-outcomes?population=all", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$subject-outcomes?cutoff=2024-02-30", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$eligibility", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$eligibility?patient=Patient/a%20b", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$eligibility?patient=Patient/unknown", HttpStatusCode.BadRequest)]
    public async Task Bad_requests_get_an_OperationOutcome(string url, HttpStatusCode status)
    {
        await LoadAsync();
        await (await Client.GetAsync(url)).ExpectAsync(status);
    }
}

public sealed class TrialOperationsTestsOnSqlite(SqliteServer server) : TrialOperationsTests(server), IClassFixture<SqliteServer>;

public sealed class TrialOperationsTestsOnPostgres(PostgresServer server) : TrialOperationsTests(server), IClassFixture<PostgresServer>;

/// <summary>The same data in SQLite and PostgreSQL gives byte-identical operation output.</summary>
public sealed class TrialOperationsAcrossStoresTests(SqliteServer sqlite, PostgresServer postgres) : IClassFixture<SqliteServer>, IClassFixture<PostgresServer>
{
    [Theory]
    [InlineData("ResearchStudy/trial-1/$endpoints")]
    [InlineData("ResearchStudy/trial-1/$endpoints?cutoff=2024-05-01")]
    [InlineData("ResearchStudy/trial-1/$endpoints?population=treated&arm=B")]
    [InlineData("ResearchStudy/trial-1/$subject-outcomes")]
    [InlineData("ResearchStudy/trial-1/$subject-outcomes?population=treated&cutoff=2024-05-01")]
    [InlineData("ResearchStudy/trial-1/$eligibility?patient=Patient/p3")]
    public async Task SQLite_and_PostgreSQL_give_identical_output(string url)
    {
        var outputs = new List<string>();
        foreach (var client in new[] { sqlite.Client, postgres.Client })
        {
            await (await client.PostAsync("", Json(TrialBundle.Json()))).ExpectAsync(HttpStatusCode.OK);
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            outputs.Add(await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Contains("\"resourceType\":\"Parameters\"", outputs[0], StringComparison.Ordinal);
    }
}

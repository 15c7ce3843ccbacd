using System.Globalization;
using System.Text;
using System.Text.Json;
using Fhir.Trials.Tests.Statistics;
using Fhir.Trials.Tests.Support;
using Xunit.Abstractions;

namespace Fhir.Trials.Tests.Endpoints;

/// <summary>
/// The server's <c>$endpoints</c> for the generated 40-patient trial (seed 7) against R's <c>survival</c> and
/// <c>binom.test</c> (<c>scripts/r-reference-figures.R</c>). R reads the per-participant listing of
/// <c>$subject-outcomes</c> (committed as <see cref="CsvPath"/>); a test checks that the listing is still what the
/// server gives, and <c>FHIR_UPDATE_R_INPUT=1</c> rewrites it (then run the R script again).
/// </summary>
public sealed class GeneratedTrialReferenceTests(GeneratedTrialServer server, ITestOutputHelper output) : IClassFixture<GeneratedTrialServer>
{
    internal static string CsvPath => System.IO.Path.Combine(RFixture.Folder, "generated-trial-40-seed-7.csv");

    private const string Header = "arm,evaluable,confirmed,response,dc,pfs_days,pfs_event,os_days,os_event,dor_days,dor_event,ttp_days,ttp_event,gmi";

    [Fact]
    public async Task The_listing_R_reads_is_what_subject_outcomes_gives_for_the_treated_population()
    {
        var listing = await server.GetAsync($"ResearchStudy/{server.StudyId}/$subject-outcomes?population=treated");
        var rows = new List<string>();
        foreach (var subject in listing.GetProperty("parameter").EnumerateArray().Where(p => p.GetProperty("name").GetString() == "subject"))
        {
            var parts = subject.GetProperty("part").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
            string Value(string name) => parts.TryGetValue(name, out var p) ? p.EnumerateObject().First(x => x.Name.StartsWith("value", StringComparison.Ordinal)).Value.ToString() : "";
            string Flag(string name) => Value(name) == "True" || Value(name) == "true" ? "1" : "0";
            rows.Add(string.Join(",",
                Value("arm"), Flag("evaluable"), Flag("confirmed"), Value("bestResponse") is "CR" or "PR" ? "1" : "0", Flag("diseaseControl"),
                Value("pfsDays"), Flag("pfsEvent"), Value("osDays"), Flag("osEvent"),
                Value("dorDays"), Value("dorDays").Length == 0 ? "" : Flag("dorEvent"), Value("ttpDays"), Flag("ttpEvent"), Value("gmi")));
        }
        // Ids are the server's own (they differ from load to load): the rows are sorted instead.
        rows.Sort(StringComparer.Ordinal);
        var csv = Header + "\n" + string.Concat(rows.Select(r => r + "\n"));
        if (Environment.GetEnvironmentVariable("FHIR_UPDATE_R_INPUT") == "1")
        {
            File.WriteAllText(CsvPath, csv);
        }
        Assert.Equal(File.ReadAllText(CsvPath).ReplaceLineEndings("\n"), csv);
        Assert.Equal(server.Trial.Summary.Treated, rows.Count);
    }

    [Theory]
    [InlineData("efficacy-evaluable")]
    [InlineData("treated")]
    public async Task Endpoints_of_the_generated_trial_agree_with_R_for_every_arm(string population)
    {
        var fixture = RFixture.Instance;
        var agreement = new Agreement();
        const double Month = 30.4375;
        const double MonthTolerance = 0.005 + 1e-9, RateTolerance = 0.00005 + 1e-9;
        var endpoints = await server.GetAsync($"ResearchStudy/{server.StudyId}/$endpoints?population={population}");
        var arms = 0;
        foreach (var arm in endpoints.GetProperty("parameter").EnumerateArray().Where(p => p.GetProperty("name").GetString() == "arm"))
        {
            var parts = arm.GetProperty("part").EnumerateArray().ToList();
            var name = Part(parts, "name").GetProperty("valueString").GetString()!;
            var prefix = $"trial/{population}/{name}";
            if (!fixture.Survival.Any(c => c.Name == prefix + "/pfs"))
            {
                // No treated participant in this arm: R has nothing to fit, and the server reports an empty population.
                Assert.Equal(0, Part(parts, "treated").GetProperty("valueInteger").GetInt32());
                continue;
            }
            arms++;
            Assert.Equal(population, Part(parts, "population").GetProperty("valueCode").GetString());
            agreement.Same($"{prefix} n", fixture.SurvivalCase(prefix + "/pfs").N, Part(parts, "n").GetProperty("valueInteger").GetInt32(), 0);
            foreach (var endpoint in new[] { "pfs", "os", "dor" })
            {
                var r = fixture.SurvivalCase($"{prefix}/{endpoint}");
                var ours = Part(parts, endpoint).GetProperty("part").EnumerateArray().ToList();
                agreement.Same($"{r.Name} events", r.Events, Part(ours, "events").GetProperty("valueInteger").GetInt32(), 0);
                agreement.Same($"{r.Name} censored", r.N - r.Events, Part(ours, "censored").GetProperty("valueInteger").GetInt32(), 0);
                agreement.Same($"{r.Name} median", r.Median / Month, Months(ours, "median"), MonthTolerance);
                agreement.Same($"{r.Name} median lower", r.Lower / Month, Months(ours, "ciLower"), MonthTolerance);
                agreement.Same($"{r.Name} median upper", r.Upper / Month, Months(ours, "ciUpper"), MonthTolerance);
                var landmarks = ours.Where(p => p.GetProperty("name").GetString() == "landmark").Select(l => l.GetProperty("part").EnumerateArray().ToList()).ToList();
                Assert.Equal(r.LandmarkTimes.Length, landmarks.Count);
                for (var i = 0; i < landmarks.Count; i++)
                {
                    var rl = r.Landmarks.SingleOrDefault(l => Math.Abs(l.Time - r.LandmarkTimes[i]) < 1e-9);
                    var at = $"{r.Name} S({Part(landmarks[i], "month").GetProperty("valueInteger").GetInt32()} mo)";
                    agreement.Same(at, rl?.Surv, Decimal(landmarks[i], "rate"), RateTolerance);
                    agreement.Same(at + " lower", rl is { Surv: < 1 } ? rl.Lower : null, Decimal(landmarks[i], "ciLower"), RateTolerance);
                    agreement.Same(at + " upper", rl is { Surv: < 1 } ? rl.Upper : null, Decimal(landmarks[i], "ciUpper"), RateTolerance);
                }
                var atRisk = ours.Where(p => p.GetProperty("name").GetString() == "atRisk").Select(l => Part(l.GetProperty("part").EnumerateArray().ToList(), "count").GetProperty("valueInteger").GetInt32()).ToList();
                Assert.Equal(r.AtRisk.Length, atRisk.Count);
                for (var i = 0; i < atRisk.Count; i++)
                {
                    agreement.Same($"{r.Name} at risk {i}", r.AtRisk[i], atRisk[i], 0);
                }
            }
            var followUp = parts.FirstOrDefault(p => p.GetProperty("name").GetString() == "followUp");
            agreement.Same($"{prefix} follow-up", fixture.SurvivalCase(prefix + "/os").FollowUpMedian / Month,
                followUp.ValueKind == JsonValueKind.Object ? Months(followUp.GetProperty("part").EnumerateArray().ToList(), "median") : null, MonthTolerance);
            foreach (var rate in new[] { "orr", "orrTreated", "bor", "dcr", "gmi" })
            {
                var r = fixture.BinomialCase($"{prefix}/{rate}");
                var ours = Part(parts, rate).GetProperty("part").EnumerateArray().ToList();
                agreement.Same($"{r.Name} numerator", r.X, Part(ours, "numerator").GetProperty("valueInteger").GetInt32(), 0);
                agreement.Same($"{r.Name} denominator", r.N, Part(ours, "denominator").GetProperty("valueInteger").GetInt32(), 0);
                agreement.Same($"{r.Name} proportion", r.Estimate, Decimal(ours, "proportion"), RateTolerance);
                agreement.Same($"{r.Name} lower", r.Lower, Decimal(ours, "ciLower"), RateTolerance);
                agreement.Same($"{r.Name} upper", r.Upper, Decimal(ours, "ciUpper"), RateTolerance);
            }
        }
        Assert.True(arms >= 5, $"only {arms} arms compared");
        output.WriteLine($"$endpoints?population={population}: {agreement} ({fixture.Provenance}).");
    }

    private static JsonElement Part(List<JsonElement> parts, string name) => parts.Single(p => p.GetProperty("name").GetString() == name);

    private static double? Decimal(List<JsonElement> parts, string name) =>
        parts.FirstOrDefault(p => p.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("valueDecimal").GetDouble() : null;

    private static double? Months(List<JsonElement> parts, string name) =>
        parts.FirstOrDefault(p => p.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } p
            ? p.GetProperty("valueQuantity").GetProperty("value").GetDouble()
            : null;
}

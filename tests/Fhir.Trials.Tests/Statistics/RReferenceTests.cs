using Fhir.Trials.Statistics;
using Xunit.Abstractions;

namespace Fhir.Trials.Tests.Statistics;

/// <summary>
/// The library's Kaplan-Meier, landmark, risk-table, follow-up and Clopper-Pearson figures against R on every data set
/// of the fixture (Freireich 6-MP, edge cases, the generated trial's endpoints), unrounded.
/// </summary>
public sealed class RReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-7;

    [Fact]
    public void Kaplan_Meier_figures_agree_with_R_survfit_on_every_data_set()
    {
        var agreement = new Agreement();
        var fixture = RFixture.Instance;
        Assert.True(fixture.Survival.Count >= 50, $"only {fixture.Survival.Count} data sets");
        foreach (var c in fixture.Survival)
        {
            var km = KaplanMeier.Estimate(c.Time.Zip(c.Status, (t, s) => new SurvivalTime(t, s == 1 ? SurvivalStatus.Event : SurvivalStatus.Censored)));
            Assert.Equal(c.N, km.Count);
            Assert.Equal(c.Events, km.Events);
            var median = km.Median();
            agreement.Same($"{c.Name} median", c.Median, median.Median, Tolerance);
            agreement.Same($"{c.Name} median lower", c.Lower, median.Lower, Tolerance);
            agreement.Same($"{c.Name} median upper", c.Upper, median.Upper, Tolerance);
            foreach (var time in c.LandmarkTimes)
            {
                var r = c.Landmarks.SingleOrDefault(l => Math.Abs(l.Time - time) < 1e-9);
                var ours = km.At(time);
                agreement.Same($"{c.Name} S({time})", r?.Surv, ours?.Rate, Tolerance);
                // Where S is 1 R gives the degenerate interval [1, 1] (or none); the domain reports none.
                var rLower = r is { Surv: < 1 } ? r.Lower : null;
                var rUpper = r is { Surv: < 1 } ? r.Upper : null;
                agreement.Same($"{c.Name} S({time}) lower", rLower, ours?.Lower, Tolerance);
                agreement.Same($"{c.Name} S({time}) upper", rUpper, ours?.Upper, Tolerance);
            }
            for (var i = 0; i < c.RiskTimes.Length; i++)
            {
                agreement.Same($"{c.Name} at risk at {c.RiskTimes[i]}", c.AtRisk[i], km.AtRisk(c.RiskTimes[i]), 0);
            }
            var reverse = KaplanMeier.Estimate(c.Time.Zip(c.Status, (t, s) => new SurvivalTime(t, s == 1 ? SurvivalStatus.Censored : SurvivalStatus.Event)));
            agreement.Same($"{c.Name} follow-up median", c.FollowUpMedian, c.N == 0 ? null : reverse.Median().Median, Tolerance);
        }
        output.WriteLine($"Kaplan-Meier: {agreement} ({fixture.Provenance}).");
    }

    [Fact]
    public void Exact_intervals_agree_with_R_binom_test()
    {
        var agreement = new Agreement();
        foreach (var c in RFixture.Instance.Binomial)
        {
            var p = Proportion.ClopperPearson(c.X, c.N);
            agreement.Same($"{c.Name} estimate", c.Estimate, p.Estimate, Tolerance);
            agreement.Same($"{c.Name} lower", c.Lower, p.Lower, Tolerance);
            agreement.Same($"{c.Name} upper", c.Upper, p.Upper, Tolerance);
        }
        output.WriteLine($"binom.test: {agreement} ({RFixture.Instance.Provenance}).");
    }
}

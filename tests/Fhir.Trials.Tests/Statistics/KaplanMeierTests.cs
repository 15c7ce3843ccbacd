using Fhir.Trials.Statistics;

namespace Fhir.Trials.Tests.Statistics;

/// <summary>
/// Against the Freireich 6-MP leukaemia remission data (Gehan 1965), in weeks; the expected values are
/// the published Kaplan-Meier tables and R's survfit output, and the log-log limits that follow from the formulas.
/// </summary>
public sealed class KaplanMeierTests
{
    // 6-MP arm: a trailing + marks a censored remission.
    private static readonly string[] SixMp = ["6", "6", "6", "6+", "7", "9+", "10", "10+", "11+", "13", "16", "17+", "19+", "20+", "22", "23", "25+", "32+", "32+", "34+", "35+"];
    private static readonly string[] Control = ["1", "1", "2", "2", "3", "4", "4", "5", "5", "8", "8", "8", "8", "11", "11", "12", "12", "15", "17", "22", "23"];

    private static KaplanMeier Fit(string[] data) => KaplanMeier.Estimate(data.Select(t => t.EndsWith('+')
        ? new SurvivalTime(double.Parse(t[..^1], System.Globalization.CultureInfo.InvariantCulture), SurvivalStatus.Censored)
        : new SurvivalTime(double.Parse(t, System.Globalization.CultureInfo.InvariantCulture), SurvivalStatus.Event)));

    [Theory]
    [InlineData(6, 21, 3, 0.857, 0.076)]
    [InlineData(7, 17, 1, 0.807, 0.087)]
    [InlineData(10, 15, 1, 0.753, 0.096)]
    [InlineData(13, 12, 1, 0.690, 0.107)]
    [InlineData(16, 11, 1, 0.628, 0.114)]
    [InlineData(22, 7, 1, 0.538, 0.128)]
    [InlineData(23, 6, 1, 0.448, 0.135)]
    public void Six_MP_curve_matches_the_published_survival_and_Greenwood_errors(double time, int atRisk, int events, double survival, double error)
    {
        var step = Fit(SixMp).Steps.Single(s => s.Time == time);
        Assert.Equal(atRisk, step.AtRisk);
        Assert.Equal(events, step.Events);
        Assert.Equal(survival, step.Survival, 0.001);
        Assert.Equal(error, step.StandardError, 0.001);
    }

    [Fact]
    public void Six_MP_has_seven_event_times_nine_events_and_twelve_censored()
    {
        var km = Fit(SixMp);
        Assert.Equal([6.0, 7, 10, 13, 16, 22, 23], km.Steps.Select(s => s.Time));
        Assert.Equal(9, km.Events);
        Assert.Equal(12, km.Censored);
    }

    [Fact]
    public void Six_MP_survival_is_the_exact_product_limit()
    {
        var km = Fit(SixMp);
        Assert.Equal(18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12, km.SurvivalAt(13), 1e-12);
        Assert.Equal(1.0, km.SurvivalAt(5.9));
        Assert.Equal(km.SurvivalAt(13), km.SurvivalAt(15.9), 1e-15);
    }

    [Fact]
    public void Six_MP_median_is_23_weeks_with_log_log_interval_13_to_not_reached()
    {
        // R: survfit(Surv(time, status) ~ 1, conf.type = "log-log") on the 6-MP arm.
        var median = Fit(SixMp).Median();
        Assert.Equal(23, median.Median);
        Assert.Equal(13, median.Lower);
        Assert.Null(median.Upper);
    }

    [Fact]
    public void Six_MP_median_interval_on_the_log_scale_is_16_to_not_reached_as_R_prints_by_default()
    {
        var median = Fit(SixMp).Median(transform: ConfidenceTransform.Log);
        Assert.Equal(23, median.Median);
        Assert.Equal(16, median.Lower);
        Assert.Null(median.Upper);
    }

    [Fact]
    public void Control_median_is_8_weeks_with_R_default_log_interval_4_to_12()
    {
        var median = Fit(Control).Median(transform: ConfidenceTransform.Log);
        Assert.Equal(new MedianEstimate(8, 4, 12), median);
    }

    [Fact]
    public void Control_median_log_log_interval_is_4_to_11()
    {
        // From the formula: at 11 weeks S = 6/21 and Σd/(n(n−d)) = 5/42, so the upper limit
        // S^exp(−1.96·√(5/42)/|ln S|) = 0.482 is already below 0.5; at 8 weeks it is 0.578.
        var km = Fit(Control);
        Assert.Equal(new MedianEstimate(8, 4, 11), km.Median());
        var at11 = km.Steps.Single(s => s.Time == 11);
        Assert.Equal(5.0 / 42, at11.GreenwoodSum, 1e-12);
        Assert.Equal(21, km.Events);
        Assert.Equal(0, km.Censored);
    }

    [Fact]
    public void A_curve_resting_exactly_on_one_half_takes_the_middle_of_the_flat_stretch()
    {
        // survfit(Surv(1:4)) prints median 2.5.
        var km = KaplanMeier.Estimate([new(1, SurvivalStatus.Event), new(2, SurvivalStatus.Event), new(3, SurvivalStatus.Event), new(4, SurvivalStatus.Event)]);
        Assert.Equal(2.5, km.Median().Median);
    }

    [Fact]
    public void A_curve_that_stays_above_one_half_has_no_median_but_its_lower_limit_may_cross()
    {
        // S(5) = 2/3 with Σd/(n(n−d)) = 1/6: the log-log lower limit (2/3)^exp(1.96·0.408/0.405) = 0.13.
        var km = KaplanMeier.Estimate([new(5, SurvivalStatus.Event), new(6, SurvivalStatus.Censored), new(7, SurvivalStatus.Censored)]);
        Assert.Equal(new MedianEstimate(null, 5, null), km.Median());
    }

    [Fact]
    public void Censoring_at_an_event_time_keeps_the_subject_at_risk_for_that_event()
    {
        var km = KaplanMeier.Estimate([new(3, SurvivalStatus.Censored), new(3, SurvivalStatus.Event), new(4, SurvivalStatus.Event)]);
        Assert.Equal(3, km.Steps[0].AtRisk);
        Assert.Equal(2.0 / 3, km.Steps[0].Survival, 1e-12);
        Assert.Equal(0, km.Steps[1].Survival);
    }

    [Fact]
    public void Where_the_curve_reaches_zero_the_limits_are_undefined_and_do_not_cross()
    {
        // survfit(Surv(c(168, 200), c(1, 1)), conf.type = "log-log"): median 184 (S = 0.5 on 168..200), lower 168, upper NA.
        var km = KaplanMeier.Estimate([new(168, SurvivalStatus.Event), new(200, SurvivalStatus.Event)]);
        Assert.Equal(new MedianEstimate(184, 168, null), km.Median());
        Assert.Equal(new MedianEstimate(1, null, null), KaplanMeier.Estimate([new(1, SurvivalStatus.Event)]).Median());
    }

    [Fact]
    public void An_empty_sample_has_no_steps_and_no_median()
    {
        var km = KaplanMeier.Estimate([]);
        Assert.Empty(km.Steps);
        Assert.Null(km.Median().Median);
    }

    [Fact]
    public void Normal_quantile_gives_1_96_for_a_95_percent_interval()
    {
        Assert.Equal(1.959964, KaplanMeier.NormalQuantile(0.975), 1e-6);
        Assert.Equal(-2.326348, KaplanMeier.NormalQuantile(0.01), 1e-6);
    }
}

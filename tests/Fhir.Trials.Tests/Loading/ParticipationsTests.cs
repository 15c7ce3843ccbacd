using Fhir.Trials.Loading;

namespace Fhir.Trials.Tests.Loading;

public sealed class ParticipationsTests
{
    private static DateOnly D(string text) => DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static Participations TwoStudies()
    {
        var all = new Participations();
        all.Add(new Participation("a-1", "p1", "A", D("2023-03-01"), D("2023-09-30")));
        all.Add(new Participation("b-1", "p1", "B", D("2024-01-01"), null));
        all.Add(new Participation("b-2", "p2", "B", D("2024-01-01"), D("2024-03-01")));
        return all;
    }

    [Fact]
    public void A_focus_decides_whatever_the_date()
    {
        Assert.Equal(("a-1", Placement.Focus), TwoStudies().Owner("p1", "a-1", D("2024-06-01")));
    }

    [Fact]
    public void Without_focus_a_patient_in_one_study_owns_every_fact_even_outside_the_period()
    {
        Assert.Equal(("b-2", Placement.OnlyParticipation), TwoStudies().Owner("p2", null, D("2024-06-01")));
        Assert.Equal(("b-2", Placement.OnlyParticipation), TwoStudies().Owner("p2", null, null));
    }

    [Fact]
    public void Without_focus_a_patient_in_several_studies_owns_a_fact_only_through_the_one_period_that_contains_its_date()
    {
        var all = TwoStudies();
        Assert.Equal(("a-1", Placement.Period), all.Owner("p1", null, D("2023-09-30")));
        Assert.Equal(("b-1", Placement.Period), all.Owner("p1", null, D("2024-01-01")));
        Assert.Equal((null, Placement.Outside), all.Owner("p1", null, D("2023-12-01")));
        Assert.Equal((null, Placement.Outside), all.Owner("p1", null, null));
        all.Add(new Participation("c-1", "p1", "C", D("2024-05-01"), null));
        Assert.Equal((null, Placement.Ambiguous), all.Owner("p1", null, D("2024-06-01")));
    }
}

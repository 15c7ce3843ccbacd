using Fhir.Trials.Model;

namespace Fhir.Trials.Tests.Model;

public sealed class PriorLineTests
{
    private static readonly DateOnly FirstDose = new(2024, 1, 1);

    [Fact]
    public void The_most_recent_line_that_ended_before_the_first_dose_is_chosen_not_the_last_one_read()
    {
        PriorLine[] lines = [new("b", new(2023, 10, 1), 90), new("a", new(2023, 12, 1), 60), new("c", new(2022, 5, 1), 200), new("d", new(2024, 2, 1), 5)];
        Assert.Equal("a", PriorLine.MostRecent(lines, FirstDose)!.Id);
    }

    [Fact]
    public void A_line_ending_on_the_first_dose_or_later_is_not_prior_and_an_undated_one_counts_as_prior()
    {
        Assert.Null(PriorLine.MostRecent([new("x", FirstDose, 60)], FirstDose));
        Assert.Equal("u", PriorLine.MostRecent([new("x", FirstDose, 60), new("u", null, 30)], FirstDose)!.Id);
        // A dated prior line is known to be recent; an undated one only to be prior.
        Assert.Equal("x", PriorLine.MostRecent([new("u", null, 30), new("x", new(2020, 1, 1), 60)], FirstDose)!.Id);
        Assert.Equal("u1", PriorLine.MostRecent([new("u2", null, 30), new("u1", null, 60)], FirstDose)!.Id);
    }
}

using Fhir.Trials.Model;

namespace Fhir.Trials.Tests.Model;

public sealed class StudyDrugTests
{
    private static readonly StudyDrug Drug = new([new("http://example.org/drugs", "milademetan")], "Milademetan");

    [Fact]
    public void A_shared_coding_is_the_drug_and_a_different_one_is_not_whatever_the_text()
    {
        Assert.True(Drug.Matches([new("http://other.org", "x"), new("http://example.org/drugs", "milademetan")], null));
        Assert.False(Drug.Matches([new("http://other.org", "milademetan")], "Milademetan"));
        Assert.False(Drug.Matches([new("http://example.org/drugs", "doxorubicin")], "milademetan"));
    }

    [Fact]
    public void When_either_side_has_no_coding_the_texts_decide_ignoring_case()
    {
        Assert.True(Drug.Matches([], "MILADEMETAN"));
        Assert.False(Drug.Matches([], "milademetan tosylate"));
        Assert.False(Drug.Matches([], null));
        var textOnly = new StudyDrug([], "milademetan");
        Assert.True(textOnly.Matches([new("http://example.org/drugs", "milademetan")], "Milademetan"));
        Assert.False(textOnly.Matches([new("http://example.org/drugs", "milademetan")], null));
    }
}

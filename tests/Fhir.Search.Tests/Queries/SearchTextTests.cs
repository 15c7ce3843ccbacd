using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

public class SearchTextTests
{
    [Theory]
    [InlineData("Müller", "muller")]
    [InlineData("ZOË", "zoe")]
    [InlineData("Ångström", "angstrom")]
    [InlineData("École Française", "ecole francaise")]
    [InlineData("Çelik Şahin", "celik sahin")]
    [InlineData("Dvořák", "dvorak")]
    [InlineData("Łódź", "lodz")]
    [InlineData("Ørsted", "orsted")]
    [InlineData("Þór Guðmundsdóttir", "thor gudmundsdottir")]
    [InlineData("Nguyễn", "nguyễn")] // U+1EC5 is beyond the Latin table: lower-cased, kept
    [InlineData("ǑǓǏ", "oui")]
    [InlineData("Ș Ț ș ț", "s t s t")]
    public void Accented_Latin_letters_fold_to_their_base_letter(string text, string expected)
    {
        Assert.Equal(expected, SearchText.Normalize(text));
    }

    [Theory]
    [InlineData("Æsir", "aesir")]
    [InlineData("æther", "aether")]
    [InlineData("Œuvre", "oeuvre")]
    [InlineData("cœur", "coeur")]
    [InlineData("Straße", "strasse")]
    [InlineData("Ĳsselmeer", "ijsselmeer")]
    [InlineData("ĳs", "ijs")]
    [InlineData("Ǽ ǽ Ǣ ǣ", "ae ae ae ae")]
    [InlineData("Ǿ ǿ", "o o")]
    public void Ligatures_are_written_out(string text, string expected)
    {
        Assert.Equal(expected, SearchText.Normalize(text));
    }

    [Theory]
    [InlineData("Zoe\u0308", "zoe")]
    [InlineData("e\u0301cole", "ecole")]
    [InlineData("A\u030Angstro\u0308m", "angstrom")]
    [InlineData("n\u0303\u0301", "n")]
    public void Combining_accents_written_separately_are_dropped(string text, string expected)
    {
        Assert.Equal(expected, SearchText.Normalize(text));
    }

    [Fact]
    public void Precomposed_and_decomposed_forms_normalise_alike()
    {
        Assert.Equal(SearchText.Normalize("Zo\u00EB"), SearchText.Normalize("Zoe\u0308"));
        Assert.Equal(SearchText.Normalize("MÜLLER"), SearchText.Normalize("Mu\u0308ller"));
    }

    [Theory]
    [InlineData("McDonald", "mcdonald")]
    [InlineData("O'BRIEN-SMITH 3rd", "o'brien-smith 3rd")]
    [InlineData("", "")]
    public void ASCII_text_is_only_lower_cased(string text, string expected)
    {
        Assert.Equal(expected, SearchText.Normalize(text));
    }

    [Fact]
    public void Lower_case_ASCII_comes_back_as_the_same_string()
    {
        var text = new string("already lower".ToCharArray());

        Assert.Same(text, SearchText.Normalize(text));
    }

    [Theory]
    [InlineData("ΑΘΗΝΑ", "αθηνα")]
    [InlineData("Москва", "москва")]
    [InlineData("5 × 3 ÷ 2", "5 × 3 ÷ 2")]
    [InlineData("東京", "東京")]
    public void Other_scripts_and_symbols_are_lower_cased_and_kept(string text, string expected)
    {
        Assert.Equal(expected, SearchText.Normalize(text));
    }
}

using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// Updates replace a resource's index rows; the stores may keep the rows that did not change
// (SQLite does), so every kind of row is checked after updates that keep, change, drop and add
// values, next to a second resource with the same values that must not be touched.
public abstract partial class StoreTests
{
    private static readonly DateTime Year2020 = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task An_update_leaves_exactly_the_new_index_values_searchable()
    {
        await WriteAsync(Create("Observation", "u", T0, FirstIndex()));
        await WriteAsync(Create("Observation", "w", T0, FirstIndex()));

        await WriteAsync(Update("Observation", "u", 2, T0.AddMinutes(1), SecondIndex()));
        await AssertSecondIndexOfUAsync();

        // The same values again: nothing to change.
        await WriteAsync(Update("Observation", "u", 3, T0.AddMinutes(2), SecondIndex()));
        await AssertSecondIndexOfUAsync();

        // Back to the first values, then none at all.
        await WriteAsync(Update("Observation", "u", 4, T0.AddMinutes(3), FirstIndex()));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", TokenCriterion("status", null, new TokenSearchValue(null, "final", false))));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", NumberCriterion(SearchPrefix.Eq, 1.5m, 1.45m, 1.55m)));
        await WriteAsync(Update("Observation", "u", 5, T0.AddMinutes(4)));
        Assert.Equal(["w"], await SearchIdsAsync("Observation", TokenCriterion("identifier", null, new TokenSearchValue("urn:ids", "1", true))));
        Assert.Equal(["u"], await SearchIdsAsync("Observation", Missing("code", SearchParamType.Token, true)));
    }

    private async Task AssertSecondIndexOfUAsync()
    {
        Assert.Equal(["w"], await SearchIdsAsync("Observation", TokenCriterion("status", null, new TokenSearchValue(null, "final", false))));
        Assert.Equal(["u"], await SearchIdsAsync("Observation", TokenCriterion("status", null, new TokenSearchValue(null, "amended", false))));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", TokenCriterion("code", null, new TokenSearchValue(Loinc, "1234-5", true))));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", TokenCriterion("code", "text", new TokenSearchValue(null, "body", false))));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", TokenCriterion("identifier", null, new TokenSearchValue("urn:ids", "1", true))));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", StringCriterion(null, "smith")));
        Assert.Equal(["w"], await SearchIdsAsync("Observation", StringCriterion(null, "jones")));
        Assert.Equal(["u"], await SearchIdsAsync("Observation", StringCriterion(null, "brown")));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", DateCriterion(SearchPrefix.Eq, (Year2020, Year2020.AddYears(1).AddTicks(-1)))));
        Assert.Equal(["w"], await SearchIdsAsync("Observation", QuantityCriterion(new QuantitySearchValue(SearchPrefix.Eq, 5m, 4.5m, 5.5m, Ucum, "mg"))));
        Assert.Equal(["u"], await SearchIdsAsync("Observation", QuantityCriterion(new QuantitySearchValue(SearchPrefix.Eq, 6m, 5.5m, 6.5m, Ucum, "mg"))));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", QuantityCriterion(new QuantitySearchValue(SearchPrefix.Eq, 7m, 6.5m, 7.5m, null, null))));
        Assert.Equal(["w"], await SearchIdsAsync("Observation", NumberCriterion(SearchPrefix.Eq, 1.5m, 1.45m, 1.55m)));
        Assert.Equal(["u"], await SearchIdsAsync("Observation", Missing("value-number", SearchParamType.Number, true)));
        Assert.Equal(["u", "w"], await SearchIdsAsync("Observation", ReferenceCriterion(null, new ReferenceSearchValue("Patient", "p1", null))));
        Assert.Equal(["w"], await SearchIdsAsync("Observation", UriCriterion(null, "http://a.example")));
        Assert.Equal(["u"], await SearchIdsAsync("Observation", UriCriterion(null, "http://b.example")));
    }

    private static IndexValue[] FirstIndex() =>
    [
        new TokenIndexValue("status", null, "final"),
        new TokenIndexValue("code", Loinc, "1234-5", "Body weight"),
        new TokenIndexValue("identifier", "urn:ids", "1"),
        new TokenIndexValue("identifier", "urn:ids", "1"),
        new StringIndexValue("name", "smith", "Smith"),
        new StringIndexValue("name", "jones", "Jones"),
        new DateIndexValue("date", Year2020, Year2020.AddYears(1).AddTicks(-1)),
        new QuantityIndexValue("value-quantity", 5m, 4.5m, 5.5m, Ucum, "mg", 0.005m, "g"),
        new QuantityIndexValue("value-quantity", 7m, 6.5m, 7.5m, null, null),
        new NumberIndexValue("value-number", 1.5m, 1.45m, 1.55m),
        new ReferenceIndexValue("subject", "Patient", "p1", null),
        new UriIndexValue("source", "http://a.example"),
    ];

    // Status and quantity changed, the duplicate identifier and jones, the number and the uri gone, brown and another uri new.
    private static IndexValue[] SecondIndex() =>
    [
        new TokenIndexValue("code", Loinc, "1234-5", "Body weight"),
        new TokenIndexValue("status", null, "amended"),
        new TokenIndexValue("identifier", "urn:ids", "1"),
        new StringIndexValue("name", "brown", "Brown"),
        new StringIndexValue("name", "smith", "Smith"),
        new DateIndexValue("date", Year2020, Year2020.AddYears(1).AddTicks(-1)),
        new QuantityIndexValue("value-quantity", 7m, 6.5m, 7.5m, null, null),
        new QuantityIndexValue("value-quantity", 6m, 5.5m, 6.5m, Ucum, "mg", 0.006m, "g"),
        new ReferenceIndexValue("subject", "Patient", "p1", null),
        new UriIndexValue("source", "http://b.example"),
    ];
}

using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

public class QuantityCanonicalizerTests
{
    private const string Ucum = QuantityCanonicalizer.UcumSystem;

    [Fact]
    public void A_UCUM_quantity_and_its_range_are_converted_to_base_units()
    {
        Assert.True(QuantityCanonicalizer.TryCanonical(5.4m, 5.35m, 5.45m, Ucum, "mg", out var value, out var low, out var high, out var unit));

        Assert.Equal((0.0054m, 0.00535m, 0.00545m, "g"), (value, low, high, unit));
    }

    [Fact]
    public void Units_of_the_same_dimension_meet_in_one_canonical_form()
    {
        Assert.True(QuantityCanonicalizer.TryCanonical(5400m, 5399.5m, 5400.5m, Ucum, "ug", out var ug, out _, out _, out var ugUnit));
        Assert.True(QuantityCanonicalizer.TryCanonical(0.0054m, 0.00535m, 0.00545m, Ucum, "g", out var g, out _, out _, out var gUnit));

        Assert.Equal((0.0054m, "g"), (ug, ugUnit));
        Assert.Equal((ug, ugUnit), (g, gUnit));
    }

    [Fact]
    public void A_unit_without_a_system_is_tried_as_UCUM()
    {
        Assert.True(QuantityCanonicalizer.TryCanonical(1m, 0.5m, 1.5m, null, "kg", out var value, out _, out _, out var unit));

        Assert.Equal((1000m, "g"), (value, unit));
    }

    [Theory]
    [InlineData("http://snomed.info/sct", "mg")]
    [InlineData(Ucum, null)]
    [InlineData(Ucum, "furlongs")]
    [InlineData(Ucum, "[arb'U]")]
    [InlineData(null, null)]
    public void Other_systems_missing_and_unconvertible_units_have_no_canonical_form(string? system, string? unit)
    {
        Assert.False(QuantityCanonicalizer.TryCanonical(1m, 0.5m, 1.5m, system, unit, out _, out _, out _, out var canonicalUnit));
        Assert.Equal("", canonicalUnit);
    }

    [Fact]
    public void A_search_value_carries_the_canonical_form_when_there_is_one()
    {
        Assert.Equal(
            new QuantitySearchValue(SearchPrefix.Lt, 5.4m, 5.35m, 5.45m, Ucum, "mg", 0.0054m, "g"),
            QuantityCanonicalizer.Search(SearchPrefix.Lt, 5.4m, 5.35m, 5.45m, Ucum, "mg"));
        Assert.Equal(
            new QuantitySearchValue(SearchPrefix.Eq, 5.4m, 5.35m, 5.45m, "http://snomed.info/sct", "mg"),
            QuantityCanonicalizer.Search(SearchPrefix.Eq, 5.4m, 5.35m, 5.45m, "http://snomed.info/sct", "mg"));
    }

    [Theory]
    [InlineData("km")]
    [InlineData("Tm")]
    [InlineData("[lb_av]")]
    [InlineData("ug")]
    public void A_quantity_whose_canonical_form_is_beyond_the_searchable_magnitude_has_none(string unit)
    {
        // 1e28 km is 1e31 m: the quantity is then compared as written, never widened past a decimal.
        foreach (var exponent in Enumerable.Range(20, 9))
        {
            var value = (decimal)Math.Pow(10, exponent);
            if (QuantityCanonicalizer.TryCanonical(value, value * 0.95m, value * 1.05m, Ucum, unit, out var canonical, out var low, out var high, out _))
            {
                Assert.True(Math.Abs(canonical) <= SearchValues.MaxMagnitude);
                Assert.True(Math.Abs(low) <= SearchValues.MaxMagnitude * 2 && Math.Abs(high) <= SearchValues.MaxMagnitude * 2);
            }
        }
        Assert.False(QuantityCanonicalizer.TryCanonical(1e28m, 0.95e28m, 1.05e28m, Ucum, "km", out _, out _, out _, out _));
    }
}

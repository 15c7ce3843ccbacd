using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

public class SearchValuesTests
{
    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData(@"a\,b,c", new[] { "a,b", "c" })]
    [InlineData(@"a\|b\$c\\d", new[] { @"a|b$c\d" })]
    [InlineData(@"a\xb", new[] { @"a\xb" })]
    [InlineData(@"a\", new[] { @"a\" })]
    [InlineData(",", new[] { "", "" })]
    public void SplitUnescaped_splits_at_unescaped_separators_and_unescapes(string text, string[] parts)
    {
        Assert.Equal(parts, SearchValues.SplitUnescaped(text, ','));
    }

    [Theory]
    [InlineData("a,b", new[] { "a", "b" })]
    [InlineData(@"a\,b,c", new[] { @"a\,b", "c" })]
    [InlineData(@"s\|x|c,d", new[] { @"s\|x|c", "d" })]
    [InlineData(@"a\\,b", new[] { @"a\\", "b" })]
    public void Split_splits_at_unescaped_separators_and_keeps_the_escapes(string text, string[] parts)
    {
        Assert.Equal(parts, SearchValues.Split(text, ','));
    }

    [Theory]
    [InlineData("s|c", "s", "c")]
    [InlineData("|c", "", "c")]
    [InlineData("s|", "s", "")]
    [InlineData("c", "c", null)]
    [InlineData("s|c|d", "s", "c|d")]
    [InlineData(@"s\|x|c", "s|x", "c")]
    [InlineData(@"s\\|c", @"s\", "c")]
    public void SplitBar_splits_at_the_first_unescaped_bar(string text, string left, string? right)
    {
        Assert.Equal((left, right), SearchValues.SplitBar(text));
    }

    [Theory]
    [InlineData("eq5", SearchPrefix.Eq, "5")]
    [InlineData("ne5", SearchPrefix.Ne, "5")]
    [InlineData("gt5", SearchPrefix.Gt, "5")]
    [InlineData("lt5", SearchPrefix.Lt, "5")]
    [InlineData("ge5", SearchPrefix.Ge, "5")]
    [InlineData("le5", SearchPrefix.Le, "5")]
    [InlineData("sa5", SearchPrefix.Sa, "5")]
    [InlineData("eb5", SearchPrefix.Eb, "5")]
    [InlineData("ap5", SearchPrefix.Ap, "5")]
    [InlineData("5", SearchPrefix.Eq, "5")]
    [InlineData("xy5", SearchPrefix.Eq, "xy5")]
    [InlineData("GT5", SearchPrefix.Eq, "GT5")]
    [InlineData("g", SearchPrefix.Eq, "g")]
    public void ReadPrefix_takes_a_known_two_letter_prefix_off_the_value(string text, SearchPrefix prefix, string rest)
    {
        var value = text;

        Assert.Equal(prefix, SearchValues.ReadPrefix(ref value));
        Assert.Equal(rest, value);
    }

    [Theory]
    [InlineData("100", "100", "99.5", "100.5")]
    [InlineData("100.0", "100", "99.95", "100.05")]
    [InlineData("0.001", "0.001", "0.0005", "0.0015")]
    [InlineData("-3.2", "-3.2", "-3.25", "-3.15")]
    [InlineData("+7", "7", "6.5", "7.5")]
    [InlineData("1e2", "100", "50", "150")]
    [InlineData("2.50e3", "2500", "2495", "2505")]
    [InlineData("1.5e-3", "0.0015", "0.00145", "0.00155")]
    [InlineData("1E2", "100", "50", "150")]
    public void A_number_covers_half_a_unit_of_its_last_digit_either_way(string text, string value, string low, string high)
    {
        Assert.True(SearchValues.TryParseNumber(text, out var v, out var l, out var h));
        Assert.Equal((D(value), D(low), D(high)), (v, l, h));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData("0x10")]
    [InlineData("1e")]
    public void Text_that_is_no_decimal_is_not_a_number(string text)
    {
        Assert.False(SearchValues.TryParseNumber(text, out _, out _, out _));
    }

    [Theory]
    [InlineData("1e-29")]
    [InlineData("7.9e28")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-79228162514264337593543950335")]
    [InlineData("79228162514264337593543950336")]
    [InlineData("1e400")]
    [InlineData("1e-400")]
    [InlineData("0.00000000000000000000000000001")]
    [InlineData("2e28")]
    [InlineData("0e99999999999")]
    public void Issue_12_item_15_numbers_beyond_the_searchable_range_are_refused_without_an_overflow(string text)
    {
        Assert.False(SearchValues.TryParseNumber(text, out _, out _, out _));
    }

    [Fact]
    public void Every_number_of_any_magnitude_and_precision_parses_to_a_range_within_bounds_or_is_refused()
    {
        // The shape of item 15: mantissas of 1 to 30 digits, with and without a point, at every exponent from -60 to 60.
        var count = 0;
        foreach (var sign in new[] { "", "-" })
        foreach (var mantissa in new[] { "0", "1", "5", "9.99", "1.0", "123456789012345678901234567890", "0.000000000000000000000000000001", "79228162514264337593543950335", "1.00000000000000000000000000001" })
        for (var exponent = -60; exponent <= 60; exponent++)
        foreach (var text in new[] { $"{sign}{mantissa}e{exponent}", exponent == 0 ? sign + mantissa : $"{sign}{mantissa}E+{exponent}" })
        {
            count++;
            if (!SearchValues.TryParseNumber(text, out var value, out var low, out var high))
            {
                continue;
            }
            Assert.True(low <= value && value <= high, text);
            Assert.True(Math.Abs(value) <= SearchValues.MaxMagnitude, text);
            Assert.True(Math.Abs(low) <= SearchValues.MaxMagnitude * 1.5m && Math.Abs(high) <= SearchValues.MaxMagnitude * 1.5m, text);
        }
        Assert.True(count > 4000);
    }

    private static decimal D(string text) => decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
}

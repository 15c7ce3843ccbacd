using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

public class SearchDatesTests
{
    public static TheoryData<string, DateTime, DateTime> Ranges => new()
    {
        { "2023", R4.Utc(2023, 1, 1), R4.UtcEndOfSecond(2023, 12, 31, 23, 59, 59) },
        { "2023-02", R4.Utc(2023, 2, 1), R4.UtcEndOfSecond(2023, 2, 28, 23, 59, 59) },
        { "2024-02", R4.Utc(2024, 2, 1), R4.UtcEndOfSecond(2024, 2, 29, 23, 59, 59) },
        { "2024-12-31", R4.Utc(2024, 12, 31), R4.UtcEndOfSecond(2024, 12, 31, 23, 59, 59) },
        { "2024-12-31T23", R4.Utc(2024, 12, 31, 23, 0, 0), R4.UtcEndOfSecond(2024, 12, 31, 23, 59, 59) },
        { "2024-06-01T12:00:00Z", R4.Utc(2024, 6, 1, 12, 0, 0), R4.UtcEndOfSecond(2024, 6, 1, 12, 0, 0) },
        { "2024-06-01T12:00:00", R4.Utc(2024, 6, 1, 12, 0, 0), R4.UtcEndOfSecond(2024, 6, 1, 12, 0, 0) },
        { "2024-06-01T01:00:00+05:00", R4.Utc(2024, 5, 31, 20, 0, 0), R4.UtcEndOfSecond(2024, 5, 31, 20, 0, 0) },
        { "2024-06-01T22:30:00-03:30", R4.Utc(2024, 6, 2, 2, 0, 0), R4.UtcEndOfSecond(2024, 6, 2, 2, 0, 0) },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void A_date_is_the_UTC_range_of_its_precision(string text, DateTime low, DateTime high)
    {
        Assert.True(SearchDates.TryParseRange(text, out var l, out var h));
        Assert.Equal((low, high), (l, h));
        Assert.Equal((DateTimeKind.Utc, DateTimeKind.Utc), (l.Kind, h.Kind));
    }

    [Theory]
    [InlineData("")]
    [InlineData("24")]
    [InlineData("2024-2")]
    [InlineData("2024-02-30")]
    [InlineData("2024-01-01T25:00")]
    [InlineData("2024/01/01")]
    [InlineData("ge2024")]
    public void Text_that_is_no_date_has_no_range(string text)
    {
        Assert.False(SearchDates.TryParseRange(text, out _, out _));
    }
}

using System.Globalization;
using Fhir.Core.Primitives;

namespace Fhir.Core.Tests.Primitives;

public class PartialDateTimeTests
{
    [Theory]
    [InlineData("2024", DateTimePrecision.Year, "2024-01-01T00:00:00.0000000Z", "2024-12-31T23:59:59.9999999Z")]
    [InlineData("2024-02", DateTimePrecision.Month, "2024-02-01T00:00:00.0000000Z", "2024-02-29T23:59:59.9999999Z")]
    [InlineData("2023-02", DateTimePrecision.Month, "2023-02-01T00:00:00.0000000Z", "2023-02-28T23:59:59.9999999Z")]
    [InlineData("2024-12", DateTimePrecision.Month, "2024-12-01T00:00:00.0000000Z", "2024-12-31T23:59:59.9999999Z")]
    [InlineData("2024-03-10", DateTimePrecision.Day, "2024-03-10T00:00:00.0000000Z", "2024-03-10T23:59:59.9999999Z")]
    [InlineData("2024-03-10T10:20:30Z", DateTimePrecision.Second, "2024-03-10T10:20:30.0000000Z", "2024-03-10T10:20:30.9999999Z")]
    [InlineData("2024-03-10T10:20:30.5Z", DateTimePrecision.Fraction, "2024-03-10T10:20:30.5000000Z", "2024-03-10T10:20:30.5999999Z")]
    [InlineData("2024-03-10T10:20:30.123+02:00", DateTimePrecision.Fraction, "2024-03-10T08:20:30.1230000Z", "2024-03-10T08:20:30.1239999Z")]
    [InlineData("2024-03-10T23:30:00-05:00", DateTimePrecision.Second, "2024-03-11T04:30:00.0000000Z", "2024-03-11T04:30:00.9999999Z")]
    [InlineData("2024-03-10T10:20:30.123456789Z", DateTimePrecision.Fraction, "2024-03-10T10:20:30.1234567Z", "2024-03-10T10:20:30.1234567Z")]
    [InlineData("9999", DateTimePrecision.Year, "9999-01-01T00:00:00.0000000Z", "9999-12-31T23:59:59.9999999Z")]
    public void A_dateTime_covers_the_UTC_range_of_its_precision(string text, DateTimePrecision precision, string low, string high)
    {
        Assert.True(FhirPrimitives.TryParseDateTime(text, out var value));
        Assert.Equal(precision, value.Precision);
        Assert.Equal(low, value.Low.ToString("o", CultureInfo.InvariantCulture)[..^6] + "Z");
        Assert.Equal(high, value.High.ToString("o", CultureInfo.InvariantCulture)[..^6] + "Z");
        Assert.Equal(TimeSpan.Zero, value.Low.Offset);
        Assert.Equal(value.Low.UtcDateTime, value.LowUtc);
    }

    [Fact]
    public void The_components_and_offset_are_kept_as_written()
    {
        Assert.True(FhirPrimitives.TryParseDateTime("2024-03-10T10:20:30.120-05:30", out var value));
        Assert.Equal((2024, 3, 10, 10, 20, 30), (value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second));
        Assert.Equal(1_200_000, value.FractionTicks);
        Assert.Equal(3, value.FractionDigits);
        Assert.Equal(new TimeSpan(-5, -30, 0), value.Offset);
        Assert.True(value.HasTime);
        Assert.Equal("2024-03-10T10:20:30.120-05:30", value.ToString());

        Assert.True(FhirPrimitives.TryParseDate("2024-03", out var month));
        Assert.Null(month.Offset);
        Assert.False(month.HasTime);
        Assert.Equal("2024-03", month.ToString());
    }

    [Fact]
    public void Offsets_at_the_ends_of_the_calendar_are_clamped_not_thrown()
    {
        Assert.True(FhirPrimitives.TryParseDateTime("0001-01-01T00:00:00+14:00", out var first));
        Assert.Equal(DateTimeOffset.MinValue.UtcTicks, first.Low.UtcTicks);
        Assert.True(FhirPrimitives.TryParseDateTime("9999-12-31T23:59:60-14:00", out var last));
        Assert.Equal(DateTimeOffset.MaxValue.UtcTicks, last.High.UtcTicks);
    }

    [Fact]
    public void A_leap_second_runs_into_the_next_minute()
    {
        Assert.True(FhirPrimitives.TryParseInstant("2016-12-31T23:59:60Z", out var leap));
        Assert.Equal(new DateTimeOffset(2017, 1, 1, 0, 0, 0, TimeSpan.Zero), leap.Low);
    }

    [Theory]
    [InlineData("2024-03-10T10", DateTimePrecision.Hour, "2024-03-10T10:59:59.9999999")]
    [InlineData("2024-03-10T10:20", DateTimePrecision.Minute, "2024-03-10T10:20:59.9999999")]
    [InlineData("2024-03-10T10:20:30", DateTimePrecision.Second, "2024-03-10T10:20:30.9999999")]
    public void Search_values_may_stop_at_the_hour_or_minute_and_omit_the_timezone(string text, DateTimePrecision precision, string high)
    {
        Assert.False(FhirPrimitives.TryParseDateTime(text, out _));
        Assert.True(FhirPrimitives.TryParseDateTime(text, PartialDateTimeStyles.Search, out var value));
        Assert.Equal(precision, value.Precision);
        Assert.Null(value.Offset);
        Assert.Equal(high, value.HighUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture));

        Assert.True(PartialDateTime.TryParse(text, out _, requireTimezone: false));
        Assert.False(PartialDateTime.TryParse(text, out _, requireTimezone: true));
        Assert.True(PartialDateTime.TryParse(text + "Z", out var zoned, requireTimezone: true));
        Assert.Equal(TimeSpan.Zero, zoned.Offset);
    }

    [Theory]
    [InlineData("2024-01-01")]
    [InlineData("2024-01-01T10:00Z")]
    [InlineData("2024-01-01T10:00:00")]
    public void An_instant_needs_seconds_and_a_timezone(string text)
    {
        Assert.False(FhirPrimitives.TryParseInstant(text, out _));
    }

    [Fact]
    public void A_date_has_no_time()
    {
        Assert.False(FhirPrimitives.TryParseDate("2024-01-01T10:00:00Z", out _));
        Assert.True(FhirPrimitives.TryParseDateTime("2024-01-01T10:00:00Z", out _));
    }

    [Fact]
    public void Equal_texts_are_equal_values()
    {
        FhirPrimitives.TryParseDateTime("2024-01-01T10:00:00Z", out var a);
        FhirPrimitives.TryParseDateTime("2024-01-01T10:00:00Z", out var b);
        FhirPrimitives.TryParseDateTime("2024-01-01T10:00:00+00:00", out var c);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.Low, c.Low); // the same instant...
        Assert.Equal(a, c);         // ...and both offsets are zero
        FhirPrimitives.TryParseDateTime("2024-01-01T10:00:00.0Z", out var d);
        Assert.NotEqual(a, d);      // a different precision
    }

    [Theory]
    [InlineData("10:20:30", DateTimePrecision.Second, "10:20:30", "10:20:30.9999999")]
    [InlineData("10:20:30.25", DateTimePrecision.Fraction, "10:20:30.2500000", "10:20:30.2599999")]
    [InlineData("23:59:60", DateTimePrecision.Second, "1.00:00:00", "1.00:00:00.9999999")]
    public void A_time_covers_the_range_of_its_precision(string text, DateTimePrecision precision, string low, string high)
    {
        Assert.True(FhirPrimitives.TryParseTime(text, out var value));
        Assert.Equal(precision, value.Precision);
        Assert.Equal(TimeSpan.Parse(low, CultureInfo.InvariantCulture), value.Low);
        Assert.Equal(TimeSpan.Parse(high, CultureInfo.InvariantCulture), value.High);
        Assert.Equal(text, value.ToString());
    }
}

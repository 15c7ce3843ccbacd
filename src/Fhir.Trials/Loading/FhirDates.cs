using Fhir.Core.Primitives;

namespace Fhir.Trials.Loading;

/// <summary>The FHIR date readings the trial model needs.</summary>
internal static class FhirDates
{
    /// <summary>The calendar date of a date or dateTime (its earliest day for a partial date; the local date as written).</summary>
    public static DateOnly? Date(string? text)
    {
        if (text is null || text.Length < 4)
        {
            return null;
        }
        static int Part(string t, int at, int length) => int.Parse(t.AsSpan(at, length), System.Globalization.CultureInfo.InvariantCulture);
        var year = Part(text, 0, 4);
        var month = text.Length >= 7 ? Part(text, 5, 2) : 1;
        var day = text.Length >= 10 ? Part(text, 8, 2) : 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>The earliest UTC instant a date or dateTime covers (a time without zone taken as UTC).</summary>
    public static DateTime? Instant(string? text) =>
        PartialDateTime.TryParse(text, out var value, requireTimezone: false) ? value.LowUtc : null;
}

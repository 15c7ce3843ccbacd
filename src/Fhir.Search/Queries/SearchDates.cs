using Fhir.Core.Primitives;

namespace Fhir.Search.Queries;

/// <summary>Date search values as the UTC range their precision covers (<c>2024-05</c> = all of May 2024).</summary>
internal static class SearchDates
{
    /// <summary>
    /// Parses a date, dateTime or instant of any precision. A time without a timezone is taken as UTC
    /// (the specification leaves it to the server).
    /// </summary>
    public static bool TryParseRange(string text, out DateTime lowUtc, out DateTime highUtc)
    {
        if (PartialDateTime.TryParse(text, out var value, requireTimezone: false))
        {
            lowUtc = value.LowUtc;
            highUtc = value.HighUtc;
            return true;
        }
        lowUtc = highUtc = default;
        return false;
    }
}

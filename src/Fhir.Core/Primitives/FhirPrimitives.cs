namespace Fhir.Core.Primitives;

/// <summary>
/// Checks and parsers for the lexical forms of the FHIR primitive types, as the JSON reader applies
/// them; shared with validation and search.
/// </summary>
public static class FhirPrimitives
{
    /// <summary>
    /// True when <paramref name="lexical"/> is a valid value of the FHIR primitive type
    /// <paramref name="fhirTypeName"/> (<c>date</c>, <c>positiveInt</c>...). Numbers and booleans are
    /// given as their JSON text (<c>1.50</c>, <c>true</c>). Empty strings are never valid.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="fhirTypeName"/> is not an R4 primitive type.</exception>
    public static bool IsValid(string fhirTypeName, string lexical) => Explain(fhirTypeName, lexical) is null;

    /// <summary>
    /// Why <paramref name="lexical"/> is not a valid <paramref name="fhirTypeName"/> (a short phrase for a
    /// message), or null when it is valid.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="fhirTypeName"/> is not an R4 primitive type.</exception>
    public static string? Explain(string fhirTypeName, string lexical)
    {
        ArgumentNullException.ThrowIfNull(fhirTypeName);
        ArgumentNullException.ThrowIfNull(lexical);
        var kind = PrimitiveChecks.KindOf(fhirTypeName);
        if (kind == PrimitiveKind.None)
        {
            throw new ArgumentException($"'{fhirTypeName}' is not a FHIR R4 primitive type.", nameof(fhirTypeName));
        }
        return PrimitiveChecks.CheckString(kind, lexical);
    }

    /// <summary>
    /// The position of the first character a FHIR string cannot hold, a control character below U+0020 other than
    /// tab, carriage return and line feed (R4 §2.24.0.1, string); -1 when there is none.
    /// </summary>
    public static int IndexOfControlCharacter(ReadOnlySpan<char> text) => PrimitiveChecks.IndexOfControlCharacter(text);

    /// <summary>Parses a FHIR <c>date</c>: <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>.</summary>
    public static bool TryParseDate(string text, out PartialDateTime value) =>
        DateTimeGrammar.TryParse(text, DateTimeGrammar.Form.Date, PartialDateTimeStyles.None, out value);

    /// <summary>
    /// Parses a FHIR <c>dateTime</c>: a date of any precision, or a full date with
    /// <c>Thh:mm:ss[.f]</c> and a timezone (<c>Z</c> or <c>±hh:mm</c>).
    /// </summary>
    public static bool TryParseDateTime(string text, out PartialDateTime value) =>
        DateTimeGrammar.TryParse(text, DateTimeGrammar.Form.DateTime, PartialDateTimeStyles.None, out value);

    /// <summary>
    /// Parses a dateTime with relaxations: <see cref="PartialDateTimeStyles.Search"/> also takes
    /// <c>2013-01-14T10</c> and <c>2013-01-14T10:00</c> (hour and minute precision) and times without a
    /// timezone (taken as UTC), as search parameter values are written.
    /// </summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> text, PartialDateTimeStyles styles, out PartialDateTime value) =>
        DateTimeGrammar.TryParse(text, DateTimeGrammar.Form.DateTime, styles, out value);

    /// <summary>Parses a FHIR <c>instant</c>: <c>YYYY-MM-DDThh:mm:ss[.f]</c> with a timezone.</summary>
    public static bool TryParseInstant(string text, out PartialDateTime value) =>
        DateTimeGrammar.TryParse(text, DateTimeGrammar.Form.Instant, PartialDateTimeStyles.None, out value);

    /// <summary>Parses a FHIR <c>time</c>: <c>hh:mm:ss[.f]</c>, no timezone.</summary>
    public static bool TryParseTime(string text, out PartialTime value) => DateTimeGrammar.TryParseTime(text, out value);
}

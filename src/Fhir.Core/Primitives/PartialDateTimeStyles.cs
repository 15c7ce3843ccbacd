namespace Fhir.Core.Primitives;

/// <summary>
/// Relaxations of the FHIR <c>dateTime</c> grammar for values that are not resource content,
/// such as search parameter values (<c>ge2013-01-14T10:00</c>).
/// </summary>
[Flags]
public enum PartialDateTimeStyles
{
    /// <summary>The strict FHIR <c>dateTime</c> grammar: a time has seconds and a timezone.</summary>
    None = 0,
    /// <summary>A time may stop at the hour (<c>T10</c>) or the minute (<c>T10:00</c>).</summary>
    AllowPartialTime = 1,
    /// <summary>A time may have no timezone; the value is then taken as UTC.</summary>
    AllowMissingOffset = 2,
    /// <summary>What the search layer accepts: <see cref="AllowPartialTime"/> and <see cref="AllowMissingOffset"/>.</summary>
    Search = AllowPartialTime | AllowMissingOffset,
}

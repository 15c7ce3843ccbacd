namespace Fhir.Path.Types;

/// <summary>How much of a date, date/time or time value is known.</summary>
public enum DateTimePrecision
{
    /// <summary>Only the year: <c>2014</c>.</summary>
    Year,
    /// <summary>Year and month: <c>2014-05</c>.</summary>
    Month,
    /// <summary>A full date: <c>2014-05-06</c>.</summary>
    Day,
    /// <summary>Up to the hour: <c>2014-05-06T10</c> or <c>@T10</c>.</summary>
    Hour,
    /// <summary>Up to the minute: <c>T10:30</c>.</summary>
    Minute,
    /// <summary>Up to the second: <c>T10:30:00</c>.</summary>
    Second,
    /// <summary>Up to the millisecond: <c>T10:30:00.000</c>.</summary>
    Millisecond,
}

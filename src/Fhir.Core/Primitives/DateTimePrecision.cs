namespace Fhir.Core.Primitives;

/// <summary>How precisely a date, dateTime, instant or time value was written: its last component.</summary>
public enum DateTimePrecision
{
    /// <summary><c>YYYY</c>.</summary>
    Year,
    /// <summary><c>YYYY-MM</c>.</summary>
    Month,
    /// <summary><c>YYYY-MM-DD</c>.</summary>
    Day,
    /// <summary><c>...Thh</c> (search values only).</summary>
    Hour,
    /// <summary><c>...Thh:mm</c> (search values only).</summary>
    Minute,
    /// <summary><c>...Thh:mm:ss</c>.</summary>
    Second,
    /// <summary><c>...Thh:mm:ss.fff</c>: any number of fraction digits.</summary>
    Fraction,
}

namespace Fhir.Views;

/// <summary>How a column's values are stored in typed outputs (Parquet); CSV and JSON follow the same kinds.</summary>
public enum ColumnKind
{
    /// <summary>Text: string, code, id, uri, markdown, base64Binary... and dates, date/times, instants and times in their FHIR form.</summary>
    String,

    /// <summary>boolean.</summary>
    Boolean,

    /// <summary>integer, positiveInt, unsignedInt (32 bits).</summary>
    Integer,

    /// <summary>integer64 (64 bits).</summary>
    Integer64,

    /// <summary>decimal (exact in CSV and JSON; a double in Parquet).</summary>
    Decimal,
}

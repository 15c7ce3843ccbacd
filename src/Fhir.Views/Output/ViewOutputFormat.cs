namespace Fhir.Views.Output;

/// <summary>The output formats of a view (SQL on FHIR <c>$run</c>'s <c>_format</c>).</summary>
public enum ViewOutputFormat
{
    /// <summary>CSV with a header row (RFC 4180 quoting; collections as JSON arrays).</summary>
    Csv,

    /// <summary>One JSON object per row and line.</summary>
    Ndjson,

    /// <summary>One JSON array of row objects.</summary>
    Json,

    /// <summary>Apache Parquet, typed columns, collections as lists.</summary>
    Parquet,
}

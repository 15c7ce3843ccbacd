namespace Fhir.Core.Primitives;

/// <summary>The FHIR primitive types, as the reader and the checks tell them apart.</summary>
internal enum PrimitiveKind
{
    /// <summary>Not a primitive.</summary>
    None,
    Boolean, Integer, PositiveInt, UnsignedInt, Decimal,
    String, Markdown, Code, Id, Uri, Url, Canonical, Oid, Uuid, Base64Binary, Xhtml,
    Date, DateTime, Instant, Time,
    /// <summary>A primitive this code has no hand-written check for: its definition's pattern is used.</summary>
    Other,
}

/// <summary>Which JSON token a primitive is written as.</summary>
internal enum JsonPrimitiveToken { String, Number, Boolean }

namespace Fhir.Xml;

/// <summary>Options of <see cref="FhirXmlWriter"/>.</summary>
public sealed record FhirXmlWriterOptions
{
    /// <summary>Pretty-print with two-space indentation; compact when false (the default).</summary>
    public bool Indented { get; init; }

    /// <summary>Compact XML.</summary>
    public static FhirXmlWriterOptions Default { get; } = new();
}

namespace Fhir.Trials.Eligibility;

/// <summary>One genomic Variant Observation of a patient, reduced to what the criteria read.</summary>
/// <param name="ObservationId">The Observation's logical id.</param>
/// <param name="Gene">The gene studied (HGNC id, e.g. <c>HGNC:6973</c>), or null.</param>
/// <param name="Status">The Observation's status.</param>
/// <param name="Effective">The effective (or issued) time as written, or null.</param>
/// <param name="EffectiveUtc">That time as UTC (its earliest instant), for ordering; null when absent.</param>
/// <param name="ValueCode">The LOINC answer of <c>valueCodeableConcept</c> (<c>LA9633-4</c> Present, <c>LA9634-2</c> Absent...), or null.</param>
/// <param name="CopyNumber">The copy-number component's Quantity value, or null.</param>
/// <param name="CopyNumberIsRange">True when the copy number is reported as a Range.</param>
public sealed record VariantResult(
    string ObservationId,
    string? Gene,
    string Status,
    string? Effective,
    DateTime? EffectiveUtc,
    string? ValueCode,
    decimal? CopyNumber,
    bool CopyNumberIsRange)
{
    /// <summary>The Organizations (logical ids) that performed the test (<c>Observation.performer</c>).</summary>
    public IReadOnlyList<string> Performers { get; init; } = [];

    /// <summary>A relative reference to the Observation.</summary>
    public string Reference => "Observation/" + ObservationId;

    /// <summary>False for results withdrawn (<c>entered-in-error</c>, <c>cancelled</c>).</summary>
    public bool IsValid => Status is not ("entered-in-error" or "cancelled");
}

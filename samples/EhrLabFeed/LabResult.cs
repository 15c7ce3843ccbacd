using System.Text.Json;
using System.Text.Json.Serialization;

namespace EhrLabFeed;

/// <summary>
/// One result message as the lab system sends it (the shape of <c>lab-result.json</c>): the patient, the accession, when
/// the specimen was collected, the MDM2 copy number, the TP53 status and the blood count. Replace this with your feed's format.
/// </summary>
internal sealed record LabResult(
    LabPatient Patient,
    string Accession,
    DateTimeOffset Collected,
    decimal? Mdm2CopyNumber,
    string? Tp53Status,
    IReadOnlyList<CbcValue> Cbc)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Reads a result message from JSON.</summary>
    public static LabResult Read(string json) =>
        JsonSerializer.Deserialize<LabResult>(json, Options) ?? throw new InvalidDataException("The lab result is empty.");
}

/// <summary>The patient as the EHR knows them: the MRN is what the FHIR server keys on.</summary>
internal sealed record LabPatient(string MrnSystem, string Mrn, string Family, string Given, string Gender, string BirthDate);

/// <summary>One blood count value with its LOINC code and UCUM unit (<c>718-7</c> haemoglobin in <c>g/dL</c>...).</summary>
internal sealed record CbcValue(string Loinc, string Display, decimal Value, string Unit);

using System.Text.Json;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Trials.Loading;

/// <summary>One Observation the loader reads, as the kind of fact it is (exactly one of the four is set).</summary>
/// <param name="Id">The Observation's logical id.</param>
/// <param name="PatientId">Its subject.</param>
/// <param name="Focus">The ResearchSubject its focus names, or null.</param>
internal readonly record struct ObservationFact(string Id, string PatientId, string? Focus)
{
    public ResponseAssessment? Assessment { get; init; }
    public LesionMeasurement? Lesion { get; init; }
    public PriorLine? PriorLine { get; init; }
    public VariantResult? Variant { get; init; }

    /// <summary>The fact an Observation states, or null when it is none the trial reads (or unusable).</summary>
    public static ObservationFact? Of(JsonElement observation, string id)
    {
        if (TrialMapper.Assessment(observation, id) is var (patient, focus, assessment))
        {
            return new ObservationFact(id, patient, focus) { Assessment = assessment };
        }
        if (TrialMapper.Lesion(observation, id) is var (lp, lesionFocus, lesion))
        {
            return new ObservationFact(id, lp, lesionFocus) { Lesion = lesion };
        }
        if (TrialMapper.PriorLineTtp(observation, id) is var (pp, lineFocus, line))
        {
            return new ObservationFact(id, pp, lineFocus) { PriorLine = line };
        }
        if (TrialMapper.Variant(observation, id) is { } variant && observation.Child("subject").ReferenceId("Patient") is { } vp)
        {
            return new ObservationFact(id, vp, null) { Variant = variant };
        }
        return null;
    }
}

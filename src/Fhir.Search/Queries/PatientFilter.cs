namespace Fhir.Search.Queries;

/// <summary>
/// Holds a search to the patient compartments of some patients (a Bulk Data group export, a view run for a cohort):
/// a resource matches when its current version is in the compartment of one of <see cref="Ids"/>, or, with
/// <see cref="Any"/>, of some patient at all (a patient-level export). The membership is the one each version was
/// written with (the Patient compartment definition), so it needs no per-patient reference walk.
/// </summary>
/// <param name="Ids">The patients' ids; null for any patient.</param>
public sealed record PatientFilter(IReadOnlyList<string>? Ids)
{
    /// <summary>Resources in some patient's compartment.</summary>
    public static PatientFilter Any { get; } = new((IReadOnlyList<string>?)null);

    /// <summary>Resources in the compartment of one of <paramref name="ids"/>.</summary>
    public static PatientFilter Of(IReadOnlyList<string> ids) => new(ids ?? throw new ArgumentNullException(nameof(ids)));
}

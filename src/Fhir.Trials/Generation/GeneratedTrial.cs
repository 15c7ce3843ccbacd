namespace Fhir.Trials.Generation;

/// <summary>
/// A generated trial: the study's transaction Bundle first, then one per patient, each as FHIR JSON
/// (UTF-8) with the file name it is written under; load them in this order.
/// </summary>
/// <param name="Bundles">The transaction Bundles, the study's first.</param>
/// <param name="Summary">What the trial holds.</param>
public sealed record GeneratedTrial(IReadOnlyList<GeneratedBundle> Bundles, TrialSummary Summary);

/// <summary>One transaction Bundle.</summary>
/// <param name="FileName">The file name, e.g. <c>patient-0001.json</c>; file names sort in load order.</param>
/// <param name="Json">The Bundle as UTF-8 FHIR JSON.</param>
public sealed record GeneratedBundle(string FileName, byte[] Json);

/// <summary>Counts over the generated trial, as printed by <c>fhir trial generate</c>.</summary>
/// <param name="StudyIdentifier">The study's identifier value.</param>
/// <param name="Screened">Patients screened.</param>
/// <param name="Enrolled">Patients with a ResearchSubject.</param>
/// <param name="ConfirmedResponders">Enrolled patients with a confirmed CR or PR.</param>
/// <param name="Progressed">Enrolled patients with documented progression.</param>
/// <param name="Deaths">Patients who died before the cut-off.</param>
/// <param name="AdverseEvents">AdverseEvent resources (of both studies).</param>
/// <param name="Resources">All resources in all bundles.</param>
/// <param name="DataCutoff">The study's data cut-off date.</param>
public sealed record TrialSummary(
    string StudyIdentifier, int Screened, int Enrolled, int ConfirmedResponders, int Progressed, int Deaths, int AdverseEvents, int Resources, DateOnly DataCutoff)
{
    /// <summary>Enrolled patients who received at least one dose of the study drug.</summary>
    public int Treated { get; init; }

    /// <summary>The registry-based study's identifier value.</summary>
    public string RegistryStudyIdentifier { get; init; } = "";

    /// <summary>Enrolled patients who took part in the registry-based study before (a second ResearchSubject each).</summary>
    public int RegistryParticipants { get; init; }
}

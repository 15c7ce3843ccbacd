namespace Fhir.Trials.Generation;

/// <summary>
/// How a patient's bundle refers to what the study bundle creates: conditional references on identifiers, which the
/// server resolves when the transaction is processed.
/// </summary>
/// <param name="Main">The basket study (<c>ResearchStudy?identifier=…|RAIN-32-S{seed}</c>).</param>
/// <param name="Registry">The registry-based study (<c>ResearchStudy?identifier=…|REG-IS-S{seed}</c>).</param>
/// <param name="CentralLaboratory">The central genomics laboratory (<c>Organization?identifier=…</c>).</param>
internal sealed record StudyReferences(string Main, string Registry, string CentralLaboratory)
{
    public static StudyReferences For((string System, string Value) main, (string System, string Value) registry, (string System, string Value) laboratory) =>
        new($"ResearchStudy?identifier={main.System}|{main.Value}",
            $"ResearchStudy?identifier={registry.System}|{registry.Value}",
            $"Organization?identifier={laboratory.System}|{laboratory.Value}");
}

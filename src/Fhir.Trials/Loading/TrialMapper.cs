using Fhir.Core.Model;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Trials.Loading;

/// <summary>Maps stored resources to the trial model per the conventions in <c>profiles/README.md</c>.</summary>
internal static class TrialMapper
{
    /// <summary>The study's arms, thresholds and cut-off.</summary>
    public static TrialStudy Study(ElementNode study, string id)
    {
        var arms = study.ChildrenNamed("arm").Select(a => a.Text("name")).OfType<string>().ToList();
        var thresholds = EligibilityThresholds.Protocol;
        if (study.Extension(TrialCodes.EligibilityCriteria) is { } criteria)
        {
            if (criteria.Extension("mdm2CopyNumberMin")?.Child("value")?.Value is decimal min)
            {
                thresholds = thresholds with { Mdm2CopyNumberMin = min };
            }
            if (criteria.Extension("tp53Required")?.Child("value").Code(TrialCodes.Loinc) is { } tp53)
            {
                thresholds = thresholds with { Tp53RequiredCode = tp53 };
            }
        }
        var cutoff = Nodes.Date(study.Extension(TrialCodes.DataCutoff).Text("value"));
        return new TrialStudy(id, arms, thresholds, cutoff);
    }

    /// <summary>A time-point response, or null when the Observation is another kind or unusable.</summary>
    public static (string PatientId, ResponseAssessment Assessment)? Assessment(ElementNode observation)
    {
        if (observation.Child("code").Code(TrialCodes.ResponseAssessment) != TrialCodes.TimepointResponse || IsWithdrawn(observation))
        {
            return null;
        }
        var patient = observation.Child("subject").ReferenceId("Patient");
        var date = Nodes.Date(EffectiveText(observation));
        var value = observation.Child("value").Code(TrialCodes.RecistResponse);
        if (patient is null || date is null || !Enum.TryParse<Response>(value, ignoreCase: false, out var response) || !Enum.IsDefined(response))
        {
            return null;
        }
        return (patient, new ResponseAssessment(date.Value, response));
    }

    /// <summary>The prior-line time to progression in days, or null when the Observation is another kind or unusable.</summary>
    public static (string PatientId, double Days)? PriorLineTtp(ElementNode observation)
    {
        if (observation.Child("code").Code(TrialCodes.ResponseAssessment) != TrialCodes.PriorLineTtp || IsWithdrawn(observation))
        {
            return null;
        }
        var patient = observation.Child("subject").ReferenceId("Patient");
        var quantity = observation.Child("value");
        if (patient is null || quantity is null || quantity.Type.Name != "Quantity" || quantity.Child("value")?.Value is not decimal amount)
        {
            return null;
        }
        double? factor = (quantity.Text("code") ?? quantity.Text("unit")) switch
        {
            "d" => 1,
            "wk" => 7,
            "mo" => 30.4375,
            "a" => 365.25,
            _ => null,
        };
        return factor is { } f ? (patient, (double)amount * f) : null;
    }

    /// <summary>An adverse event with the ids of its ResearchSubject (extension) and Patient.</summary>
    public static (string? SubjectId, string? PatientId, AdverseEventRecord Event)? AdverseEvent(ElementNode ae)
    {
        var coding = ae.Child("event")?.ChildrenNamed("coding").FirstOrDefault(c => c.Text("system") == TrialCodes.MedDra)
            ?? ae.Child("event")?.Child("coding");
        var date = Nodes.Date(ae.Text("date"));
        if (coding?.Text("code") is not { } code || date is null)
        {
            return null;
        }
        var gradeCode = ae.Extension(TrialCodes.CtcaeGrade)?.Child("value").Code(TrialCodes.Ncit);
        var grade = gradeCode is null ? -1 : IndexOf(TrialCodes.GradeCodes, gradeCode);
        var record = new AdverseEventRecord(
            coding.Text("system") ?? "",
            code,
            coding.Text("display"),
            date.Value,
            grade >= 0 ? grade + 1 : null,
            IsSerious: ae.Child("seriousness").Code(TrialCodes.Seriousness) == "serious",
            LedToDiscontinuation: ae.Extension(TrialCodes.AeActionTaken)?.Child("value").Code(TrialCodes.AeAction) == "drug-withdrawn");
        return (ae.Extension(TrialCodes.ResearchSubjectExtension)?.Child("value").ReferenceId("ResearchSubject"), ae.Child("subject").ReferenceId("Patient"), record);
    }

    /// <summary>A Variant Observation as the eligibility criteria read it, or null when it is not one.</summary>
    public static VariantResult? Variant(ElementNode observation, string id)
    {
        if (observation.Child("code").Code(TrialCodes.Loinc) != TrialCodes.VariantCode)
        {
            return null;
        }
        string? gene = null;
        decimal? copies = null;
        var range = false;
        foreach (var component in observation.ChildrenNamed("component"))
        {
            switch (component.Child("code").Code(TrialCodes.Loinc))
            {
                case TrialCodes.GeneStudied:
                    gene = component.Child("value").Code(TrialCodes.Hgnc);
                    break;
                case TrialCodes.CopyNumber when component.Child("value") is { } value:
                    if (value.Type.Name == "Quantity" && value.Child("value")?.Value is decimal number)
                    {
                        copies = number;
                    }
                    range |= value.Type.Name == "Range";
                    break;
            }
        }
        var effective = EffectiveText(observation) ?? observation.Text("issued");
        return new VariantResult(id, gene, observation.Text("status") ?? "unknown", effective, Nodes.Instant(effective),
            observation.Child("value").Code(TrialCodes.Loinc), copies, CopyNumberIsRange: range);
    }

    private static string? EffectiveText(ElementNode observation)
    {
        var effective = observation.Child("effective");
        return effective?.Type.Name == "Period" ? effective.Text("start") : effective?.Value as string;
    }

    private static bool IsWithdrawn(ElementNode observation) => observation.Text("status") is "entered-in-error" or "cancelled";

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }
        return -1;
    }
}

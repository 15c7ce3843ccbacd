using System.Text.Json;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Trials.Loading;

/// <summary>
/// Maps stored resources to the trial model per the conventions in <c>profiles/README.md</c>. It reads the
/// stored JSON directly: the strict FHIR reader built a whole element tree per resource for the handful of
/// fields used here, which made it the largest cost of <c>$endpoints</c> (issue 6).
/// </summary>
internal static class TrialMapper
{
    /// <summary>The study's arms, thresholds and cut-off.</summary>
    public static TrialStudy Study(JsonElement study, string id)
    {
        var arms = study.Children("arm").Select(a => a.Text("name")).OfType<string>().ToList();
        var thresholds = EligibilityThresholds.Protocol;
        if (study.Extension(TrialCodes.EligibilityCriteria) is { } criteria)
        {
            if (criteria.Extension("mdm2CopyNumberMin").Choice("value", "Decimal") is { ValueKind: JsonValueKind.Number } min)
            {
                thresholds = thresholds with { Mdm2CopyNumberMin = min.GetDecimal() };
            }
            if (criteria.Extension("tp53Required").Choice("value", "CodeableConcept").Code(TrialCodes.Loinc) is { } tp53)
            {
                thresholds = thresholds with { Tp53RequiredCode = tp53 };
            }
        }
        var cutoff = FhirDates.Date(study.Extension(TrialCodes.DataCutoff).ChoiceText("value"));
        var drug = study.Extension(TrialCodes.StudyDrug).Choice("value", "CodeableConcept") is { } concept
            ? new StudyDrug(Codings(concept), concept.Text("text"))
            : null;
        string? laboratory = null;
        foreach (var population in study.Children("extension"))
        {
            if (population.Text("url") == TrialCodes.AnalysisPopulation
                && population.Extension("population").ChoiceText("value") == "efficacy-evaluable"
                && population.Extension("biomarkerConfirmedBy").Choice("value", "Reference").ReferenceId("Organization") is { } organization)
            {
                laboratory = organization;
            }
        }
        return new TrialStudy(id, arms, thresholds, cutoff) { Drug = drug, BiomarkerLaboratory = laboratory };
    }

    /// <summary>A participation with its arm, or null when it lacks the patient or the start.</summary>
    public static (Participation Participation, string? Arm)? Subject(JsonElement subject, string id)
    {
        var patient = subject.Child("individual").ReferenceId("Patient");
        var start = FhirDates.Date(subject.Text("period.start"));
        return patient is null || start is null
            ? null
            : (new Participation(id, patient, subject.Child("study").ReferenceId("ResearchStudy"), start.Value, FhirDates.Date(subject.Text("period.end"))),
                subject.Text("actualArm") ?? subject.Text("assignedArm"));
    }

    /// <summary>The declared last contact of a participant (<c>last-contact</c> extension), or null.</summary>
    public static DateOnly? LastContact(JsonElement subject) => FhirDates.Date(subject.Extension(TrialCodes.LastContact).ChoiceText("value"));

    /// <summary>An Encounter's patient and the dates it shows the patient alive (its period's start and end), or null.</summary>
    public static (string PatientId, DateOnly? Start, DateOnly? End)? Encounter(JsonElement encounter)
    {
        if (encounter.Text("status") is "entered-in-error" or "cancelled"
            || encounter.Child("subject").ReferenceId("Patient") is not { } patient)
        {
            return null;
        }
        return (patient, FhirDates.Date(encounter.Text("period.start")), FhirDates.Date(encounter.Text("period.end")));
    }

    /// <summary>A target lesion's diameter with its patient and focus, or null when the Observation is another kind or unusable.</summary>
    public static (string PatientId, string? Focus, LesionMeasurement Lesion)? Lesion(JsonElement observation, string id)
    {
        if (observation.Child("code").Code(TrialCodes.Loinc) != TrialCodes.LesionDiameter || IsWithdrawn(observation))
        {
            return null;
        }
        var patient = observation.Child("subject").ReferenceId("Patient");
        var date = FhirDates.Date(EffectiveText(observation));
        var quantity = observation.Choice("value", "Quantity");
        if (patient is null || date is null || quantity.Child("value") is not { ValueKind: JsonValueKind.Number } amount)
        {
            return null;
        }
        double? factor = (quantity.Text("code") ?? quantity.Text("unit")) switch
        {
            "mm" => 1,
            "cm" => 10,
            _ => null,
        };
        return factor is { } f ? (patient, Focus(observation), new LesionMeasurement(id, date.Value, (double)amount.GetDecimal() * f)) : null;
    }

    /// <summary>The date of death of a Patient (<c>deceasedDateTime</c>), or null.</summary>
    public static DateOnly? Death(JsonElement patient) => FhirDates.Date(patient.Choice("deceased", "DateTime")?.GetString());

    /// <summary>
    /// A MedicationAdministration of the study drug with its patient, or null when it is another drug (or given as a
    /// <c>medicationReference</c>, which names no drug here), has no patient or no start.
    /// </summary>
    public static (string PatientId, DoseRecord Dose)? Administration(JsonElement administration, string id, StudyDrug? drug)
    {
        if (drug is null || administration.Choice("medication", "CodeableConcept") is not { } medication
            || !drug.Matches(Codings(medication), medication.Text("text")))
        {
            return null;
        }
        var patient = administration.Child("subject").ReferenceId("Patient");
        DateOnly? start, end;
        if (administration.Choice("effective", "Period") is { } period)
        {
            start = FhirDates.Date(period.Text("start"));
            end = FhirDates.Date(period.Text("end"));
        }
        else
        {
            start = end = FhirDates.Date(administration.ChoiceText("effective"));
        }
        var status = administration.Text("status") switch
        {
            "completed" => DoseStatus.Completed,
            "in-progress" => DoseStatus.InProgress,
            "entered-in-error" => DoseStatus.EnteredInError,
            _ => DoseStatus.Other,
        };
        return patient is null || start is null ? null : (patient, new DoseRecord(id, start.Value, end, status));
    }

    private static List<DrugCoding> Codings(JsonElement concept)
    {
        var codings = new List<DrugCoding>();
        foreach (var coding in concept.Children("coding"))
        {
            if (coding.Text("code") is { } code)
            {
                codings.Add(new DrugCoding(coding.Text("system"), code));
            }
        }
        return codings;
    }

    /// <summary>A time-point response with its patient and focus, or null when the Observation is another kind or unusable.</summary>
    public static (string PatientId, string? Focus, ResponseAssessment Assessment)? Assessment(JsonElement observation, string id)
    {
        if (observation.Child("code").Code(TrialCodes.ResponseAssessment) != TrialCodes.TimepointResponse || IsWithdrawn(observation))
        {
            return null;
        }
        var patient = observation.Child("subject").ReferenceId("Patient");
        var date = FhirDates.Date(EffectiveText(observation));
        var value = observation.Choice("value", "CodeableConcept").Code(TrialCodes.RecistResponse);
        if (patient is null || date is null || !Enum.TryParse<Response>(value, ignoreCase: false, out var response) || !Enum.IsDefined(response))
        {
            return null;
        }
        return (patient, Focus(observation), new ResponseAssessment(date.Value, response, id));
    }

    /// <summary>A prior line's time to progression with its patient and focus, or null when the Observation is another kind or unusable.</summary>
    public static (string PatientId, string? Focus, PriorLine Line)? PriorLineTtp(JsonElement observation, string id)
    {
        if (observation.Child("code").Code(TrialCodes.ResponseAssessment) != TrialCodes.PriorLineTtp || IsWithdrawn(observation))
        {
            return null;
        }
        var patient = observation.Child("subject").ReferenceId("Patient");
        var quantity = observation.Choice("value", "Quantity");
        if (patient is null || quantity.Child("value") is not { ValueKind: JsonValueKind.Number } amount)
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
        var ended = observation.Choice("effective", "Period") is { } period
            ? FhirDates.Date(period.Text("end") ?? period.Text("start"))
            : FhirDates.Date(observation.ChoiceText("effective"));
        return factor is { } f ? (patient, Focus(observation), new PriorLine(id, ended, (double)amount.GetDecimal() * f)) : null;
    }

    /// <summary>An adverse event with the ids of its ResearchSubject (extension) and Patient.</summary>
    public static (string? SubjectId, string? PatientId, AdverseEventRecord Event)? AdverseEvent(JsonElement ae, string id)
    {
        var coding = ae.Child("event").Children("coding").Cast<JsonElement?>().FirstOrDefault(c => c.Text("system") == TrialCodes.MedDra)
            ?? ae.Child("event").Child("coding");
        var date = FhirDates.Date(ae.Text("date"));
        if (coding.Text("code") is not { } code || date is null)
        {
            return null;
        }
        var gradeCode = ae.Extension(TrialCodes.CtcaeGrade).Choice("value", "CodeableConcept").Code(TrialCodes.Ncit);
        var grade = gradeCode is null ? -1 : IndexOf(TrialCodes.GradeCodes, gradeCode);
        var record = new AdverseEventRecord(
            coding.Text("system") ?? "",
            code,
            coding.Text("display"),
            date.Value,
            grade >= 0 ? grade + 1 : null,
            IsSerious: ae.Child("seriousness").Code(TrialCodes.Seriousness) == "serious",
            LedToDiscontinuation: ae.Extension(TrialCodes.AeActionTaken).Choice("value", "CodeableConcept").Code(TrialCodes.AeAction) == "drug-withdrawn",
            Id: id);
        return (ae.Extension(TrialCodes.ResearchSubjectExtension).Choice("value", "Reference").ReferenceId("ResearchSubject"), ae.Child("subject").ReferenceId("Patient"), record);
    }

    /// <summary>A Variant Observation as the eligibility criteria read it, or null when it is not one.</summary>
    public static VariantResult? Variant(JsonElement observation, string id)
    {
        if (observation.Child("code").Code(TrialCodes.Loinc) != TrialCodes.VariantCode)
        {
            return null;
        }
        string? gene = null;
        decimal? copies = null;
        var range = false;
        foreach (var component in observation.Children("component"))
        {
            switch (component.Child("code").Code(TrialCodes.Loinc))
            {
                case TrialCodes.GeneStudied:
                    gene = component.Choice("value", "CodeableConcept").Code(TrialCodes.Hgnc);
                    break;
                case TrialCodes.CopyNumber when component.Choice("value") is var (value, type):
                    if (type == "Quantity" && value.Child("value") is { ValueKind: JsonValueKind.Number } number)
                    {
                        copies = number.GetDecimal();
                    }
                    range |= type == "Range";
                    break;
            }
        }
        var effective = EffectiveText(observation) ?? observation.Text("issued");
        var performers = new List<string>();
        foreach (var performer in observation.Children("performer"))
        {
            if (((JsonElement?)performer).ReferenceId("Organization") is { } organization)
            {
                performers.Add(organization);
            }
        }
        return new VariantResult(id, gene, observation.Text("status") ?? "unknown", effective, FhirDates.Instant(effective),
            observation.Choice("value", "CodeableConcept").Code(TrialCodes.Loinc), copies, CopyNumberIsRange: range)
        {
            Performers = performers,
        };
    }

    private static string? EffectiveText(JsonElement resource)
    {
        return resource.Choice("effective") is ({ } value, var type)
            ? type == "Period" ? value.Text("start") : value.ValueKind == JsonValueKind.String ? value.GetString() : null
            : null;
    }

    // The ResearchSubject an Observation's focus names (the participation it belongs to), or null.
    private static string? Focus(JsonElement observation)
    {
        foreach (var focus in observation.Children("focus"))
        {
            if (((JsonElement?)focus).ReferenceId("ResearchSubject") is { } id)
            {
                return id;
            }
        }
        return null;
    }

    private static bool IsWithdrawn(JsonElement observation) => observation.Text("status") is "entered-in-error" or "cancelled";

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

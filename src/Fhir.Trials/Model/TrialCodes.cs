namespace Fhir.Trials.Model;

/// <summary>The canonical URLs and codes of profiles/README.md that the trial code reads.</summary>
public static class TrialCodes
{
    /// <summary>The canonical base of the project's conformance resources.</summary>
    public const string Base = "http://trials.example.org/fhir";

    /// <summary>Extension on ResearchStudy with the eligibility thresholds.</summary>
    public const string EligibilityCriteria = Base + "/StructureDefinition/eligibility-criteria";

    /// <summary>Extension on ResearchStudy with the data cut-off date.</summary>
    public const string DataCutoff = Base + "/StructureDefinition/data-cutoff";

    /// <summary>Extension on ResearchStudy with the study drug (valueCodeableConcept).</summary>
    public const string StudyDrug = Base + "/StructureDefinition/study-drug";

    /// <summary>Extension on ResearchStudy declaring an analysis population (complex: <c>population</c>, <c>description</c>, <c>biomarkerConfirmedBy</c>).</summary>
    public const string AnalysisPopulation = Base + "/StructureDefinition/analysis-population";

    /// <summary>Extension on ResearchSubject with the last date the participant was known to be alive (valueDate).</summary>
    public const string LastContact = Base + "/StructureDefinition/last-contact";

    /// <summary>Code system of the data-quality findings.</summary>
    public const string DataQuality = Base + "/CodeSystem/data-quality";

    /// <summary>Extension on a <c>$candidates</c> entry's <c>search</c>: eligible or undecidable (valueCode).</summary>
    public const string CandidateStatus = Base + "/StructureDefinition/candidate-status";

    /// <summary>Extension on a <c>$candidates</c> entry's <c>search</c>: why, naming the results (valueString, one per criterion).</summary>
    public const string CandidateReason = Base + "/StructureDefinition/candidate-reason";

    /// <summary>Extension on AdverseEvent with the CTCAE grade.</summary>
    public const string CtcaeGrade = Base + "/StructureDefinition/ctcae-grade";

    /// <summary>Extension on AdverseEvent with the action taken with the study drug.</summary>
    public const string AeActionTaken = Base + "/StructureDefinition/ae-action-taken";

    /// <summary>Extension on AdverseEvent referencing the ResearchSubject.</summary>
    public const string ResearchSubjectExtension = Base + "/StructureDefinition/research-subject";

    /// <summary>Code system of the response observations' codes.</summary>
    public const string ResponseAssessment = Base + "/CodeSystem/response-assessment";

    /// <summary>Code system of the RECIST response values.</summary>
    public const string RecistResponse = Base + "/CodeSystem/recist-response";

    /// <summary>Code system of the AE actions.</summary>
    public const string AeAction = Base + "/CodeSystem/ae-action";

    /// <summary>LOINC.</summary>
    public const string Loinc = "http://loinc.org";

    /// <summary>HGNC gene identifiers.</summary>
    public const string Hgnc = "http://www.genenames.org";

    /// <summary>MedDRA.</summary>
    public const string MedDra = "http://terminology.hl7.org/CodeSystem/mdr";

    /// <summary>NCI Thesaurus (CTCAE grades).</summary>
    public const string Ncit = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#";

    /// <summary>AE seriousness code system.</summary>
    public const string Seriousness = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";

    /// <summary>LOINC "Discrete genetic variant" (the Variant profile's code).</summary>
    public const string VariantCode = "69548-6";

    /// <summary>LOINC "Gene studied" component.</summary>
    public const string GeneStudied = "48018-6";

    /// <summary>LOINC "Genomic copy number" component.</summary>
    public const string CopyNumber = "82155-3";

    /// <summary>LOINC answer Present.</summary>
    public const string Present = "LA9633-4";

    /// <summary>LOINC answer Absent (TP53 wild type).</summary>
    public const string Absent = "LA9634-2";

    /// <summary>HGNC id of MDM2.</summary>
    public const string Mdm2 = "HGNC:6973";

    /// <summary>HGNC id of TP53.</summary>
    public const string Tp53 = "HGNC:11998";

    /// <summary>LOINC "Size.maximum dimension in Tumor": a target lesion's diameter (<c>lesion-measurement</c>).</summary>
    public const string LesionDiameter = "33728-7";

    /// <summary>Code of a time-point response observation.</summary>
    public const string TimepointResponse = "timepoint-response";

    /// <summary>Code of the prior-line time-to-progression observation.</summary>
    public const string PriorLineTtp = "prior-line-ttp";

    /// <summary>The NCIt codes of CTCAE grades 1 to 5, in order.</summary>
    public static readonly IReadOnlyList<string> GradeCodes = ["C41338", "C41339", "C41340", "C41337", "C48275"];
}

namespace Fhir.Trials.Generation;

/// <summary>The canonical URLs and code systems of profiles/README.md, as the generator writes them.</summary>
internal static class TrialCodes
{
    public const string Base = "http://trials.example.org/fhir";
    public const string Loinc = "http://loinc.org";
    public const string Hgnc = "http://www.genenames.org";
    public const string SequenceOntology = "http://www.sequenceontology.org";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string Ncit = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#";
    public const string MedDra = "http://terminology.hl7.org/CodeSystem/mdr";
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    public const string Seriousness = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness";
    public const string AeOutcome = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome";
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    public const string V2Category = "http://terminology.hl7.org/CodeSystem/v2-0074";
    public const string StudyPhase = "http://terminology.hl7.org/CodeSystem/research-study-phase";

    public static string Profile(string id) => $"{Base}/StructureDefinition/{id}";

    public static string CodeSystem(string id) => $"{Base}/CodeSystem/{id}";

    public static string IdentifierSystem(string kind) => $"{Base}/identifiers/{kind}";

    /// <summary>The MedDRA terms of the reported safety spectrum, with the incidence and grade weights (grades 1 to 4) the generator draws from.</summary>
    public static readonly AeTerm[] AeTerms =
    [
        new("10035528", "Platelet count decreased", 0.60, [0.22, 0.25, 0.33, 0.20]),
        new("10029366", "Neutrophil count decreased", 0.38, [0.20, 0.35, 0.35, 0.10]),
        new("10002272", "Anaemia", 0.30, [0.30, 0.40, 0.30, 0.00]),
        new("10049182", "White blood cell count decreased", 0.28, [0.35, 0.40, 0.25, 0.00]),
        new("10012727", "Diarrhoea", 0.30, [0.55, 0.35, 0.10, 0.00]),
    ];

    /// <summary>The study drug, as both studies declare it and every administration names it.</summary>
    public const string StudyDrugCode = "milademetan";

    /// <summary>Drugs of earlier lines (RxNorm), given before the study.</summary>
    public static readonly (string Code, string Display)[] PriorDrugs =
    [
        ("3639", "doxorubicin"),
        ("12574", "gemcitabine"),
        ("56946", "paclitaxel"),
    ];

    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    /// <summary>The registry-based study's one arm: MDM2-amplified intimal sarcoma.</summary>
    public const string RegistryArm = "intimal-sarcoma";

    /// <summary>The NCIt concepts of CTCAE grades 1 to 5.</summary>
    public static readonly (string Code, string Display)[] Grades =
    [
        ("C41338", "Grade 1 Mild Adverse Event"),
        ("C41339", "Grade 2 Moderate Adverse Event"),
        ("C41340", "Grade 3 Severe Adverse Event"),
        ("C41337", "Grade 4 Life Threatening or Disabling Adverse Event"),
        ("C48275", "Grade 5 Death Related to Adverse Event"),
    ];

    /// <summary>The baskets (arms) of the reference trial, with how often a screened patient has that tumour type.</summary>
    public static readonly (string Name, string Description, double Weight)[] Baskets =
    [
        ("liposarcoma", "Liposarcoma", 0.30),
        ("intimal-sarcoma", "Intimal sarcoma", 0.07),
        ("endometrial-stromal-sarcoma", "Endometrial stromal sarcoma", 0.04),
        ("other-sarcoma", "Other sarcomas", 0.06),
        ("nsclc", "Lung adenocarcinoma / non-small cell lung cancer", 0.09),
        ("bladder-urothelial", "Bladder urothelial carcinoma", 0.05),
        ("gastric", "Gastric / stomach adenocarcinoma", 0.05),
        ("biliary-tract", "Biliary tract carcinoma / cholangiocarcinoma", 0.06),
        ("breast", "Breast cancer", 0.05),
        ("ovarian", "Ovarian cancer", 0.04),
        ("cervical", "Cervical cancer", 0.03),
        ("head-and-neck", "Head and neck cancer", 0.03),
        ("pancreas", "Pancreatic cancer", 0.04),
        ("melanoma", "Melanoma", 0.03),
        ("testicular-germ-cell", "Testicular germ cell tumour", 0.02),
        ("adrenocortical", "Adrenocortical carcinoma", 0.02),
    ];
}

/// <summary>An adverse-event term: its MedDRA code, how often enrolled patients have it, and the weights of grades 1 to 4.</summary>
internal sealed record AeTerm(string Code, string Display, double Incidence, double[] GradeWeights);

using Hl7.Fhir.Model;

namespace EhrLabFeed;

/// <summary>
/// Maps a lab result to one transaction Bundle of conditional creates: the Patient (keyed on the MRN), the MDM2 copy number
/// and TP53 status as the trial's profiled genomic Observations, and one laboratory Observation per blood count value, each
/// keyed on the accession and its test. Observations refer to the Patient by its <c>urn:uuid</c>, which the server
/// resolves to the Patient it creates or finds; a resend finds everything and creates nothing.
/// </summary>
internal static class LabResultMapper
{
    public const string TrialBase = "http://trials.example.org/fhir";
    public const string ObservationIdentifiers = TrialBase + "/identifiers/observation";
    private const string Loinc = "http://loinc.org";

    public static Bundle ToTransaction(LabResult result)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var patientUrl = "urn:uuid:" + Guid.NewGuid();
        var patient = new Patient
        {
            Identifier = [new Identifier(result.Patient.MrnSystem, result.Patient.Mrn)],
            Name = [new HumanName { Family = result.Patient.Family, Given = [result.Patient.Given] }],
            Gender = Enum.Parse<AdministrativeGender>(result.Patient.Gender, ignoreCase: true),
            BirthDate = result.Patient.BirthDate,
        };
        Add(bundle, patientUrl, patient, $"identifier={result.Patient.MrnSystem}|{result.Patient.Mrn}");

        var effective = new FhirDateTime(result.Collected);
        if (result.Mdm2CopyNumber is { } copies)
        {
            Add(bundle, Mdm2(result, patientUrl, effective, copies));
        }
        if (result.Tp53Status is { } status)
        {
            Add(bundle, Tp53(result, patientUrl, effective, status));
        }
        foreach (var value in result.Cbc)
        {
            Add(bundle, Cbc(result, patientUrl, effective, value));
        }
        return bundle;
    }

    /// <summary>The MDM2 copy number as the trial's <c>mdm2-copy-number</c> profile (Genomics Reporting's variant) has it.</summary>
    private static Observation Mdm2(LabResult result, string patientUrl, FhirDateTime effective, decimal copies)
    {
        var observation = Genomic(result, patientUrl, effective, "mdm2-copy-number", "MDM2", new Coding(Loinc, "LA9633-4", "Present"));
        observation.Component.Add(Component("48018-6", "Gene studied [ID]", new CodeableConcept("http://www.genenames.org", "HGNC:6973", "MDM2")));
        observation.Component.Add(new Observation.ComponentComponent
        {
            Code = new CodeableConcept(Loinc, "82155-3", "Genomic structural variant copy number"),
            Value = new Quantity(copies, "1") { Unit = "copies" },
        });
        observation.Component.Add(Component("48002-0", "Genomic source class [Type]", new CodeableConcept(Loinc, "LA6684-0", "Somatic")));
        observation.Component.Add(Component("48019-4", "DNA change type", new CodeableConcept("http://www.sequenceontology.org", "SO:0001742", "copy_number_gain")));
        return observation;
    }

    /// <summary>TP53 as the trial's <c>tp53-status</c> profile has it: Absent (wild type), Present (mutated), No call.</summary>
    private static Observation Tp53(LabResult result, string patientUrl, FhirDateTime effective, string status)
    {
        var answer = status.ToLowerInvariant() switch
        {
            "wild-type" or "absent" => new Coding(Loinc, "LA9634-2", "Absent"),
            "mutated" or "present" => new Coding(Loinc, "LA9633-4", "Present"),
            "no-call" => new Coding(Loinc, "LA18198-4", "No call"),
            _ => throw new InvalidDataException($"Unknown TP53 status '{status}' (wild-type, mutated or no-call)."),
        };
        var observation = Genomic(result, patientUrl, effective, "tp53-status", "TP53", answer);
        observation.Component.Add(Component("48018-6", "Gene studied [ID]", new CodeableConcept("http://www.genenames.org", "HGNC:11998", "TP53")));
        return observation;
    }

    private static Observation Genomic(LabResult result, string patientUrl, FhirDateTime effective, string profile, string test, Coding answer) => new()
    {
        Meta = new Meta { Profile = [$"{TrialBase}/StructureDefinition/{profile}"] },
        Identifier = [new Identifier(ObservationIdentifiers, $"{result.Accession}-{test}")],
        Status = ObservationStatus.Final,
        Category =
        [
            new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"),
            new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0074", "GE"),
        ],
        Code = new CodeableConcept(Loinc, "69548-6", "Genetic variant assessment"),
        Subject = new ResourceReference(patientUrl),
        Effective = effective,
        Value = new CodeableConcept { Coding = [answer] },
    };

    /// <summary>A blood count value: a laboratory Observation coded in LOINC with a UCUM quantity.</summary>
    private static Observation Cbc(LabResult result, string patientUrl, FhirDateTime effective, CbcValue value) => new()
    {
        Identifier = [new Identifier(ObservationIdentifiers, $"{result.Accession}-{value.Loinc}")],
        Status = ObservationStatus.Final,
        Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
        Code = new CodeableConcept(Loinc, value.Loinc, value.Display),
        Subject = new ResourceReference(patientUrl),
        Effective = effective,
        Value = new Quantity(value.Value, value.Unit) { Unit = value.Unit },
    };

    private static Observation.ComponentComponent Component(string loinc, string display, CodeableConcept value) =>
        new() { Code = new CodeableConcept(Loinc, loinc, display), Value = value };

    private static void Add(Bundle bundle, Observation observation)
    {
        var identifier = observation.Identifier[0];
        Add(bundle, "urn:uuid:" + Guid.NewGuid(), observation, $"identifier={identifier.System}|{identifier.Value}");
    }

    private static void Add(Bundle bundle, string fullUrl, Resource resource, string ifNoneExist) =>
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName, IfNoneExist = ifNoneExist },
        });
}

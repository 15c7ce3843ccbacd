using System.Text.Json.Nodes;
using static Fhir.Trials.Generation.BundleBuilder;

namespace Fhir.Trials.Generation;

/// <summary>Turns one <see cref="PatientCourse"/> into its transaction Bundle, following profiles/README.md.</summary>
internal static class PatientBundle
{
    public static (byte[] Json, int Resources) Build(PatientCourse patient, TrialRandom random, (string System, string Value) study)
    {
        var bundle = new BundleBuilder(random);
        var studyReference = $"ResearchStudy?identifier={study.System}|{study.Value}";
        var patientUrl = bundle.Add(Patient(patient), Id("patient", patient.Key));
        var subject = Reference(patientUrl);

        for (var i = 0; i < patient.Mdm2.Count; i++)
        {
            var id = Id("observation", $"{patient.Key}-MDM2-{i + 1}");
            bundle.Add(Mdm2(patient.Mdm2[i], id, subject), id);
        }
        for (var i = 0; i < patient.Tp53.Count; i++)
        {
            var id = Id("observation", $"{patient.Key}-TP53-{i + 1}");
            bundle.Add(Tp53(patient.Tp53[i], id, subject), id);
        }
        if (!patient.Enrolled)
        {
            return (bundle.ToJson(), bundle.Count);
        }

        var ttpId = Id("observation", $"{patient.Key}-TTP");
        bundle.Add(new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = Meta("prior-line-ttp"),
            ["identifier"] = new JsonArray(Identifier(ttpId)),
            ["status"] = "final",
            ["code"] = Concept(TrialCodes.CodeSystem("response-assessment"), "prior-line-ttp", "Time to progression on the prior line"),
            ["subject"] = subject.DeepClone(),
            ["effectiveDateTime"] = Date(patient.ScreeningDate),
            ["valueQuantity"] = Quantity(patient.PriorLineTtp.Value, patient.PriorLineTtp.Unit, patient.PriorLineTtp.Unit == "mo" ? "month" : "day"),
        }, ttpId);

        var participantId = Id("participant", $"{patient.Key}-RS");
        var period = new JsonObject { ["start"] = Date(patient.FirstDose) };
        if (patient.OffStudy is { } off)
        {
            period["end"] = Date(off);
        }
        var participantUrl = bundle.Add(new JsonObject
        {
            ["resourceType"] = "ResearchSubject",
            ["meta"] = Meta("study-participant"),
            ["identifier"] = new JsonArray(Identifier(participantId)),
            ["status"] = patient.OffStudy is null ? "on-study" : "off-study",
            ["period"] = period,
            ["study"] = Reference(studyReference),
            ["individual"] = subject.DeepClone(),
            ["assignedArm"] = TrialCodes.Baskets[patient.Basket].Name,
        }, participantId);

        var assessmentUrls = new List<string>();
        for (var i = 0; i < patient.Assessments.Count; i++)
        {
            var (date, response) = patient.Assessments[i];
            var id = Id("observation", $"{patient.Key}-TR-{i + 1}");
            assessmentUrls.Add(bundle.Add(Response(id, "timepoint-response", "Time-point response", response, date, subject, participantUrl), id));
        }
        var borId = Id("observation", $"{patient.Key}-BOR");
        var best = patient.BestResponse();
        var bor = Response(borId, "best-overall-response", "Best overall response", best,
            patient.Assessments.Count > 0 ? patient.Assessments[^1].Date : patient.OffStudy ?? patient.FirstDose, subject, participantUrl);
        if (best is "CR" or "PR")
        {
            var confirming = patient.Response()!.Value.Confirming;
            bor.Insert(2, "extension", new JsonArray(new JsonObject
            {
                ["url"] = TrialCodes.Profile("response-confirmed"),
                ["valueBoolean"] = confirming is not null,
            }));
            if (confirming is { } c)
            {
                bor["hasMember"] = new JsonArray(Reference(assessmentUrls[c]));
            }
        }
        bundle.Add(bor, borId);

        for (var i = 0; i < patient.AdverseEvents.Count; i++)
        {
            var id = Id("adverse-event", $"{patient.Key}-AE-{i + 1}");
            bundle.Put(AdverseEvent(patient.AdverseEvents[i], id, subject, participantUrl, studyReference), id.Item2.ToLowerInvariant());
        }
        return (bundle.ToJson(), bundle.Count);
    }

    private static (string System, string Value) Id(string kind, string value) => (TrialCodes.IdentifierSystem(kind), value);

    private static JsonObject Patient(PatientCourse patient)
    {
        var resource = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray(Identifier(Id("patient", patient.Key))),
            ["name"] = new JsonArray(new JsonObject { ["family"] = "Synthetic", ["given"] = new JsonArray($"Patient {patient.Number}") }),
            ["gender"] = patient.Gender,
            ["birthDate"] = Date(patient.BirthDate),
        };
        if (patient.Death is { } death)
        {
            resource["deceasedDateTime"] = Date(death);
        }
        return resource;
    }

    private static JsonArray GenomicsCategories() => new(
        new JsonObject { ["coding"] = new JsonArray(Coding(TrialCodes.ObservationCategory, "laboratory", "Laboratory")) },
        new JsonObject { ["coding"] = new JsonArray(Coding(TrialCodes.V2Category, "GE", "Genetics")) });

    private static JsonObject Component(string loinc, string display, string valueName, JsonNode value) =>
        new() { ["code"] = Concept(TrialCodes.Loinc, loinc, display), [valueName] = value };

    private static JsonObject Mdm2(Mdm2Result result, (string, string) id, JsonObject subject)
    {
        var copyNumber = result.CopyNumber is { } value
            ? Component("82155-3", "Genomic structural variant copy number", "valueQuantity", Quantity(value, "1"))
            : Component("82155-3", "Genomic structural variant copy number", "valueRange",
                new JsonObject { ["low"] = Quantity(result.RangeLow, "1"), ["high"] = Quantity(result.RangeHigh, "1") });
        return Variant("mdm2-copy-number", id, subject, result.Date, Concept(TrialCodes.Loinc, "LA9633-4", "Present"),
            Component("48018-6", "Gene studied [ID]", "valueCodeableConcept", Concept(TrialCodes.Hgnc, "HGNC:6973", "MDM2")),
            copyNumber,
            Component("48002-0", "Genomic source class [Type]", "valueCodeableConcept", Concept(TrialCodes.Loinc, "LA6684-0", "Somatic")),
            Component("48019-4", "DNA change type", "valueCodeableConcept", Concept(TrialCodes.SequenceOntology, "SO:0001742", "copy_number_gain")));
    }

    private static JsonObject Tp53((DateOnly Date, string Code, string Display) result, (string, string) id, JsonObject subject) =>
        Variant("tp53-status", id, subject, result.Date, Concept(TrialCodes.Loinc, result.Code, result.Display),
            Component("48018-6", "Gene studied [ID]", "valueCodeableConcept", Concept(TrialCodes.Hgnc, "HGNC:11998", "TP53")));

    // A Genomics Reporting variant Observation (LOINC 69548-6) of one of the trial's profiles.
    private static JsonObject Variant(string profile, (string, string) id, JsonObject subject, DateOnly date, JsonObject value, params JsonObject[] components) => new()
    {
        ["resourceType"] = "Observation",
        ["meta"] = Meta(profile),
        ["identifier"] = new JsonArray(Identifier(id)),
        ["status"] = "final",
        ["category"] = GenomicsCategories(),
        ["code"] = Concept(TrialCodes.Loinc, "69548-6", "Genetic variant assessment"),
        ["subject"] = subject.DeepClone(),
        ["effectiveDateTime"] = Date(date),
        ["valueCodeableConcept"] = value,
        ["component"] = new JsonArray([.. components]),
    };

    private static JsonObject Response((string, string) id, string kind, string kindDisplay, string response, DateOnly date, JsonObject subject, string participantUrl) => new()
    {
        ["resourceType"] = "Observation",
        ["meta"] = Meta("tumour-response"),
        ["identifier"] = new JsonArray(Identifier(id)),
        ["status"] = "final",
        ["code"] = Concept(TrialCodes.CodeSystem("response-assessment"), kind, kindDisplay),
        ["subject"] = subject.DeepClone(),
        ["focus"] = new JsonArray(Reference(participantUrl)),
        ["effectiveDateTime"] = Date(date),
        ["valueCodeableConcept"] = Concept(TrialCodes.CodeSystem("recist-response"), response),
        ["method"] = Concept(TrialCodes.Dicom, "126081", "RECIST 1.1"),
    };

    private static JsonObject AdverseEvent(AdverseEventCourse ae, (string, string) id, JsonObject subject, string participantUrl, string studyReference)
    {
        var term = TrialCodes.AeTerms[ae.Term];
        var grade = TrialCodes.Grades[ae.Grade - 1];
        var extensions = new JsonArray(
            new JsonObject { ["url"] = TrialCodes.Profile("ctcae-grade"), ["valueCodeableConcept"] = Concept(TrialCodes.Ncit, grade.Code, grade.Display) },
            new JsonObject { ["url"] = TrialCodes.Profile("research-subject"), ["valueReference"] = Reference(participantUrl) },
            new JsonObject { ["url"] = TrialCodes.Profile("ae-action-taken"), ["valueCodeableConcept"] = Concept(TrialCodes.CodeSystem("ae-action"), ae.Action) });
        return new JsonObject
        {
            ["resourceType"] = "AdverseEvent",
            ["meta"] = Meta("ctcae-adverse-event"),
            ["extension"] = extensions,
            ["identifier"] = Identifier(id),
            ["actuality"] = "actual",
            ["event"] = Concept(TrialCodes.MedDra, term.Code, term.Display),
            ["subject"] = subject.DeepClone(),
            ["date"] = Date(ae.Onset),
            ["seriousness"] = Concept(TrialCodes.Seriousness, ae.Serious ? "serious" : "non-serious", ae.Serious ? "Serious" : "Non-serious"),
            ["outcome"] = Concept(TrialCodes.AeOutcome, ae.Outcome),
            ["study"] = new JsonArray(Reference(studyReference)),
        };
    }
}

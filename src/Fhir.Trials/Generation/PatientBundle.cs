using System.Text.Json.Nodes;
using static Fhir.Trials.Generation.BundleBuilder;

namespace Fhir.Trials.Generation;

/// <summary>Turns one <see cref="PatientCourse"/> into its transaction Bundle, following profiles/README.md.</summary>
internal static class PatientBundle
{
    public static (byte[] Json, int Resources) Build(PatientCourse patient, TrialRandom random, StudyReferences studies)
    {
        var bundle = new BundleBuilder(random);
        var patientUrl = bundle.Add(Patient(patient), Id("patient", patient.Key));
        var subject = Reference(patientUrl);

        for (var i = 0; i < patient.Mdm2.Count; i++)
        {
            var id = Id("observation", $"{patient.Key}-MDM2-{i + 1}");
            bundle.Add(Mdm2(patient.Mdm2[i], id, subject, performer: null), id);
        }
        for (var i = 0; i < patient.Tp53.Count; i++)
        {
            var id = Id("observation", $"{patient.Key}-TP53-{i + 1}");
            bundle.Add(Tp53(patient.Tp53[i], id, subject, performer: null), id);
        }
        if (!patient.Enrolled)
        {
            return (bundle.ToJson(), bundle.Count);
        }

        if (patient.Registry is { } registry)
        {
            AddRegistry(bundle, patient, registry, subject, studies);
        }
        AddPriorLine(bundle, Id("observation", $"{patient.Key}-TTP"), subject, patient.PriorLineEnded, patient.PriorLineTtp);
        if (patient.Registry is { } line)
        {
            AddPriorLine(bundle, Id("observation", $"{patient.Key}-REG-TTP"), subject, line.Progression, (line.TimeToProgression, "d"));
        }
        if (patient.PriorChemotherapy is { } chemo)
        {
            var id = Id("administration", $"{patient.Key}-PRIOR-MA");
            bundle.Add(Administration(id, subject, Concept(TrialCodes.RxNorm, chemo.Code, chemo.Display), "completed", chemo.Date, chemo.Date), id);
        }

        var participantId = Id("participant", $"{patient.Key}-RS");
        var period = new JsonObject { ["start"] = Date(patient.FirstDose) };
        if (patient.OffStudy is { } off)
        {
            period["end"] = Date(off);
        }
        var participant = new JsonObject
        {
            ["resourceType"] = "ResearchSubject",
            ["meta"] = Meta("study-participant"),
            ["identifier"] = new JsonArray(Identifier(participantId)),
            ["status"] = patient.OffStudy is null ? "on-study" : "off-study",
            ["period"] = period,
            ["study"] = Reference(studies.Main),
            ["individual"] = subject.DeepClone(),
            ["assignedArm"] = TrialCodes.Baskets[patient.Basket].Name,
        };
        if (patient.LastContact is { } contact)
        {
            participant.Insert(2, "extension", new JsonArray(new JsonObject { ["url"] = TrialCodes.Profile("last-contact"), ["valueDate"] = Date(contact) }));
        }
        var participantUrl = bundle.Add(participant, participantId);

        for (var i = 0; i < patient.Cycles.Count; i++)
        {
            var (cycleStart, cycleEnd) = patient.Cycles[i];
            var id = Id("administration", $"{patient.Key}-MA-{i + 1}");
            bundle.Add(Administration(id, subject, StudyDrug(), cycleEnd is null ? "in-progress" : "completed", cycleStart, cycleEnd), id);
        }
        if (patient.DoseInError is { } mistaken)
        {
            var id = Id("administration", $"{patient.Key}-MA-ERROR");
            bundle.Add(Administration(id, subject, StudyDrug(), "entered-in-error", mistaken, mistaken), id);
        }

        Lesions(bundle, patient, subject, participantUrl, "B", patient.ScreeningDate, [.. patient.LesionBaseline]);
        var assessmentUrls = new List<string>();
        for (var i = 0; i < patient.Assessments.Count; i++)
        {
            var (date, response) = patient.Assessments[i];
            var scan = i < patient.LesionScans.Count && patient.LesionScans[i] is { } mm
                ? Lesions(bundle, patient, subject, participantUrl, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), date, mm)
                : [];
            var id = Id("observation", $"{patient.Key}-TR-{i + 1}");
            var assessment = Response(id, "timepoint-response", "Time-point response", response, date, subject, participantUrl);
            if (scan.Count > 0)
            {
                assessment["derivedFrom"] = new JsonArray([.. scan.Select(url => (JsonNode)Reference(url))]);
            }
            assessmentUrls.Add(bundle.Add(assessment, id));
        }
        if (!patient.NeverDosed)
        {
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
        }

        for (var i = 0; i < patient.AdverseEvents.Count; i++)
        {
            var id = Id("adverse-event", $"{patient.Key}-AE-{i + 1}");
            bundle.Put(AdverseEvent(patient.AdverseEvents[i], id, subject, participantUrl, studies.Main), id.Item2.ToLowerInvariant());
        }
        for (var i = 0; i < patient.FollowUps.Count; i++)
        {
            var id = Id("encounter", $"{patient.Key}-FU-{i + 1}");
            bundle.Add(FollowUpVisit(id, subject, patient.FollowUps[i]), id);
        }
        if (patient.Central is { } central)
        {
            var mdm2Id = Id("observation", $"{patient.Key}-MDM2-CENTRAL");
            bundle.Add(Mdm2(new Mdm2Result(central.Date, central.CopyNumber), mdm2Id, subject, studies.CentralLaboratory), mdm2Id);
            var tp53Id = Id("observation", $"{patient.Key}-TP53-CENTRAL");
            bundle.Add(Tp53((central.Date, central.Tp53Code, central.Tp53Display), tp53Id, subject, studies.CentralLaboratory), tp53Id);
        }
        return (bundle.ToJson(), bundle.Count);
    }

    // The earlier participation in the registry-based study: its doses of the same drug, its scans (focused on that
    // participation) and an adverse event of that study.
    private static void AddRegistry(BundleBuilder bundle, PatientCourse patient, RegistryCourse registry, JsonObject subject, StudyReferences studies)
    {
        var participantId = Id("participant", $"{patient.Key}-REG-RS");
        var participantUrl = bundle.Add(new JsonObject
        {
            ["resourceType"] = "ResearchSubject",
            ["meta"] = Meta("study-participant"),
            ["identifier"] = new JsonArray(Identifier(participantId)),
            ["status"] = "off-study",
            ["period"] = new JsonObject { ["start"] = Date(registry.Start), ["end"] = Date(registry.End) },
            ["study"] = Reference(studies.Registry),
            ["individual"] = subject.DeepClone(),
            ["assignedArm"] = TrialCodes.RegistryArm,
        }, participantId);
        for (var i = 0; i < registry.Cycles.Count; i++)
        {
            var id = Id("administration", $"{patient.Key}-REG-MA-{i + 1}");
            bundle.Add(Administration(id, subject, StudyDrug(), "completed", registry.Cycles[i].Start, registry.Cycles[i].End), id);
        }
        for (var i = 0; i < registry.Assessments.Count; i++)
        {
            var (date, response) = registry.Assessments[i];
            var id = Id("observation", $"{patient.Key}-REG-TR-{i + 1}");
            bundle.Add(Response(id, "timepoint-response", "Time-point response", response, date, subject, participantUrl), id);
        }
        if (registry.AdverseEvent is { } ae)
        {
            var id = Id("adverse-event", $"{patient.Key}-REG-AE-1");
            bundle.Put(AdverseEvent(ae, id, subject, participantUrl, studies.Registry), id.Item2.ToLowerInvariant());
        }
    }

    private static void AddPriorLine(BundleBuilder bundle, (string, string) id, JsonObject subject, DateOnly ended, (decimal Value, string Unit) ttp) =>
        bundle.Add(new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = Meta("prior-line-ttp"),
            ["identifier"] = new JsonArray(Identifier(id)),
            ["status"] = "final",
            ["code"] = Concept(TrialCodes.CodeSystem("response-assessment"), "prior-line-ttp", "Time to progression on the prior line"),
            ["subject"] = subject.DeepClone(),
            ["effectiveDateTime"] = Date(ended),
            ["valueQuantity"] = Quantity(ttp.Value, ttp.Unit, ttp.Unit == "mo" ? "month" : "day"),
        }, id);

    // One lesion-measurement Observation per target lesion of a scan; returns their fullUrls.
    private static List<string> Lesions(BundleBuilder bundle, PatientCourse patient, JsonObject subject, string participantUrl, string scan, DateOnly date, int[] millimetres)
    {
        var urls = new List<string>(millimetres.Length);
        for (var l = 0; l < millimetres.Length; l++)
        {
            var id = Id("observation", $"{patient.Key}-L{l + 1}-{scan}");
            urls.Add(bundle.Add(new JsonObject
            {
                ["resourceType"] = "Observation",
                ["meta"] = Meta("lesion-measurement"),
                ["identifier"] = new JsonArray(Identifier(id)),
                ["status"] = "final",
                ["code"] = Concept(TrialCodes.Loinc, "33728-7", "Size.maximum dimension in Tumor"),
                ["subject"] = subject.DeepClone(),
                ["focus"] = new JsonArray(Reference(participantUrl)),
                ["effectiveDateTime"] = Date(date),
                ["bodySite"] = new JsonObject { ["text"] = $"Target lesion {l + 1}" },
                ["valueQuantity"] = Quantity(millimetres[l], "mm", "mm"),
            }, id));
        }
        return urls;
    }

    private static JsonObject StudyDrug() => new()
    {
        ["coding"] = new JsonArray(Coding(TrialCodes.CodeSystem("investigational-product"), TrialCodes.StudyDrugCode, "Milademetan (RAIN-32)")),
        ["text"] = "milademetan",
    };

    private static JsonObject Administration((string, string) id, JsonObject subject, JsonObject medication, string status, DateOnly start, DateOnly? end)
    {
        var period = new JsonObject { ["start"] = Date(start) };
        if (end is { } e)
        {
            period["end"] = Date(e);
        }
        return new JsonObject
        {
            ["resourceType"] = "MedicationAdministration",
            ["identifier"] = new JsonArray(Identifier(id)),
            ["status"] = status,
            ["medicationCodeableConcept"] = medication,
            ["subject"] = subject.DeepClone(),
            ["effectivePeriod"] = period,
        };
    }

    private static JsonObject FollowUpVisit((string, string) id, JsonObject subject, DateOnly date) => new()
    {
        ["resourceType"] = "Encounter",
        ["identifier"] = new JsonArray(Identifier(id)),
        ["status"] = "finished",
        ["class"] = Coding(TrialCodes.ActCode, "AMB", "ambulatory"),
        ["type"] = new JsonArray(new JsonObject { ["text"] = "Survival follow-up" }),
        ["subject"] = subject.DeepClone(),
        ["period"] = new JsonObject { ["start"] = Date(date), ["end"] = Date(date) },
    };

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

    private static JsonObject Mdm2(Mdm2Result result, (string, string) id, JsonObject subject, string? performer)
    {
        var copyNumber = result.CopyNumber is { } value
            ? Component("82155-3", "Genomic structural variant copy number", "valueQuantity", Quantity(value, "1"))
            : Component("82155-3", "Genomic structural variant copy number", "valueRange",
                new JsonObject { ["low"] = Quantity(result.RangeLow, "1"), ["high"] = Quantity(result.RangeHigh, "1") });
        return Variant("mdm2-copy-number", id, subject, performer, result.Date, Concept(TrialCodes.Loinc, "LA9633-4", "Present"),
            Component("48018-6", "Gene studied [ID]", "valueCodeableConcept", Concept(TrialCodes.Hgnc, "HGNC:6973", "MDM2")),
            copyNumber,
            Component("48002-0", "Genomic source class [Type]", "valueCodeableConcept", Concept(TrialCodes.Loinc, "LA6684-0", "Somatic")),
            Component("48019-4", "DNA change type", "valueCodeableConcept", Concept(TrialCodes.SequenceOntology, "SO:0001742", "copy_number_gain")));
    }

    private static JsonObject Tp53((DateOnly Date, string Code, string Display) result, (string, string) id, JsonObject subject, string? performer) =>
        Variant("tp53-status", id, subject, performer, result.Date, Concept(TrialCodes.Loinc, result.Code, result.Display),
            Component("48018-6", "Gene studied [ID]", "valueCodeableConcept", Concept(TrialCodes.Hgnc, "HGNC:11998", "TP53")));

    // A Genomics Reporting variant Observation (LOINC 69548-6) of one of the trial's profiles.
    private static JsonObject Variant(string profile, (string, string) id, JsonObject subject, string? performer, DateOnly date, JsonObject value, params JsonObject[] components)
    {
        var observation = new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = Meta(profile),
            ["identifier"] = new JsonArray(Identifier(id)),
            ["status"] = "final",
            ["category"] = GenomicsCategories(),
            ["code"] = Concept(TrialCodes.Loinc, "69548-6", "Genetic variant assessment"),
            ["subject"] = subject.DeepClone(),
            ["effectiveDateTime"] = Date(date),
        };
        if (performer is not null)
        {
            observation["performer"] = new JsonArray(Reference(performer));
        }
        observation["valueCodeableConcept"] = value;
        observation["component"] = new JsonArray([.. components]);
        return observation;
    }

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

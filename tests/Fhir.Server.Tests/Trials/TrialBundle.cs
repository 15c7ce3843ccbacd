using System.Text.Json.Nodes;

namespace Fhir.Server.Tests.Trials;

/// <summary>
/// A small hand-written basket trial as one transaction Bundle (PUT with fixed ids, so references and
/// evidence are predictable). All first doses are 2024-01-01; day n below is 2024-01-01 + n.
/// P1 (arm A): PR d56, PR d84, PD d168; prior line 60 d. P2 (A): SD d56, SD d111, died d200.
/// P3 (B): CR d56, d112, d224, off study 2024-08-31. P4 (B): PR d56, PR d112, SD d196; prior line 8 wk. Every participant
/// has the study drug in progress since 2024-01-01.
/// </summary>
internal static class TrialBundle
{
    private const string B = "http://trials.example.org/fhir";

    public static string Json()
    {
        var entries = new JsonArray();
        void Put(JsonObject resource)
        {
            var url = $"{resource["resourceType"]}/{resource["id"]}";
            entries.Add(new JsonObject { ["resource"] = resource, ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = url } });
        }

        Put(Parse($$$"""
            {"resourceType":"ResearchStudy","id":"trial-1","status":"active",
             "extension":[
               {"url":"{{{B}}}/StructureDefinition/eligibility-criteria","extension":[
                 {"url":"mdm2CopyNumberMin","valueDecimal":8},
                 {"url":"tp53Required","valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA9634-2"}]}}]},
               {"url":"{{{B}}}/StructureDefinition/data-cutoff","valueDate":"2024-12-31"},
               {"url":"{{{B}}}/StructureDefinition/study-drug","valueCodeableConcept":{{{Drug}}}}],
             "arm":[{"name":"A"},{"name":"B"}]}
            """));
        (string Patient, string Arm, string? Died, string End)[] people =
            [("p1", "A", null, ""), ("p2", "A", "2024-07-19", ""), ("p3", "B", null, "\"end\":\"2024-08-31\","), ("p4", "B", null, "")];
        foreach (var (p, arm, died, end) in people)
        {
            var patient = new JsonObject { ["resourceType"] = "Patient", ["id"] = p, ["gender"] = "female" };
            if (died is not null)
            {
                patient["deceasedDateTime"] = died;
            }
            Put(patient);
            Put(Administration($"ma-{p}", p, Drug, "in-progress", """{"effectivePeriod":{"start":"2024-01-01"}}"""));
            Put(Parse($$$"""
                {"resourceType":"ResearchSubject","id":"s-{{{p}}}","status":"on-study","period":{{{{end}}}"start":"2024-01-01"},
                 "study":{"reference":"ResearchStudy/trial-1"},"individual":{"reference":"Patient/{{{p}}}"},"assignedArm":"{{{arm}}}"}
                """));
        }
        var responses = new (string Patient, string Date, string Value)[]
        {
            ("p1", "2024-02-26", "PR"), ("p1", "2024-03-25", "PR"), ("p1", "2024-06-17", "PD"),
            ("p2", "2024-02-26", "SD"), ("p2", "2024-04-21", "SD"),
            ("p3", "2024-02-26", "CR"), ("p3", "2024-04-22", "CR"), ("p3", "2024-08-12", "CR"),
            ("p4", "2024-02-26", "PR"), ("p4", "2024-04-22", "PR"), ("p4", "2024-07-15", "SD"),
        };
        var n = 0;
        foreach (var (p, date, value) in responses)
        {
            Put(Parse($$$"""
                {"resourceType":"Observation","id":"r{{{++n}}}","status":"final",
                 "code":{"coding":[{"system":"{{{B}}}/CodeSystem/response-assessment","code":"timepoint-response"}]},
                 "subject":{"reference":"Patient/{{{p}}}"},"focus":[{"reference":"ResearchSubject/s-{{{p}}}"}],
                 "effectiveDateTime":"{{{date}}}",
                 "method":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"126081"}]},
                 "valueCodeableConcept":{"coding":[{"system":"{{{B}}}/CodeSystem/recist-response","code":"{{{value}}}"}]}}
                """));
        }
        // p1's two target lesions: 100 mm at baseline, then 65 (-35%), 55 (-45%) and 130 mm (the progression).
        var lesion = 0;
        foreach (var (date, first, second) in new[] { ("2023-12-20", 40, 60), ("2024-02-26", 30, 35), ("2024-03-25", 25, 30), ("2024-06-17", 70, 60) })
        {
            foreach (var (site, mm) in new[] { ("liver", first), ("lung", second) })
            {
                Put(Parse($$$"""
                    {"resourceType":"Observation","id":"l{{{++lesion}}}","status":"final",
                     "code":{"coding":[{"system":"http://loinc.org","code":"33728-7"}]},
                     "subject":{"reference":"Patient/p1"},"focus":[{"reference":"ResearchSubject/s-p1"}],
                     "effectiveDateTime":"{{{date}}}","bodySite":{"text":"{{{site}}}"},
                     "valueQuantity":{"value":{{{mm}}},"unit":"mm","system":"http://unitsofmeasure.org","code":"mm"}}
                    """));
            }
        }
        foreach (var (p, value, unit) in new[] { ("p1", 60, "d"), ("p4", 8, "wk") })
        {
            Put(Parse($$$"""
                {"resourceType":"Observation","id":"ttp-{{{p}}}","status":"final",
                 "code":{"coding":[{"system":"{{{B}}}/CodeSystem/response-assessment","code":"prior-line-ttp"}]},
                 "subject":{"reference":"Patient/{{{p}}}"},
                 "valueQuantity":{"value":{{{value}}},"unit":"{{{unit}}}","system":"http://unitsofmeasure.org","code":"{{{unit}}}"}}
                """));
        }
        Put(AdverseEvent("ae1", "p1", "10035528", "Platelet count decreased", "2024-01-20", "C41338", serious: false, action: "none"));
        Put(AdverseEvent("ae2", "p3", "10035528", "Platelet count decreased", "2024-05-01", "C41340", serious: true, action: "drug-withdrawn"));
        Put(AdverseEvent("ae3", "p3", "10012727", "Diarrhoea", "2024-02-10", "C41339", serious: false, action: "none"));

        Put(Variant("m-p1", "p1", "2023-12-01", "HGNC:6973", """{"valueQuantity":{"value":12,"system":"http://unitsofmeasure.org","code":"1"}}"""));
        Put(Variant("t-p1", "p1", "2023-12-01", "HGNC:11998", null, "LA9634-2"));
        Put(Variant("m-p2", "p2", "2023-12-01", "HGNC:6973", """{"valueRange":{"low":{"value":5},"high":{"value":20}}}"""));
        Put(Variant("t-p2", "p2", "2023-12-01", "HGNC:11998", null, "LA9634-2"));
        Put(Variant("m-p3a", "p3", "2023-11-01", "HGNC:6973", """{"valueQuantity":{"value":10,"system":"http://unitsofmeasure.org","code":"1"}}"""));
        Put(Variant("m-p3b", "p3", "2023-12-05", "HGNC:6973", """{"valueQuantity":{"value":6,"system":"http://unitsofmeasure.org","code":"1"}}"""));

        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();
    }

    /// <summary>
    /// Administrations that must not move anyone's first dose: another drug (a prior line of chemotherapy), the study
    /// drug entered in error, not done, or given before enrolment (matched by text only), and a non-participant's dose.
    /// </summary>
    public static string Noise()
    {
        var entries = new JsonArray();
        void Put(JsonObject resource) =>
            entries.Add(new JsonObject { ["resource"] = resource, ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{resource["resourceType"]}/{resource["id"]}" } });
        Put(new JsonObject { ["resourceType"] = "Patient", ["id"] = "p9" });
        Put(Administration("ma-chemo-p1", "p1", """{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"3639"}],"text":"doxorubicin"}""", "completed",
            """{"effectivePeriod":{"start":"2023-06-01","end":"2023-06-02"}}"""));
        Put(Administration("ma-error-p2", "p2", Drug, "entered-in-error", """{"effectiveDateTime":"2023-12-20"}"""));
        Put(Administration("ma-notdone-p3", "p3", Drug, "not-done", """{"effectiveDateTime":"2023-12-28"}"""));
        Put(Administration("ma-before-p4", "p4", """{"text":"MILADEMETAN"}""", "completed", """{"effectiveDateTime":"2023-11-15"}"""));
        Put(Administration("ma-other-p9", "p9", Drug, "completed", """{"effectiveDateTime":"2023-10-01"}"""));
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();
    }

    /// <summary>
    /// A second study, trial-2, sharing patients with trial-1: p1 took part in it before trial-1 (2023-03-01 to 2023-09-30),
    /// p3 joins it on 2024-09-01 after leaving trial-1 (and takes the drug again), p4 joins it on 2024-06-01 while still in
    /// trial-1. Facts of trial-2 must never reach trial-1: a PD of p3 focused on trial-2's participant, p3's doses in trial-2,
    /// a PD of p4 without focus dated when p4 is in both studies (it belongs to neither, and both report it), a prior line of
    /// p1 focused on trial-2, a prior line of p4 that ended after p4's first dose in trial-1, an AE of trial-2.
    /// </summary>
    public static string SecondStudy()
    {
        var entries = new JsonArray();
        void Put(JsonObject resource) =>
            entries.Add(new JsonObject { ["resource"] = resource, ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{resource["resourceType"]}/{resource["id"]}" } });
        Put(Parse($$$"""
            {"resourceType":"ResearchStudy","id":"trial-2","status":"active",
             "extension":[{"url":"{{{B}}}/StructureDefinition/study-drug","valueCodeableConcept":{{{Drug}}}}],
             "arm":[{"name":"IS"}]}
            """));
        foreach (var (p, start, end) in new[] { ("p1", "2023-03-01", "\"end\":\"2023-09-30\","), ("p3", "2024-09-01", ""), ("p4", "2024-06-01", "") })
        {
            Put(Parse($$$"""
                {"resourceType":"ResearchSubject","id":"s2-{{{p}}}","status":"on-study","period":{{{{end}}}"start":"{{{start}}}"},
                 "study":{"reference":"ResearchStudy/trial-2"},"individual":{"reference":"Patient/{{{p}}}"},"assignedArm":"IS"}
                """));
        }
        Put(Administration("ma2-p3", "p3", Drug, "in-progress", """{"effectivePeriod":{"start":"2024-09-01"}}"""));
        Put(Response("r2-1", "p3", "2024-10-15", "PD", focus: "s2-p3"));
        Put(Response("r2-2", "p4", "2024-07-01", "PD", focus: null));
        Put(PriorLine("ttp2-p1", "p1", 10, "d", "2023-02-01", focus: "s2-p1"));
        Put(PriorLine("ttp2-p4", "p4", 1, "d", "2024-06-01", focus: null));
        var ae = AdverseEvent("ae2-1", "p3", "10035528", "Platelet count decreased", "2024-09-20", "C41337", serious: true, action: "drug-withdrawn");
        ae["extension"]![1]!["valueReference"]!["reference"] = "ResearchSubject/s2-p3";
        ae["study"]![0]!["reference"] = "ResearchStudy/trial-2";
        Put(ae);
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();
    }

    private static JsonObject Response(string id, string patient, string date, string value, string? focus)
    {
        var o = Parse($$$"""
            {"resourceType":"Observation","id":"{{{id}}}","status":"final",
             "code":{"coding":[{"system":"{{{B}}}/CodeSystem/response-assessment","code":"timepoint-response"}]},
             "subject":{"reference":"Patient/{{{patient}}}"},
             "effectiveDateTime":"{{{date}}}",
             "method":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"126081"}]},
             "valueCodeableConcept":{"coding":[{"system":"{{{B}}}/CodeSystem/recist-response","code":"{{{value}}}"}]}}
            """);
        if (focus is not null)
        {
            o["focus"] = new JsonArray(new JsonObject { ["reference"] = $"ResearchSubject/{focus}" });
        }
        return o;
    }

    private static JsonObject PriorLine(string id, string patient, decimal value, string unit, string? date, string? focus)
    {
        var o = Parse($$$"""
            {"resourceType":"Observation","id":"{{{id}}}","status":"final",
             "code":{"coding":[{"system":"{{{B}}}/CodeSystem/response-assessment","code":"prior-line-ttp"}]},
             "subject":{"reference":"Patient/{{{patient}}}"},
             "valueQuantity":{"value":{{{value}}},"unit":"{{{unit}}}","system":"http://unitsofmeasure.org","code":"{{{unit}}}"}}
            """);
        if (focus is not null)
        {
            o["focus"] = new JsonArray(new JsonObject { ["reference"] = $"ResearchSubject/{focus}" });
        }
        if (date is not null)
        {
            o["effectiveDateTime"] = date;
        }
        return o;
    }

    /// <summary>
    /// Registry patients for pre-screening trial-1 (none enrolled): r1 (MDM2 15, TP53 absent) and r8 (MDM2 8, the
    /// threshold) are eligible; r2 (no TP53 result) and r3 (MDM2 as a range) are undecidable; r4 (latest MDM2 6), r5 (TP53
    /// present), r6 (TP53 no call), r9 (MDM2 7.9, which the search's precision still finds) fail a criterion; r7 has no MDM2
    /// result and r10 only one entered in error: neither is screened.
    /// </summary>
    public static string Registry()
    {
        var entries = new JsonArray();
        void Put(JsonObject resource) =>
            entries.Add(new JsonObject { ["resource"] = resource, ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{resource["resourceType"]}/{resource["id"]}" } });
        const string Quantity = """{"valueQuantity":{"value":VALUE,"system":"http://unitsofmeasure.org","code":"1"}}""";
        string Copies(decimal value) => Quantity.Replace("VALUE", value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        for (var i = 1; i <= 10; i++)
        {
            Put(new JsonObject { ["resourceType"] = "Patient", ["id"] = $"r{i}", ["gender"] = "male" });
        }
        Put(Variant("rm1", "r1", "2024-02-01", "HGNC:6973", Copies(15)));
        Put(Variant("rt1", "r1", "2024-02-01", "HGNC:11998", null, "LA9634-2"));
        Put(Variant("rm2", "r2", "2024-02-01", "HGNC:6973", Copies(9.5m)));
        Put(Variant("rm3", "r3", "2024-02-01", "HGNC:6973", """{"valueRange":{"low":{"value":5},"high":{"value":20}}}"""));
        Put(Variant("rt3", "r3", "2024-02-01", "HGNC:11998", null, "LA9634-2"));
        Put(Variant("rm4a", "r4", "2023-06-01", "HGNC:6973", Copies(12)));
        Put(Variant("rm4b", "r4", "2024-02-01", "HGNC:6973", Copies(6)));
        Put(Variant("rt4", "r4", "2024-02-01", "HGNC:11998", null, "LA9634-2"));
        Put(Variant("rm5", "r5", "2024-02-01", "HGNC:6973", Copies(20)));
        Put(Variant("rt5", "r5", "2024-02-01", "HGNC:11998", null, "LA9633-4"));
        Put(Variant("rm6", "r6", "2024-02-01", "HGNC:6973", Copies(11)));
        Put(Variant("rt6", "r6", "2024-02-01", "HGNC:11998", null, "LA18198-4"));
        Put(Variant("rt7", "r7", "2024-02-01", "HGNC:11998", null, "LA9634-2"));
        Put(Variant("rm8", "r8", "2024-02-01", "HGNC:6973", Copies(8)));
        Put(Variant("rt8", "r8", "2024-02-01", "HGNC:11998", null, "LA9634-2"));
        Put(Variant("rm9", "r9", "2024-02-01", "HGNC:6973", Copies(7.9m)));
        Put(Variant("rt9", "r9", "2024-02-01", "HGNC:11998", null, "LA9634-2"));
        var withdrawn = Variant("rm10", "r10", "2024-02-01", "HGNC:6973", Copies(30));
        withdrawn["status"] = "entered-in-error";
        Put(withdrawn);
        Put(Variant("rt10", "r10", "2024-02-01", "HGNC:11998", null, "LA9634-2"));
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();
    }

    /// <summary>A transaction that deletes every resource the transaction <paramref name="bundle"/> puts.</summary>
    public static string Deleting(string bundle)
    {
        var entries = new JsonArray();
        foreach (var entry in Parse(bundle)["entry"]!.AsArray())
        {
            entries.Add(new JsonObject { ["request"] = new JsonObject { ["method"] = "DELETE", ["url"] = entry!["request"]!["url"]!.DeepClone() } });
        }
        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();
    }

    /// <summary>The study drug as the study declares it.</summary>
    private const string Drug = """{"coding":[{"system":"http://trials.example.org/fhir/CodeSystem/investigational-product","code":"milademetan"}],"text":"milademetan"}""";

    private static JsonObject Administration(string id, string patient, string medication, string status, string effective)
    {
        var resource = Parse($$$"""
            {"resourceType":"MedicationAdministration","id":"{{{id}}}","status":"{{{status}}}",
             "medicationCodeableConcept":{{{medication}}},"subject":{"reference":"Patient/{{{patient}}}"}}
            """);
        foreach (var (key, value) in Parse(effective))
        {
            resource[key] = value!.DeepClone();
        }
        return resource;
    }

    private static JsonObject AdverseEvent(string id, string patient, string code, string display, string date, string grade, bool serious, string action) => Parse($$$"""
        {"resourceType":"AdverseEvent","id":"{{{id}}}","actuality":"actual",
         "extension":[
           {"url":"{{{B}}}/StructureDefinition/ctcae-grade","valueCodeableConcept":{"coding":[{"system":"http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#","code":"{{{grade}}}"}]}},
           {"url":"{{{B}}}/StructureDefinition/research-subject","valueReference":{"reference":"ResearchSubject/s-{{{patient}}}"}},
           {"url":"{{{B}}}/StructureDefinition/ae-action-taken","valueCodeableConcept":{"coding":[{"system":"{{{B}}}/CodeSystem/ae-action","code":"{{{action}}}"}]}}],
         "event":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"{{{code}}}","display":"{{{display}}}"}]},
         "subject":{"reference":"Patient/{{{patient}}}"},"date":"{{{date}}}",
         "seriousness":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/adverse-event-seriousness","code":"{{{(serious ? "serious" : "non-serious")}}}"}]},
         "outcome":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/adverse-event-outcome","code":"resolved"}]},
         "study":[{"reference":"ResearchStudy/trial-1"}]}
        """);

    private static JsonObject Variant(string id, string patient, string date, string gene, string? copyNumber, string value = "LA9633-4")
    {
        var o = Parse($$$"""
            {"resourceType":"Observation","id":"{{{id}}}","status":"final",
             "code":{"coding":[{"system":"http://loinc.org","code":"69548-6"}]},
             "subject":{"reference":"Patient/{{{patient}}}"},"effectiveDateTime":"{{{date}}}",
             "valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"{{{value}}}"}]},
             "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},
                           "valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org","code":"{{{gene}}}"}]}}]}
            """);
        if (copyNumber is not null)
        {
            var component = Parse(copyNumber);
            component["code"] = Parse("""{"coding":[{"system":"http://loinc.org","code":"82155-3"}]}""");
            o["component"]!.AsArray().Add(component);
        }
        return o;
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}

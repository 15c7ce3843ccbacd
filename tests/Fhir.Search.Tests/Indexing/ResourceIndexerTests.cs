using Fhir.Search.Indexing;

namespace Fhir.Search.Tests.Indexing;

public class ResourceIndexerTests
{
    private const string Ucum = "http://unitsofmeasure.org";
    private const string Loinc = "http://loinc.org";

    private const string PatientJson = """
        {
          "resourceType": "Patient",
          "id": "p1",
          "meta": {
            "lastUpdated": "2024-01-02T03:04:05Z",
            "profile": ["http://example.org/StructureDefinition/my-patient"],
            "tag": [{ "system": "http://example.org/tags", "code": "vip", "display": "Very important" }]
          },
          "identifier": [
            { "system": "http://hospital.example/mrn", "value": "MRN-1", "type": { "text": "Medical record number" } },
            { "system": "urn:oid:1.2.3", "value": "A-2" }
          ],
          "active": true,
          "name": [
            { "use": "official", "family": "Müller", "given": ["Zoë", "Anne"], "prefix": ["Dr"] },
            { "use": "nickname", "text": "Zozo" }
          ],
          "telecom": [
            { "system": "phone", "value": "+41 44 000 00 00", "use": "home" },
            { "system": "email", "value": "zoe@example.org" }
          ],
          "gender": "female",
          "birthDate": "1980-05",
          "address": [{ "line": ["Bahnhofstrasse 1"], "city": "Zürich", "postalCode": "8001", "country": "CH" }],
          "generalPractitioner": [{ "reference": "Practitioner/gp1/_history/3" }],
          "managingOrganization": { "reference": "http://other.example/fhir/Organization/o1" }
        }
        """;

    private const string ObservationJson = """
        {
          "resourceType": "Observation",
          "id": "o1",
          "contained": [
            {
              "resourceType": "Patient",
              "id": "cp",
              "identifier": [{ "system": "http://contained.example", "value": "C-1" }],
              "name": [{ "family": "Hidden" }]
            }
          ],
          "identifier": [{ "system": "http://lab.example/ids", "value": "OBS-1" }],
          "status": "final",
          "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory" }] }],
          "code": {
            "coding": [
              { "system": "http://loinc.org", "code": "2345-7", "display": "Glucose" },
              { "system": "http://snomed.info/sct", "code": "33747003" }
            ],
            "text": "Blood glucose"
          },
          "subject": { "reference": "Patient/p1" },
          "focus": [{ "reference": "#cp" }],
          "effectivePeriod": { "start": "2024-03-01T08:00:00Z" },
          "performer": [
            { "reference": "http://other.example/fhir/Practitioner/pr1/_history/2" },
            { "identifier": { "system": "http://example.org/staff", "value": "S-9" } }
          ],
          "valueQuantity": { "value": 5.4, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg" },
          "component": [
            {
              "code": { "coding": [{ "system": "http://loinc.org", "code": "8480-6" }] },
              "valueQuantity": { "value": 120, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]" }
            },
            {
              "code": { "text": "free text only" },
              "valueString": "n/a"
            }
          ]
        }
        """;

    private static readonly ResourceIndexer Indexer = new(R4.Registry);

    private static IReadOnlyList<IndexValue> Patient { get; } = Indexer.Extract(R4.Parse(PatientJson));

    private static IReadOnlyList<IndexValue> Observation { get; } = Indexer.Extract(R4.Parse(ObservationJson));

    private static List<IndexValue> Of(IReadOnlyList<IndexValue> values, string code) => [.. values.Where(v => v.Code == code)];

    // --- Patient ---

    [Fact]
    public void Family_and_given_are_indexed_normalised_and_as_written()
    {
        Assert.Equal([new StringIndexValue("family", "muller", "Müller")], Of(Patient, "family"));
        Assert.Equal([new StringIndexValue("given", "zoe", "Zoë"), new StringIndexValue("given", "anne", "Anne")], Of(Patient, "given"));
    }

    [Fact]
    public void A_name_is_indexed_by_every_string_part_of_every_HumanName()
    {
        Assert.Equal(
            [new StringIndexValue("name", "muller", "Müller"), new StringIndexValue("name", "zoe", "Zoë"), new StringIndexValue("name", "anne", "Anne"),
             new StringIndexValue("name", "dr", "Dr"), new StringIndexValue("name", "zozo", "Zozo")],
            Of(Patient, "name"));
    }

    [Fact]
    public void An_address_is_indexed_by_its_strings_and_its_parts()
    {
        Assert.Equal(
            [new StringIndexValue("address", "bahnhofstrasse 1", "Bahnhofstrasse 1"), new StringIndexValue("address", "zurich", "Zürich"),
             new StringIndexValue("address", "8001", "8001"), new StringIndexValue("address", "ch", "CH")],
            Of(Patient, "address"));
        Assert.Equal([new StringIndexValue("address-city", "zurich", "Zürich")], Of(Patient, "address-city"));
        Assert.Equal([new StringIndexValue("address-postalcode", "8001", "8001")], Of(Patient, "address-postalcode"));
    }

    [Fact]
    public void Identifiers_are_tokens_with_system_value_and_type_text()
    {
        Assert.Equal(
            [new TokenIndexValue("identifier", "http://hospital.example/mrn", "MRN-1", "Medical record number"),
             new TokenIndexValue("identifier", "urn:oid:1.2.3", "A-2")],
            Of(Patient, "identifier"));
    }

    [Fact]
    public void Codes_and_booleans_are_tokens_without_a_system()
    {
        Assert.Equal([new TokenIndexValue("gender", null, "female")], Of(Patient, "gender"));
        Assert.Equal([new TokenIndexValue("active", null, "true")], Of(Patient, "active"));
    }

    [Fact]
    public void Contact_points_are_tokens_of_system_and_value()
    {
        Assert.Equal(
            [new TokenIndexValue("telecom", "phone", "+41 44 000 00 00"), new TokenIndexValue("telecom", "email", "zoe@example.org")],
            Of(Patient, "telecom"));
        Assert.Equal([new TokenIndexValue("phone", "phone", "+41 44 000 00 00")], Of(Patient, "phone"));
        Assert.Equal([new TokenIndexValue("email", "email", "zoe@example.org")], Of(Patient, "email"));
    }

    [Fact]
    public void A_birth_date_covers_its_month()
    {
        Assert.Equal([new DateIndexValue("birthdate", R4.Utc(1980, 5, 1), R4.UtcEndOfSecond(1980, 5, 31, 23, 59, 59))], Of(Patient, "birthdate"));
    }

    [Fact]
    public void A_versioned_relative_reference_is_indexed_without_its_version()
    {
        Assert.Equal([new ReferenceIndexValue("general-practitioner", "Practitioner", "gp1", null)], Of(Patient, "general-practitioner"));
    }

    [Fact]
    public void An_absolute_reference_is_indexed_by_its_url()
    {
        Assert.Equal([new ReferenceIndexValue("organization", null, null, "http://other.example/fhir/Organization/o1")], Of(Patient, "organization"));
    }

    [Fact]
    public void Meta_tags_and_profiles_are_indexed_but_id_and_lastUpdated_are_not()
    {
        Assert.Equal([new TokenIndexValue("_tag", "http://example.org/tags", "vip", "Very important")], Of(Patient, "_tag"));
        Assert.Equal([new UriIndexValue("_profile", "http://example.org/StructureDefinition/my-patient")], Of(Patient, "_profile"));
        Assert.Empty(Of(Patient, "_id"));
        Assert.Empty(Of(Patient, "_lastUpdated"));
    }

    [Fact]
    public void Absent_elements_give_no_values()
    {
        Assert.Empty(Of(Patient, "death-date"));
        Assert.Empty(Of(Patient, "link"));
        Assert.Empty(Of(Patient, "language"));
        Assert.Empty(Of(Patient, "_security"));
    }

    [Fact]
    public void Every_Patient_value_belongs_to_a_supported_Patient_parameter()
    {
        var supported = R4.Registry.ForType("Patient").Where(p => p.IsSupported).Select(p => p.Code).ToHashSet();

        Assert.All(Patient, v => Assert.Contains(v.Code, supported));
        Assert.Equal(
            ["_profile", "_tag", "active", "address", "address-city", "address-country", "address-postalcode", "birthdate", "email",
             "family", "gender", "general-practitioner", "given", "identifier", "name", "organization", "phone", "phonetic", "telecom"],
            Patient.Select(v => v.Code).Distinct().Order(StringComparer.Ordinal));
    }

    // --- Observation ---

    [Fact]
    public void A_CodeableConcept_gives_one_token_per_coding_with_its_display_and_one_for_the_concept_text()
    {
        Assert.Equal(
            [
                new TokenIndexValue("code", Loinc, "2345-7", "Glucose"),
                new TokenIndexValue("code", "http://snomed.info/sct", "33747003"),
                new TokenIndexValue("code", null, null, "Blood glucose"),
            ],
            Of(Observation, "code"));
        Assert.Equal(
            [new TokenIndexValue("category", "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
            Of(Observation, "category"));
    }

    [Fact]
    public void Component_codes_are_indexed_and_a_text_only_concept_gives_its_text()
    {
        Assert.Equal(
            [new TokenIndexValue("component-code", Loinc, "8480-6"), new TokenIndexValue("component-code", null, null, "free text only")],
            Of(Observation, "component-code"));
        // code: two codings and a text; the component: one coding, and one text-only concept.
        Assert.Equal(5, Of(Observation, "combo-code").Count);
    }

    [Fact]
    public void The_subject_is_indexed_as_subject_and_as_patient()
    {
        Assert.Equal([new ReferenceIndexValue("subject", "Patient", "p1", null)], Of(Observation, "subject"));
        Assert.Equal([new ReferenceIndexValue("patient", "Patient", "p1", null)], Of(Observation, "patient"));
    }

    [Fact]
    public void A_subject_that_is_not_a_Patient_is_no_patient()
    {
        var values = Indexer.Extract(R4.Parse("""
            { "resourceType": "Observation", "status": "final", "code": { "text": "x" }, "subject": { "reference": "Group/g1" } }
            """));

        Assert.Equal([new ReferenceIndexValue("subject", "Group", "g1", null)], Of(values, "subject"));
        Assert.Empty(Of(values, "patient"));
    }

    [Fact]
    public void An_absolute_Patient_url_is_a_patient_too()
    {
        var values = Indexer.Extract(R4.Parse("""
            { "resourceType": "Observation", "status": "final", "code": { "text": "x" }, "subject": { "reference": "http://other.example/fhir/Patient/9/_history/1" } }
            """));

        Assert.Equal([new ReferenceIndexValue("patient", null, null, "http://other.example/fhir/Patient/9/_history/1")], Of(values, "patient"));
    }

    [Fact]
    public void Contained_resources_and_logical_references_are_not_indexed()
    {
        Assert.Empty(Of(Observation, "focus"));
        Assert.Equal([new ReferenceIndexValue("performer", null, null, "http://other.example/fhir/Practitioner/pr1/_history/2")], Of(Observation, "performer"));
        Assert.Equal([new TokenIndexValue("identifier", "http://lab.example/ids", "OBS-1")], Of(Observation, "identifier"));
        Assert.DoesNotContain(Observation, v => v is TokenIndexValue { Value: "C-1" } || v is StringIndexValue { Exact: "Hidden" });
    }

    [Fact]
    public void A_period_without_an_end_runs_to_the_end_of_time()
    {
        Assert.Equal([new DateIndexValue("date", R4.Utc(2024, 3, 1, 8, 0, 0), DateTime.MaxValue)], Of(Observation, "date"));
    }

    [Fact]
    public void A_UCUM_quantity_is_indexed_as_written_and_in_base_units()
    {
        Assert.Equal(
            [new QuantityIndexValue("value-quantity", 5.4m, 5.35m, 5.45m, Ucum, "mg", 0.0054m, "g")],
            Of(Observation, "value-quantity"));
    }

    [Fact]
    public void Component_quantities_are_indexed_with_their_UCUM_code()
    {
        var quantity = Assert.IsType<QuantityIndexValue>(Assert.Single(Of(Observation, "component-value-quantity")));

        Assert.Equal((120m, 119.5m, 120.5m, Ucum, "mm[Hg]"), (quantity.Value, quantity.Low, quantity.High, quantity.System, quantity.Unit));
        Assert.True(Fhir.Core.Ucum.Ucum.TryCanonicalize(120m, "mm[Hg]", out var expected, out var unit));
        Assert.Equal((expected, unit), (quantity.CanonicalValue, quantity.CanonicalUnit));
        Assert.Equal(2, Of(Observation, "combo-value-quantity").Count);
    }

    [Fact]
    public void Status_is_a_token()
    {
        Assert.Equal([new TokenIndexValue("status", null, "final")], Of(Observation, "status"));
    }

    [Fact]
    public void The_same_resource_always_gives_the_same_values()
    {
        var again = Indexer.Extract(R4.Parse(ObservationJson));

        Assert.Equal(Observation, again);
    }

    [Fact]
    public void A_text_only_concept_is_the_only_value_of_a_bare_resource()
    {
        var values = Indexer.Extract(R4.Parse("""{ "resourceType": "Basic", "id": "b1", "code": { "text": "t" } }"""));

        Assert.Equal([new TokenIndexValue("code", null, null, "t")], values);
    }
    // --- composites and the modifiers indexed under their own code ---

    [Fact]
    public void Composite_components_are_indexed_per_element_with_the_element_as_group()
    {
        var values = Indexer.Extract(R4.Parse("""
            {
              "resourceType": "Observation", "status": "final", "code": { "coding": [{ "system": "http://loinc.org", "code": "69548-6" }] },
              "component": [
                { "code": { "coding": [{ "system": "http://loinc.org", "code": "48018-6" }] }, "valueCodeableConcept": { "coding": [{ "system": "http://www.genenames.org", "code": "HGNC:6973" }] } },
                { "code": { "coding": [{ "system": "http://loinc.org", "code": "82155-3" }] }, "valueQuantity": { "value": 12, "system": "http://unitsofmeasure.org", "code": "1" } }
              ]
            }
            """));

        // Only the second component has a quantity: the first is no code-value-quantity tuple at all.
        var code = Assert.IsType<TokenIndexValue>(Assert.Single(Of(values, "component-code-value-quantity$0")));
        var quantity = Assert.IsType<QuantityIndexValue>(Assert.Single(Of(values, "component-code-value-quantity$1")));
        Assert.Equal("82155-3", code.Value);
        Assert.NotNull(code.Group);
        Assert.Equal((12m, code.Group), (quantity.Value, quantity.Group));
        var concept = Assert.Single(Of(values, "component-code-value-concept$1"));
        var gene = Assert.Single(Of(values, "component-code-value-concept$0"));
        Assert.Equal(("48018-6", gene.Group), (((TokenIndexValue)gene).Value, concept.Group));
        Assert.NotEqual(code.Group, gene.Group);
        // Ordinary rows have no group.
        Assert.All(Of(values, "component-code"), v => Assert.Null(v.Group));
    }

    [Fact]
    public void A_composite_on_the_resource_itself_is_one_element()
    {
        var values = Of(Observation, "code-value-quantity$0").Concat(Of(Observation, "code-value-quantity$1")).ToList();

        Assert.Equal(4, values.Count); // three code rows (two codings, the text) and the quantity
        Assert.All(values, v => Assert.Equal(values[0].Group, v.Group));
    }

    [Fact]
    public void A_logical_reference_is_indexed_as_a_token_for_the_identifier_modifier()
    {
        Assert.Equal([new TokenIndexValue("performer:identifier", "http://example.org/staff", "S-9")], Of(Observation, "performer:identifier"));
    }

    [Fact]
    public void An_identifier_with_a_coded_type_is_indexed_for_of_type()
    {
        var values = Indexer.Extract(R4.Parse("""
            { "resourceType": "Patient", "identifier": [{ "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR" }] }, "system": "urn:mrn", "value": "446053" }] }
            """));

        Assert.Equal([new TokenIndexValue("identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203", "MR|446053")], Of(values, "identifier:of-type"));
    }
}

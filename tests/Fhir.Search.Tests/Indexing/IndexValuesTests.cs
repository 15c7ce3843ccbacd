using Fhir.Search.Indexing;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Indexing;

/// <summary>How each FHIR data type becomes index values, through the indexer or directly.</summary>
public class IndexValuesTests
{
    private const string Ucum = "http://unitsofmeasure.org";

    private static readonly ResourceIndexer Indexer = new(R4.Registry);

    private static List<IndexValue> Index(string json, string code) => [.. Indexer.Extract(R4.Parse(json)).Where(v => v.Code == code)];

    private static string Observation(string value) =>
        $$"""{ "resourceType": "Observation", "status": "final", "code": { "text": "x" }, {{value}} }""";

    // --- references ---

    [Theory]
    [InlineData("Practitioner/1", "Practitioner", "1", null)]
    [InlineData("Practitioner/1/_history/2", "Practitioner", "1", null)]
    [InlineData("http://other.example/fhir/Practitioner/1", null, null, "http://other.example/fhir/Practitioner/1")]
    [InlineData("http://other.example/fhir/Practitioner/1/_history/2", null, null, "http://other.example/fhir/Practitioner/1/_history/2")]
    [InlineData("https://other.example/Practitioner/1", null, null, "https://other.example/Practitioner/1")]
    [InlineData("urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0", null, null, "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0")]
    public void A_literal_reference_is_indexed_by_type_and_id_or_by_url(string reference, string? type, string? id, string? url)
    {
        var values = Index($$"""{ "resourceType": "Patient", "generalPractitioner": [{ "reference": "{{reference}}" }] }""", "general-practitioner");

        Assert.Equal([new ReferenceIndexValue("general-practitioner", type, id, url)], values);
    }

    [Theory]
    [InlineData("#contained")]
    [InlineData("Practitioner")]
    [InlineData("Practitioner/")]
    [InlineData("/1")]
    [InlineData("Practitioner/1/versions/2")]
    [InlineData("a/b/c")]
    public void A_reference_that_names_no_resource_is_not_indexed(string reference)
    {
        Assert.Empty(Index($$"""{ "resourceType": "Patient", "generalPractitioner": [{ "reference": "{{reference}}" }] }""", "general-practitioner"));
    }

    [Fact]
    public void A_reference_by_identifier_only_is_not_indexed()
    {
        Assert.Empty(Index("""{ "resourceType": "Patient", "generalPractitioner": [{ "identifier": { "value": "x" }, "display": "Dr X" }] }""", "general-practitioner"));
    }

    [Fact]
    public void A_canonical_is_indexed_as_a_reference_url()
    {
        var values = Index(
            """{ "resourceType": "QuestionnaireResponse", "status": "completed", "questionnaire": "http://example.org/Questionnaire/phq-9|1.0" }""",
            "questionnaire");

        Assert.Equal([new ReferenceIndexValue("questionnaire", null, null, "http://example.org/Questionnaire/phq-9|1.0")], values);
    }

    // --- dates ---

    [Fact]
    public void A_period_without_a_start_runs_from_the_beginning_of_time()
    {
        var values = Index("""{ "resourceType": "Encounter", "status": "finished", "class": { "code": "AMB" }, "period": { "end": "2024-02-10" } }""", "date");

        Assert.Equal([new DateIndexValue("date", DateTime.MinValue, R4.UtcEndOfSecond(2024, 2, 10, 23, 59, 59))], values);
    }

    [Fact]
    public void A_closed_period_runs_from_the_start_of_its_start_to_the_end_of_its_end()
    {
        var values = Index("""{ "resourceType": "Encounter", "status": "finished", "class": { "code": "AMB" }, "period": { "start": "2024-02", "end": "2024-03-05T10:00:00+01:00" } }""", "date");

        Assert.Equal([new DateIndexValue("date", R4.Utc(2024, 2, 1), R4.UtcEndOfSecond(2024, 3, 5, 9, 0, 0))], values);
    }

    [Fact]
    public void An_empty_period_is_not_indexed()
    {
        Assert.Empty(Index("""{ "resourceType": "Encounter", "status": "finished", "class": { "code": "AMB" }, "period": { "id": "p" } }""", "date"));
    }

    [Fact]
    public void A_timing_covers_its_first_to_its_last_event()
    {
        var values = Index(
            """
            { "resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": { "reference": "Patient/1" },
              "occurrenceTiming": { "event": ["2024-01-05T10:00:00Z", "2024-01-01", "2024-01-03"] } }
            """,
            "occurrence");

        Assert.Equal([new DateIndexValue("occurrence", R4.Utc(2024, 1, 1), R4.UtcEndOfSecond(2024, 1, 5, 10, 0, 0))], values);
    }

    [Fact]
    public void A_timing_without_events_covers_its_bounds()
    {
        var values = Index(
            """
            { "resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": { "reference": "Patient/1" },
              "occurrenceTiming": { "repeat": { "boundsPeriod": { "start": "2024-02-01", "end": "2024-02-10" }, "frequency": 2, "period": 1, "periodUnit": "d" } } }
            """,
            "occurrence");

        Assert.Equal([new DateIndexValue("occurrence", R4.Utc(2024, 2, 1), R4.UtcEndOfSecond(2024, 2, 10, 23, 59, 59))], values);
    }

    [Fact]
    public void A_timing_without_events_or_bounds_is_not_indexed()
    {
        Assert.Empty(Index(
            """
            { "resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": { "reference": "Patient/1" },
              "occurrenceTiming": { "code": { "text": "twice a day" } } }
            """,
            "occurrence"));
    }

    [Fact]
    public void An_instant_covers_its_precision_in_UTC()
    {
        var values = Index(Observation("""  "effectiveInstant": "2024-01-02T03:04:05.123+01:00" """), "date");

        var start = R4.Utc(2024, 1, 2, 2, 4, 5).AddMilliseconds(123);
        Assert.Equal([new DateIndexValue("date", start, start.AddMilliseconds(1).AddTicks(-1))], values);
    }

    // --- quantities and numbers ---

    [Fact]
    public void The_UCUM_code_wins_over_the_display_unit()
    {
        var values = Index(Observation($$"""  "valueQuantity": { "value": 1.50, "unit": "gram", "system": "{{Ucum}}", "code": "g" } """), "value-quantity");

        Assert.Equal([new QuantityIndexValue("value-quantity", 1.5m, 1.495m, 1.505m, Ucum, "g", 1.5m, "g")], values);
    }

    [Fact]
    public void A_quantity_with_only_a_display_unit_has_no_canonical_form()
    {
        var values = Index(Observation("""  "valueQuantity": { "value": 3, "unit": "tablets" } """), "value-quantity");

        Assert.Equal([new QuantityIndexValue("value-quantity", 3m, 2.5m, 3.5m, null, "tablets")], values);
    }

    [Fact]
    public void A_quantity_with_a_UCUM_code_and_no_system_is_canonicalised()
    {
        var values = Index(Observation("""  "valueQuantity": { "value": 250, "code": "mL" } """), "value-quantity");

        Assert.Equal([new QuantityIndexValue("value-quantity", 250m, 249.5m, 250.5m, null, "mL", 0.00025m, "m3")], values);
    }

    [Fact]
    public void A_quantity_in_another_code_system_has_no_canonical_form()
    {
        var values = Index(Observation("""  "valueQuantity": { "value": 2, "system": "http://snomed.info/sct", "code": "385055001" } """), "value-quantity");

        Assert.Equal([new QuantityIndexValue("value-quantity", 2m, 1.5m, 2.5m, "http://snomed.info/sct", "385055001")], values);
    }

    [Fact]
    public void A_quantity_without_a_value_is_not_indexed()
    {
        Assert.Empty(Index(Observation($$"""  "valueQuantity": { "system": "{{Ucum}}", "code": "mg" } """), "value-quantity"));
    }

    [Fact]
    public void Money_is_a_quantity_in_ISO_4217_currency()
    {
        var values = Index(
            """
            { "resourceType": "ChargeItem", "status": "billable", "code": { "text": "x" }, "subject": { "reference": "Patient/1" },
              "priceOverride": { "value": 12.50, "currency": "EUR" }, "factorOverride": 0.8 }
            """,
            "price-override");

        Assert.Equal([new QuantityIndexValue("price-override", 12.5m, 12.495m, 12.505m, "urn:iso:std:iso:4217", "EUR")], values);
    }

    [Fact]
    public void A_decimal_number_keeps_the_precision_it_was_written_with()
    {
        var values = Index(
            """
            { "resourceType": "ChargeItem", "status": "billable", "code": { "text": "x" }, "subject": { "reference": "Patient/1" },
              "factorOverride": 0.80 }
            """,
            "factor-override");

        Assert.Equal([new NumberIndexValue("factor-override", 0.8m, 0.795m, 0.805m)], values);
    }

    [Fact]
    public void A_number_parameter_on_a_Range_gives_nothing()
    {
        var values = Index(
            """
            { "resourceType": "RiskAssessment", "status": "final", "subject": { "reference": "Patient/1" },
              "prediction": [{ "probabilityDecimal": 0.25 }, { "probabilityRange": { "low": { "value": 0.1 }, "high": { "value": 0.2 } } }] }
            """,
            "probability");

        Assert.Equal([new NumberIndexValue("probability", 0.25m, 0.245m, 0.255m)], values);
    }

    [Fact]
    public void A_quantity_parameter_on_a_Range_covers_low_to_high_in_canonical_units_too()
    {
        var range = R4.Parse("""
            { "resourceType": "Observation", "status": "final", "code": { "text": "x" },
              "valueRange": { "low": { "value": 5, "system": "http://unitsofmeasure.org", "code": "mg" }, "high": { "value": 10, "system": "http://unitsofmeasure.org", "code": "mg" } } }
            """).Child("value")!;
        var values = new List<IndexValue>();

        IndexValues.Add(values, Parameter("x", SearchParamType.Quantity), range);

        var q = Assert.IsType<QuantityIndexValue>(Assert.Single(values));
        Assert.Equal((4.5m, 10.5m, "mg", "g"), (q.Low, q.High, q.Unit, q.CanonicalUnit));
        Assert.Equal(0.0075m, q.CanonicalValue);
    }

    [Fact]
    public void A_Range_with_an_open_end_or_different_units_gives_nothing()
    {
        var open = R4.Parse("""{ "resourceType": "Observation", "status": "final", "code": { "text": "x" }, "valueRange": { "low": { "value": 5, "code": "mg" } } }""").Child("value")!;
        var mixed = R4.Parse("""{ "resourceType": "Observation", "status": "final", "code": { "text": "x" }, "valueRange": { "low": { "value": 5, "code": "mg" }, "high": { "value": 1, "code": "g" } } }""").Child("value")!;
        var values = new List<IndexValue>();

        IndexValues.Add(values, Parameter("x", SearchParamType.Quantity), open);
        IndexValues.Add(values, Parameter("x", SearchParamType.Quantity), mixed);

        Assert.Empty(values);
    }

    // --- tokens, strings and uris, directly ---

    [Fact]
    public void A_Coding_is_a_token_with_its_display()
    {
        var meta = R4.Parse("""{ "resourceType": "Patient", "meta": { "security": [{ "system": "http://s", "code": "R", "display": "restricted" }] } }""")
            .Child("meta")!.Child("security")!;
        var values = new List<IndexValue>();

        IndexValues.Add(values, Parameter("_security", SearchParamType.Token), meta);

        Assert.Equal([new TokenIndexValue("_security", "http://s", "R", "restricted")], values);
    }

    [Fact]
    public void A_CodeableConcept_without_text_takes_each_coding_display()
    {
        var code = R4.Parse("""
            { "resourceType": "Basic", "code": { "coding": [{ "system": "http://a", "code": "1", "display": "One" }, { "system": "http://b", "code": "2" }] } }
            """).Child("code")!;
        var values = new List<IndexValue>();

        IndexValues.Add(values, Parameter("code", SearchParamType.Token), code);

        Assert.Equal([new TokenIndexValue("code", "http://a", "1", "One"), new TokenIndexValue("code", "http://b", "2")], values);
    }

    [Fact]
    public void A_value_of_a_type_the_parameter_type_cannot_use_gives_nothing()
    {
        var patient = R4.Parse("""{ "resourceType": "Patient", "birthDate": "2000-01-01", "active": true }""");
        var values = new List<IndexValue>();

        IndexValues.Add(values, Parameter("x", SearchParamType.Quantity), patient.Child("birthDate")!);
        IndexValues.Add(values, Parameter("x", SearchParamType.Number), patient.Child("birthDate")!);
        IndexValues.Add(values, Parameter("x", SearchParamType.Date), patient.Child("active")!);
        IndexValues.Add(values, Parameter("x", SearchParamType.Uri), patient.Child("active")!);
        IndexValues.Add(values, Parameter("x", SearchParamType.Composite), patient.Child("birthDate")!);

        Assert.Empty(values);
    }

    [Fact]
    public void A_uri_is_indexed_as_written()
    {
        var values = Index("""{ "resourceType": "Patient", "meta": { "source": "http://Example.org/Source#A" } }""", "_source");

        Assert.Equal([new UriIndexValue("_source", "http://Example.org/Source#A")], values);
    }

    private static SearchParameterInfo Parameter(string code, SearchParamType type) =>
        new("http://example.org/SearchParameter/" + code, code, "Resource", type, "Resource.id", [], []);
}

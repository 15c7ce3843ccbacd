using System.Text;
using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Core.Tests.Json;

public class WriterTests
{
    private const string Subsetted = """{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationValue","code":"SUBSETTED","display":"Resource encoded in summary mode"}""";

    [Fact]
    public void Writes_compact_canonical_JSON_with_resourceType_first_and_elements_in_definition_order()
    {
        var patient = Read("""
            {"name":[{"given":["Peter",null,"James"],"_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"x"}]},{"id":"g3"}],"family":"Chalmers"}],
             "resourceType":"Patient","birthDate":"1974-12-25","id":"p1","active":true,"multipleBirthInteger":2}
            """);
        Assert.Equal(
            """{"resourceType":"Patient","id":"p1","active":true,"name":[{"family":"Chalmers","given":["Peter",null,"James"],"_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"x"}]},{"id":"g3"}]}],"birthDate":"1974-12-25","multipleBirthInteger":2}""",
            FhirJsonWriter.SerializeToString(patient));
    }

    [Fact]
    public void A_primitive_with_only_extensions_is_written_as_its_underscore_property_alone()
    {
        const string json = """{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}}""";
        Assert.Equal(json, FhirJsonWriter.SerializeToString(Read(json)));
    }

    [Fact]
    public void Decimals_are_written_exactly_as_they_were_read_unless_the_value_changed()
    {
        var observation = Read("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[
              {"code":{"text":"a"},"valueQuantity":{"value":1.50}},
              {"code":{"text":"b"},"valueQuantity":{"value":1e3}},
              {"code":{"text":"c"},"valueQuantity":{"value":0.00001}}]}
            """);
        var written = FhirJsonWriter.SerializeToString(observation);
        Assert.Contains("\"value\":1.50}", written);
        Assert.Contains("\"value\":1e3}", written);
        Assert.Contains("\"value\":0.00001}", written);

        var first = observation.Child("component")!.Child("value")!.Child("value")!;
        first.Value = 2.250m; // the stale text no longer says this number
        Assert.Contains("\"value\":2.250}", FhirJsonWriter.SerializeToString(observation));
    }

    [Fact]
    public void Text_is_written_as_UTF8_without_escaping_markup_or_accents()
    {
        var patient = Read("""{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">a &amp; b</div>"},"name":[{"family":"Ch\u00e2lmers"}]}""");
        var bytes = FhirJsonWriter.Serialize(patient);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">a &amp; b</div>\"", text);
        Assert.Contains("Châlmers", text);
    }

    [Fact]
    public void Indented_output_is_the_same_tree()
    {
        var json = """{"resourceType":"Patient","id":"p1","name":[{"family":"Chalmers","given":["Peter"]}]}""";
        var indented = FhirJsonWriter.Serialize(Read(json), new FhirJsonWriterOptions { Indented = true });
        Assert.Contains("\n  \"id\": \"p1\"", Encoding.UTF8.GetString(indented));
        Assert.Null(JsonTree.FirstDifference(Encoding.UTF8.GetBytes(json), indented));
    }

    [Fact]
    public void Write_puts_a_resource_inside_a_larger_document()
    {
        var patient = Read("""{"resourceType":"Patient","id":"p1"}""");
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("resource");
            FhirJsonWriter.Write(patient, writer);
            writer.WriteEndObject();
        }
        Assert.Equal("""{"resource":{"resourceType":"Patient","id":"p1"}}""", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void An_empty_complex_element_is_left_out()
    {
        var patient = Read("""{"resourceType":"Patient","id":"p1"}""");
        patient.GetOrAddComplex("maritalStatus");
        Assert.Equal("""{"resourceType":"Patient","id":"p1"}""", FhirJsonWriter.SerializeToString(patient));
    }

    [Fact]
    public void Summary_true_keeps_the_summary_elements_at_every_level_and_tags_the_resource()
    {
        var patient = Read("""
            {"resourceType":"Patient","id":"p1","meta":{"versionId":"3","tag":[{"code":"t"}]},
             "text":{"status":"generated","div":"<div>Peter</div>"},
             "extension":[{"url":"http://example.org/x","valueString":"x"}],
             "name":[{"extension":[{"url":"http://example.org/y","valueString":"y"}],"family":"Chalmers"}],
             "gender":"male","photo":[{"contentType":"image/png"}],"contact":[{"gender":"female"}]}
            """);
        Assert.Equal(
            $$$"""{"resourceType":"Patient","id":"p1","meta":{"versionId":"3","tag":[{"code":"t"},{{{Subsetted}}}]},"name":[{"family":"Chalmers"}],"gender":"male"}""",
            FhirJsonWriter.SerializeToString(patient, new FhirJsonWriterOptions { Summary = SummaryMode.True }));
    }

    [Fact]
    public void Summary_text_keeps_text_id_meta_and_the_mandatory_elements()
    {
        var observation = Read("""
            {"resourceType":"Observation","id":"o1","text":{"status":"generated","div":"<div>BP</div>"},
             "status":"final","code":{"text":"BP"},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":120}}
            """);
        Assert.Equal(
            $$$"""{"resourceType":"Observation","id":"o1","meta":{"tag":[{{{Subsetted}}}]},"text":{"status":"generated","div":"<div>BP</div>"},"status":"final","code":{"text":"BP"}}""",
            FhirJsonWriter.SerializeToString(observation, new FhirJsonWriterOptions { Summary = SummaryMode.Text }));
    }

    [Fact]
    public void Summary_data_drops_only_the_text()
    {
        var observation = Read("""
            {"resourceType":"Observation","text":{"status":"generated","div":"<div>BP</div>"},
             "status":"final","code":{"text":"BP"},"valueQuantity":{"value":120}}
            """);
        Assert.Equal(
            $$$"""{"resourceType":"Observation","meta":{"tag":[{{{Subsetted}}}]},"status":"final","code":{"text":"BP"},"valueQuantity":{"value":120}}""",
            FhirJsonWriter.SerializeToString(observation, new FhirJsonWriterOptions { Summary = SummaryMode.Data }));
    }

    [Fact]
    public void Elements_keeps_the_named_elements_plus_id_meta_and_mandatory_ones()
    {
        var observation = Read("""
            {"resourceType":"Observation","id":"o1","meta":{"versionId":"1"},"text":{"status":"generated","div":"<div>BP</div>"},
             "status":"final","code":{"text":"BP"},"subject":{"reference":"Patient/p1"},"issued":"2020-01-01T10:00:00Z","valueQuantity":{"value":120}}
            """);
        var options = new FhirJsonWriterOptions { Elements = new HashSet<string> { "subject", "valueQuantity" } };
        Assert.Equal(
            $$$"""{"resourceType":"Observation","id":"o1","meta":{"versionId":"1","tag":[{{{Subsetted}}}]},"status":"final","code":{"text":"BP"},"subject":{"reference":"Patient/p1"},"valueQuantity":{"value":120}}""",
            FhirJsonWriter.SerializeToString(observation, options));
    }

    [Fact]
    public void Subsetting_a_bundle_applies_to_its_entry_resources()
    {
        var bundle = Read("""
            {"resourceType":"Bundle","type":"searchset","total":1,"entry":[
              {"fullUrl":"http://example.org/Patient/p1","resource":{"resourceType":"Patient","id":"p1","text":{"status":"generated","div":"<div>Peter</div>"},"gender":"male"},"search":{"mode":"match"}}]}
            """);
        Assert.Equal(
            $$$"""{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"fullUrl":"http://example.org/Patient/p1","resource":{"resourceType":"Patient","id":"p1","meta":{"tag":[{{{Subsetted}}}]},"gender":"male"},"search":{"mode":"match"}}]}""",
            FhirJsonWriter.SerializeToString(bundle, new FhirJsonWriterOptions { Summary = SummaryMode.Data }));
    }

    [Fact]
    public void A_resource_already_tagged_SUBSETTED_is_not_tagged_twice()
    {
        var json = $$$"""{"resourceType":"Patient","id":"p1","meta":{"tag":[{{{Subsetted}}}]},"gender":"male"}""";
        Assert.Equal(json, FhirJsonWriter.SerializeToString(Read(json), new FhirJsonWriterOptions { Summary = SummaryMode.Data }));
    }

    private static ElementNode Read(string json)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.True(result.IsSuccess, string.Join("; ", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        return result.Resource!;
    }

    [Fact]
    public void Issue_12_item_17_indenting_keeps_every_value_as_written_at_any_depth()
    {
        // Deeper than any JsonDocument default (64) and than the writer's (1,000).
        var depth = 5_000;
        var json = new StringBuilder();
        for (var i = 0; i < depth; i++) json.Append("{\"url\":\"x\",\"extension\":[");
        json.Append("{\"v\":1.50,\"s\":\"é \\\" \\u0001\",\"n\":null,\"t\":true}");
        for (var i = 0; i < depth; i++) json.Append("]}");
        var indented = FhirJsonWriter.Indent(Encoding.UTF8.GetBytes(json.ToString()));
        var text = Encoding.UTF8.GetString(indented);
        Assert.Contains("\"v\": 1.50", text, StringComparison.Ordinal);
        Assert.Contains("\"s\": \"é \\\" \\u0001\"", text, StringComparison.Ordinal);
        Assert.Contains("\n", text, StringComparison.Ordinal);
        // The same document, tokens unchanged.
        var compact = new StringBuilder();
        var reader = new Utf8JsonReader(indented, new JsonReaderOptions { MaxDepth = int.MaxValue });
        var original = new Utf8JsonReader(Encoding.UTF8.GetBytes(json.ToString()), new JsonReaderOptions { MaxDepth = int.MaxValue });
        while (original.Read())
        {
            Assert.True(reader.Read());
            Assert.Equal(original.TokenType, reader.TokenType);
            Assert.Equal(Encoding.UTF8.GetString(original.ValueSpan), Encoding.UTF8.GetString(reader.ValueSpan));
        }
        Assert.False(reader.Read());
    }
}

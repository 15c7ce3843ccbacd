using System.Text;
using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;

namespace Fhir.Xml.Tests;

public class FhirXmlReaderTests
{
    private const string Ns = "xmlns=\"http://hl7.org/fhir\"";

    private static JsonElement Json(string xml)
    {
        var result = FhirXmlReader.ToJson(xml);
        Assert.True(result.IsSuccess, string.Join("; ", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        return JsonDocument.Parse(result.Json!).RootElement.Clone();
    }

    private static Issue OnlyError(string xml, FhirXmlReaderOptions? options = null)
    {
        var result = FhirXmlReader.ToJson(xml, options);
        var errors = result.Issues.Where(i => i.IsError).ToList();
        Assert.True(errors.Count == 1, $"expected one error, got: {string.Join("; ", result.Issues.Select(i => $"{i.Expression}: {i.Message}"))}");
        return errors[0];
    }

    [Fact]
    public void Decimals_keep_their_digits_as_written()
    {
        var json = Json($"<Observation {Ns}><status value=\"final\"/><code><text value=\"x\"/></code><component><code><text value=\"a\"/></code><valueQuantity><value value=\"1.50\"/></valueQuantity></component>"
            + "<component><code><text value=\"b\"/></code><valueQuantity><value value=\"1e3\"/></valueQuantity></component>"
            + "<component><code><text value=\"c\"/></code><valueQuantity><value value=\"0.000000000000000000000000000000123456789012345678901234567890\"/></valueQuantity></component></Observation>");
        var values = json.GetProperty("component").EnumerateArray().Select(c => c.GetProperty("valueQuantity").GetProperty("value").GetRawText()).ToList();
        Assert.Equal(["1.50", "1e3", "0.000000000000000000000000000000123456789012345678901234567890"], values);
        // And back: the XML the writer makes carries the same digits.
        var xml = Encoding.UTF8.GetString(FhirXmlWriter.FromJson(Encoding.UTF8.GetBytes(json.GetRawText())));
        Assert.Contains("value=\"1.50\"", xml);
        Assert.Contains("value=\"1e3\"", xml);
        Assert.Contains("value=\"0.000000000000000000000000000000123456789012345678901234567890\"", xml);
    }

    [Fact]
    public void Ids_and_extensions_of_primitives_become_underscore_properties_aligned_with_the_values()
    {
        var json = Json($"<Patient {Ns}><name><given value=\"A\"/><given id=\"g2\"><extension url=\"http://x\"><valueString value=\"v\"/></extension></given><given value=\"C\" id=\"g3\"/></name></Patient>");
        var name = json.GetProperty("name")[0];
        Assert.Equal("[\"A\",null,\"C\"]", name.GetProperty("given").GetRawText());
        Assert.Equal("[null,{\"id\":\"g2\",\"extension\":[{\"url\":\"http://x\",\"valueString\":\"v\"}]},{\"id\":\"g3\"}]", name.GetProperty("_given").GetRawText());
    }

    [Fact]
    public void Contained_resources_bundle_entries_and_parameters_carry_their_resource_type()
    {
        var json = Json($"<Parameters {Ns}><parameter><name value=\"r\"/><resource><Bundle><type value=\"collection\"/><entry><resource><Patient><id value=\"p\"/><contained><Organization><id value=\"o\"/></Organization></contained><active value=\"true\"/></Patient></resource></entry></Bundle></resource></parameter></Parameters>");
        var bundle = json.GetProperty("parameter")[0].GetProperty("resource");
        Assert.Equal("Bundle", bundle.GetProperty("resourceType").GetString());
        var patient = bundle.GetProperty("entry")[0].GetProperty("resource");
        Assert.Equal("Patient", patient.GetProperty("resourceType").GetString());
        Assert.Equal(JsonValueKind.True, patient.GetProperty("active").ValueKind);
        Assert.Equal("Organization", patient.GetProperty("contained")[0].GetProperty("resourceType").GetString());
    }

    [Fact]
    public void The_narrative_keeps_its_markup_and_whitespace()
    {
        var json = Json($"<Patient {Ns}><text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\">\n  <b>a</b> <i>b</i> &amp; &lt;c&gt;\n</div></text></Patient>");
        Assert.Equal("<div xmlns=\"http://www.w3.org/1999/xhtml\">\n  <b>a</b> <i>b</i> &amp; &lt;c&gt;\n</div>", json.GetProperty("text").GetProperty("div").GetString());
    }

    [Fact]
    public void Comments_are_kept_in_the_narrative_and_ignored_elsewhere()
    {
        var json = Json($"<Patient {Ns}><!-- sent by the lab --><text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\"><!-- logo --><p>x</p></div></text><active value=\"true\"/><!-- end --></Patient>");
        Assert.Equal("<div xmlns=\"http://www.w3.org/1999/xhtml\"><!-- logo --><p>x</p></div>", json.GetProperty("text").GetProperty("div").GetString());
        Assert.True(json.GetProperty("active").GetBoolean());
    }

    [Fact]
    public void Strings_keep_leading_and_trailing_whitespace_and_line_breaks()
    {
        var json = Json($"<Patient {Ns}><name><family value=\" Doe \"/></name><address><text value=\"line 1&#10;line 2\"/></address></Patient>");
        Assert.Equal(" Doe ", json.GetProperty("name")[0].GetProperty("family").GetString());
        Assert.Equal("line 1\nline 2", json.GetProperty("address")[0].GetProperty("text").GetString());
        var xml = FhirXmlWriter.FromJson(Encoding.UTF8.GetBytes(json.GetRawText()));
        var back = JsonDocument.Parse(FhirXmlReader.ToJson(xml).Json!).RootElement;
        Assert.Equal(" Doe ", back.GetProperty("name")[0].GetProperty("family").GetString());
        Assert.Equal("line 1\nline 2", back.GetProperty("address")[0].GetProperty("text").GetString());
    }

    [Fact]
    public void Malformed_XML_is_one_error_with_line_and_position()
    {
        var error = OnlyError($"<Patient {Ns}>\n  <active value=\"true\">\n</Patient>");
        Assert.Equal(IssueType.Structure, error.Code);
        Assert.Contains("not well-formed XML (line 3", error.Message);
    }

    [Fact]
    public void A_DTD_is_refused_before_any_entity_is_read()
    {
        // The classic entity-expansion bomb and an external entity: neither is expanded nor fetched, both are refused.
        var bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
            + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
            + $"<Patient {Ns}><name><family value=\"&lol3;\"/></name></Patient>";
        var external = $"<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Patient {Ns}><name><family value=\"&x;\"/></name></Patient>";
        foreach (var xml in new[] { bomb, external })
        {
            var error = OnlyError(xml);
            Assert.Equal(IssueType.Security, error.Code);
            Assert.Contains("document type declaration", error.Message);
            Assert.DoesNotContain("root:", error.Message);
        }
    }

    [Fact]
    public void An_undeclared_entity_is_malformed_XML()
    {
        var error = OnlyError($"<Patient {Ns}><name><family value=\"&foo;\"/></name></Patient>");
        Assert.Contains("not well-formed", error.Message);
    }

    [Fact]
    public void Elements_in_another_namespace_or_none_are_errors_with_their_place()
    {
        var root = OnlyError("<Patient xmlns=\"urn:other\"><active value=\"true\"/></Patient>");
        Assert.Equal("Patient", root.Expression);
        Assert.Contains("namespace", root.Message);
        var none = OnlyError("<Patient><active value=\"true\"/></Patient>");
        Assert.Contains("no namespace", none.Message);
        var child = OnlyError($"<Patient {Ns}><name><family xmlns=\"urn:x\" value=\"a\"/></name></Patient>");
        Assert.Equal("Patient.name[0]", child.Expression);
        Assert.Contains("urn:x", child.Message);
    }

    [Fact]
    public void Unknown_elements_pass_to_the_JSON_reader_which_reports_them_at_their_path()
    {
        var result = FhirXmlReader.ToJson($"<Observation {Ns}><status value=\"final\"/><code><text value=\"x\"/></code><effectivePeriod><start value=\"2020-01-01\"/><stop value=\"2020-02-01\"/></effectivePeriod><valueFoo value=\"1\"/></Observation>");
        Assert.True(result.IsSuccess);
        var strict = FhirJsonReader.Parse(result.Json!);
        Assert.Equal(["Observation.effectivePeriod.stop", "Observation.valueFoo"], strict.Issues.Where(i => i.IsError).Select(i => i.Expression!).Order());
        var lenient = FhirJsonReader.Parse(result.Json!, new FhirJsonReaderOptions { UnknownElements = UnknownElementHandling.Drop });
        Assert.True(lenient.IsSuccess);
        Assert.Equal(2, lenient.Issues.Count(i => i.Severity == IssueSeverity.Warning));
    }

    [Fact]
    public void Attributes_and_elements_must_be_where_FHIR_XML_puts_them()
    {
        Assert.Equal("Patient.active", OnlyError($"<Patient {Ns} active=\"true\"/>").Expression);
        Assert.Contains("an element in FHIR XML", OnlyError($"<Patient {Ns}><name family=\"x\"/></Patient>").Message);
        Assert.Contains("an attribute in FHIR XML", OnlyError($"<Patient {Ns}><extension><url value=\"http://x\"/><valueString value=\"a\"/></extension></Patient>").Message);
        // An attribute FHIR does not have is an unknown element: the JSON reader reports it (or drops it when lenient).
        var unknown = FhirXmlReader.ToJson($"<Patient {Ns}><active value=\"true\" foo=\"bar\"/></Patient>");
        Assert.True(unknown.IsSuccess);
        Assert.Contains(FhirJsonReader.Parse(unknown.Json!).Issues, i => i.IsError && i.Expression == "Patient.active.foo");
    }

    [Fact]
    public void Text_content_and_values_of_the_wrong_form_are_errors()
    {
        Assert.Contains("text content", OnlyError($"<Patient {Ns}><active value=\"true\"/>hello</Patient>").Message);
        var number = OnlyError($"<Observation {Ns}><status value=\"final\"/><code><text value=\"x\"/></code><valueInteger value=\"12a\"/></Observation>");
        Assert.Equal("Observation.valueInteger", number.Expression);
        var boolean = OnlyError($"<Patient {Ns}><active value=\"yes\"/></Patient>");
        Assert.Equal("Patient.active", boolean.Expression);
        var repeated = OnlyError($"<Patient {Ns}><gender value=\"male\"/><gender value=\"female\"/></Patient>");
        Assert.Contains("does not repeat", repeated.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_before_a_tree_is_built()
    {
        var deep = new StringBuilder($"<Patient {Ns}>");
        for (var i = 0; i < 100; i++)
        {
            deep.Append("<extension url=\"http://x\">");
        }
        deep.Append("<valueString value=\"a\"/>");
        for (var i = 0; i < 100; i++)
        {
            deep.Append("</extension>");
        }
        deep.Append("</Patient>");
        var error = OnlyError(deep.ToString(), new FhirXmlReaderOptions { MaxDepth = 64 });
        Assert.Contains("maximum depth of 64", error.Message);
        Assert.True(FhirXmlReader.ToJson(deep.ToString(), new FhirXmlReaderOptions { MaxDepth = 256 }).IsSuccess);
    }

    [Fact]
    public void Names_starting_with_an_underscore_cannot_pass_into_JSON_and_are_unknown_elements()
    {
        var strict = OnlyError($"<Patient {Ns}><_active value=\"true\"/></Patient>");
        Assert.Equal("Patient._active", strict.Expression);
        var lenient = FhirXmlReader.ToJson($"<Patient {Ns}><_active value=\"true\"/></Patient>", new FhirXmlReaderOptions { UnknownElements = UnknownElementHandling.Drop });
        Assert.True(lenient.IsSuccess);
        Assert.Single(lenient.Issues, i => i.Severity == IssueSeverity.Warning);
    }
}

using System.Text.RegularExpressions;
using Fhir.Core.Definitions;
using Fhir.Core.Primitives;

namespace Fhir.Core.Tests.Primitives;

public class FhirPrimitivesTests
{
    public static TheoryData<string, string> ValidValues => new()
    {
        { "boolean", "true" }, { "boolean", "false" },
        { "integer", "0" }, { "integer", "-0" }, { "integer", "-2147483648" }, { "integer", "2147483647" },
        { "positiveInt", "1" }, { "positiveInt", "2147483647" },
        { "unsignedInt", "0" }, { "unsignedInt", "42" },
        { "decimal", "0" }, { "decimal", "-1.50" }, { "decimal", "1e3" }, { "decimal", "1.5E-10" }, { "decimal", "0.000001" }, { "decimal", "12345678901234567890" }, { "decimal", "1e400" }, { "decimal", "-1e+245" }, { "decimal", "1e-245" },
        { "string", "Peter" }, { "string", "  padded \r\n\ttext " }, { "string", "   " },
        { "markdown", "# Title\n\n*emphasis*" },
        { "code", "male" }, { "code", "text/plain; charset=UTF-8" }, { "code", "a b" },
        { "id", "a" }, { "id", "example-1.2" }, { "id", new string('A', 64) },
        { "uri", "http://example.org/fhir" }, { "uri", "urn:oid:1.2.3" }, { "uri", "#contained" },
        { "url", "https://example.org/a?b=c" }, { "canonical", "http://hl7.org/fhir/ValueSet/x|4.0.1" },
        { "oid", "urn:oid:1.2.840.10008" }, { "oid", "urn:oid:2.0" },
        { "uuid", "urn:uuid:c757873d-ec9a-4326-a141-556f43239520" },
        { "base64Binary", "QUJD" }, { "base64Binary", "QUI=" }, { "base64Binary", "QQ==" }, { "base64Binary", "QUJD QUJD" }, { "base64Binary", "QUJD\nQUI=" },
        { "xhtml", "<div xmlns=\"http://www.w3.org/1999/xhtml\">text</div>" }, { "xhtml", "<div>x</div>\n" },
        { "date", "2024" }, { "date", "2024-02" }, { "date", "2024-02-29" }, { "date", "0001-01-01" },
        { "dateTime", "2024" }, { "dateTime", "2024-02-29" }, { "dateTime", "2024-02-29T23:59:60Z" }, { "dateTime", "2024-01-01T10:00:00.123456789+14:00" }, { "dateTime", "2024-01-01T10:00:00-00:00" },
        { "instant", "2024-01-01T10:00:00Z" }, { "instant", "2024-01-01T10:00:00.5-05:30" },
        { "time", "00:00:00" }, { "time", "23:59:59.999" },
    };

    /// <summary>Invalid values; the flag says whether the definition's regex already rejects them (the others need real checks).</summary>
    public static TheoryData<string, string, bool> InvalidValues => new()
    {
        { "boolean", "True", true }, { "boolean", "1", true },
        { "integer", "01", true }, { "integer", "1.0", true }, { "integer", "1e2", true }, { "integer", "+1", true },
        { "integer", "2147483648", false }, { "integer", "-2147483649", false },
        { "positiveInt", "0", true }, { "positiveInt", "-1", true }, { "positiveInt", "2147483648", false },
        { "unsignedInt", "-1", true }, { "unsignedInt", "-0", true }, { "unsignedInt", "4294967295", false },
        { "decimal", "01.5", true }, { "decimal", ".5", true }, { "decimal", "1.", true }, { "decimal", "NaN", true }, { "decimal", "1e", true }, { "decimal", "+1", true },
        { "string", "", true },
        { "code", " male", true }, { "code", "male ", true }, { "code", "a  b", true }, { "code", "a\tb", false }, { "code", "", true },
        { "id", "", true }, { "id", "a_b", true }, { "id", "a b", true }, { "id", new string('A', 65), true },
        { "uri", "http://example.org/a b", true }, { "uri", "", false },
        { "oid", "1.2.3", true }, { "oid", "urn:oid:3.1", true }, { "oid", "urn:oid:1.02", true }, { "oid", "urn:oid:1", true },
        { "uuid", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520", true }, { "uuid", "c757873d-ec9a-4326-a141-556f43239520", true },
        { "base64Binary", "QUJ", true }, { "base64Binary", "Q===", false }, { "base64Binary", "QQ=A", false }, { "base64Binary", "QU JD", true }, { "base64Binary", "QU*D", true },
        { "xhtml", "<p>x</p>", false }, { "xhtml", " <div>x</div>", false }, { "xhtml", "<divx>", false }, { "xhtml", "<div>x", false },
        { "date", "2024-02-30", false }, { "date", "2023-02-29", false }, { "date", "0000", true }, { "date", "24-01-01", true }, { "date", "2024-1-1", true }, { "date", "2024-01-01T10:00:00Z", true },
        { "dateTime", "2024-01-01T10:00:00", true }, { "dateTime", "2024-01-01T10:00Z", true }, { "dateTime", "2024-01-01T24:00:00Z", true },
        { "dateTime", "2024-01-01T10:00:00+14:30", true }, { "dateTime", "2024-01-01T10:00:00+15:00", true }, { "dateTime", "2024-04-31", false }, { "dateTime", "2024-01T10:00:00Z", true },
        { "instant", "2024-01-01", true }, { "instant", "2024-01-01T10:00:00", true }, { "instant", "2024-02-30T10:00:00Z", false },
        { "time", "24:00:00", true }, { "time", "10:00", true }, { "time", "10:00:00Z", true }, { "time", "10:00:00.", true },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void Accepts_the_valid_lexical_forms_which_the_definition_patterns_also_match(string type, string value)
    {
        Assert.True(FhirPrimitives.IsValid(type, value), FhirPrimitives.Explain(type, value));
        if (Pattern(type) is { } pattern)
        {
            Assert.Matches(pattern, value);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void Rejects_invalid_lexical_forms_including_those_the_patterns_let_through(string type, string value, bool patternRejects)
    {
        Assert.False(FhirPrimitives.IsValid(type, value));
        Assert.NotNull(FhirPrimitives.Explain(type, value));
        if (Pattern(type) is { } pattern)
        {
            Assert.Equal(patternRejects, !pattern.IsMatch(value));
        }
    }

    [Fact]
    public void An_unknown_type_name_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => FhirPrimitives.IsValid("Quantity", "1"));
    }

    [Fact]
    public void A_dateTime_without_timezone_is_explained()
    {
        Assert.Equal("a dateTime with a time must have a timezone", FhirPrimitives.Explain("dateTime", "2024-01-01T10:00:00"));
        Assert.Equal("a dateTime with a time must have seconds", FhirPrimitives.Explain("dateTime", "2024-01-01T10:00Z"));
    }

    private static Regex? Pattern(string type)
    {
        // The definitions' patterns are XML-Schema style: implicitly anchored.
        var pattern = FhirDefinitions.R4.FindType(type)!.ValuePattern;
        return string.IsNullOrEmpty(pattern) ? null : new Regex("^(?:" + pattern + ")$");
    }

    [Theory]
    [InlineData("string")]
    [InlineData("markdown")]
    [InlineData("code")]
    [InlineData("uri")]
    [InlineData("xhtml")]
    public void Issue_12_item_16_control_characters_below_U0020_but_tab_CR_and_LF_are_invalid_in_every_string_kind(string type)
    {
        for (var c = (char)0; c < ' '; c++)
        {
            var value = type == "xhtml" ? $"<div xmlns=\"http://www.w3.org/1999/xhtml\">a{c}b</div>" : $"a{c}b";
            Assert.Equal(c is '\t' or '\r' or '\n' ? -1 : value.IndexOf(c, StringComparison.Ordinal), FhirPrimitives.IndexOfControlCharacter(value));
            if (c is '\t' or '\r' or '\n')
            {
                continue;
            }
            Assert.Contains($"U+{(int)c:X4}", FhirPrimitives.Explain(type, value), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Issue_12_item_16_a_resource_with_a_control_character_is_refused_at_the_element()
    {
        for (var c = 0; c < 0x20; c++)
        {
            var json = $$"""{"resourceType":"Patient","name":[{"family":"a\u{{c:x4}}b"}],"telecom":[{"system":"email","value":"x\u{{c:X4}}"}]}""";
            var result = Fhir.Core.Json.FhirJsonReader.Parse(json);
            if (c is 9 or 10 or 13)
            {
                Assert.True(result.IsSuccess);
                continue;
            }
            Assert.Equal("Patient.name[0].family|Patient.telecom[0].value", string.Join("|", result.Issues.Where(i => i.IsError).Select(i => i.Expression)));
        }
    }
}

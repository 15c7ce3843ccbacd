using System.Text;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;

namespace Fhir.Core.Tests.Json;

/// <summary>Issue 12 item 16: escaped surrogates without their pair are found wherever they are, and refused with their path.</summary>
public class JsonEscapesTests
{
    [Theory]
    [InlineData("""["\ud800"]""", 2)]
    [InlineData("""["\uDBFF"]""", 2)]
    [InlineData("""["\udc00"]""", 2)]
    [InlineData("""["a\ud800\u0041"]""", 3)]
    [InlineData("""["\ud800\ud800"]""", 2)]
    [InlineData("""["\ud83d\ude00\udfff"]""", 14)]
    [InlineData("""["\ud800""", 2)]
    [InlineData("""["\ud800\""", 2)]
    public void An_unpaired_surrogate_escape_is_found_at_its_offset(string json, int offset)
    {
        Assert.Equal(offset, JsonEscapes.IndexOfUnpairedSurrogate(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("""["\ud83d\ude00"]""")]
    [InlineData("""["\\ud800"]""")]
    [InlineData("""["\\\\ud800"]""")]
    [InlineData("""["\u0041\n\t\"\\"]""")]
    [InlineData("""["😀 é"]""")]
    [InlineData("""["\u00"]""")]
    public void Pairs_other_escapes_and_text_are_not_unpaired_surrogates(string json)
    {
        Assert.Equal(-1, JsonEscapes.IndexOfUnpairedSurrogate(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Every_lone_surrogate_is_found_and_every_pair_passes()
    {
        for (var unit = 0xD800; unit <= 0xDFFF; unit += 7)
        {
            Assert.Equal(1, JsonEscapes.IndexOfUnpairedSurrogate(Encoding.UTF8.GetBytes($"\"\\u{unit:x4}\"")));
            Assert.Equal(1, JsonEscapes.IndexOfUnpairedSurrogate(Encoding.UTF8.GetBytes($"\"\\u{unit:X4}x\"")));
        }
        for (var high = 0xD800; high <= 0xDBFF; high += 61)
        {
            for (var low = 0xDC00; low <= 0xDFFF; low += 67)
            {
                Assert.Equal(-1, JsonEscapes.IndexOfUnpairedSurrogate(Encoding.UTF8.GetBytes($"\"\\u{high:x4}\\u{low:X4}\"")));
            }
        }
    }

    // Where a client may put one: a string value, an item of a repeating string, a property name, the resourceType, a
    // value inside a contained resource, an extension url.
    [Theory]
    [InlineData("""{"resourceType":"Patient","name":[{"family":"\ud800"}]}""", "Patient.name[0].family")]
    [InlineData("""{"resourceType":"Patient","name":[{"given":["Ann","x\udfffy"]}]}""", "Patient.name[0].given[1]")]
    [InlineData("""{"resourceType":"Patient","gender":"\ud800"}""", "Patient.gender")]
    [InlineData("""{"resourceType":"Patient","\ud800":"x"}""", "Patient")]
    [InlineData("""{"resourceType":"Patient","name":[{"\udc00x":1,"family":"a"}]}""", "Patient.name[0]")]
    [InlineData("""{"resourceType":"\ud800"}""", "(the root)")]
    [InlineData("""{"resourceType":"Patient","contained":[{"resourceType":"Organization","name":"\ud800"}]}""", "Patient.contained[0].name")]
    [InlineData("""{"resourceType":"Patient","extension":[{"url":"http://x/\ud800","valueString":"a"}]}""", "Patient.extension[0].url")]
    public void A_resource_holding_an_unpaired_surrogate_is_refused_at_the_element(string json, string expression)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.False(result.IsSuccess);
        var error = result.Issues.First(i => i.IsError);
        if (expression != "(the root)")
        {
            Assert.Equal(expression, error.Expression);
        }
        Assert.Contains(error.Code, new[] { IssueType.Value, IssueType.Structure, IssueType.NotSupported });
    }

    [Fact]
    public void A_JSON_patch_holding_an_unpaired_surrogate_fails_as_an_invalid_patch()
    {
        var result = JsonPatch.Apply(System.Text.Json.Nodes.JsonNode.Parse("""{"a":"b"}"""), Encoding.UTF8.GetBytes("""[{"op":"add","path":"/c","value":"\ud800"}]"""));
        Assert.False(result.IsSuccess);
        Assert.Equal(JsonPatchErrorKind.InvalidPatch, result.ErrorKind);
    }
}

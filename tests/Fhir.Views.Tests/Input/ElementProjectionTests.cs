using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Fhir.Views.Input;

namespace Fhir.Views.Tests.Input;

/// <summary>Only the top-level elements a view's paths can reach are parsed.</summary>
public sealed class ElementProjectionTests
{
    private const string Observation = """
        {"resourceType":"Observation","id":"o1","meta":{"versionId":"1"},"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
         "status":"final","_status":{"extension":[{"url":"urn:x","valueString":"y"}]},"code":{"text":"c"},"valueQuantity":{"value":1},
         "effectivePeriod":{"start":"2020"},"extension":[{"url":"urn:e","valueString":"z"}]}
        """;

    private static JsonObject Project(params string[] paths)
    {
        var projection = ElementProjection.For(paths)!;
        var kept = projection.Apply(Encoding.UTF8.GetBytes(Observation), new ArrayBufferWriter<byte>());
        return JsonNode.Parse(kept)!.AsObject();
    }

    [Fact]
    public void Elements_named_in_the_paths_are_kept_with_their_choice_types_and_primitive_extensions()
    {
        var kept = Project("status", "value.ofType(Quantity).value", "effective.ofType(Period).start");
        Assert.Equal(["resourceType", "id", "status", "_status", "valueQuantity", "effectivePeriod"], kept.Select(p => p.Key));
    }

    [Fact]
    public void Function_names_count_as_names_so_extension_functions_keep_extensions() =>
        Assert.Contains("extension", Project("extension('urn:e').value").Select(p => p.Key));

    [Fact]
    public void Names_inside_string_literals_keep_nothing() =>
        Assert.DoesNotContain("meta", Project("code.text = 'meta'").Select(p => p.Key));

    [Theory]
    [InlineData("descendants().ofType(Quantity)")]
    [InlineData("children().count()")]
    [InlineData("subject.resolve().id")]
    public void Paths_that_reach_elements_without_naming_them_turn_the_projection_off(string path) =>
        Assert.Null(ElementProjection.For(["id", path]));

    [Fact]
    public async Task A_view_that_reads_the_narrative_still_gets_it()
    {
        var view = Views.Compile("""{"resource":"Observation","select":[{"column":[{"name":"narrative","path":"text.status"},{"name":"version","path":"meta.versionId"}]}]}""");
        Assert.Equal("narrative,version\ngenerated,1\n", await Views.RunText(view, [Observation.ReplaceLineEndings("")], Fhir.Views.Output.ViewOutputFormat.Csv));
    }
}

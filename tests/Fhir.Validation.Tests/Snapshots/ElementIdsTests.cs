using System.Text.Json.Nodes;
using Fhir.Validation.Snapshots;

namespace Fhir.Validation.Tests.Snapshots;

public sealed class ElementIdsTests
{
    [Fact]
    public void An_id_splits_into_names_and_slices()
    {
        Assert.Equal([new IdSegment("Observation", null), new IdSegment("component", "copyNumber"), new IdSegment("value[x]", null)],
            ElementIds.Split("Observation.component:copyNumber.value[x]", "Observation.component.value[x]"));
    }

    [Fact]
    public void A_slice_name_with_dots_stays_whole_when_the_path_says_so()
    {
        Assert.Equal([new IdSegment("Extension", null), new IdSegment("extension", "v1.2"), new IdSegment("url", null)],
            ElementIds.Split("Extension.extension:v1.2.url", "Extension.extension.url"));
    }

    [Fact]
    public void Elements_without_ids_get_them_from_path_slice_name_and_the_slice_above()
    {
        var ids = new ElementIds();
        string Id(string json) => ids.IdOf((JsonObject)JsonNode.Parse(json)!);

        Assert.Equal("Observation.component", Id("""{"path":"Observation.component"}"""));
        Assert.Equal("Observation.component:a", Id("""{"path":"Observation.component","sliceName":"a"}"""));
        Assert.Equal("Observation.component:a.code", Id("""{"path":"Observation.component.code"}"""));
        Assert.Equal("Observation.component:a.code.coding", Id("""{"path":"Observation.component.code.coding"}"""));
        Assert.Equal("Observation.component:b", Id("""{"path":"Observation.component","sliceName":"b"}"""));
        Assert.Equal("Observation.component:b.code.coding", Id("""{"path":"Observation.component.code.coding"}"""));
        Assert.Equal("Observation.status", Id("""{"id":"Observation.status","path":"Observation.status"}"""));
    }
}

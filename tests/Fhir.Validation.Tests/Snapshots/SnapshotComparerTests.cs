using System.Text.Json.Nodes;
using Fhir.Validation.Conformance;

namespace Fhir.Validation.Tests.Snapshots;

public sealed class SnapshotComparerTests
{
    private static JsonObject Bodyweight() => (JsonObject)CoreStructures.Find("http://hl7.org/fhir/StructureDefinition/bodyweight")!.DeepClone();

    private static JsonArray ElementsOf(JsonObject sd) => (JsonArray)sd["snapshot"]!["element"]!;

    [Fact]
    public void Identical_snapshots_compare_equal() => Assert.Empty(SnapshotComparer.Compare(Bodyweight(), Bodyweight()));

    [Fact]
    public void A_changed_cardinality_type_pattern_binding_slicing_or_constraint_is_reported()
    {
        var official = Bodyweight();
        var changed = Bodyweight();
        var elements = ElementsOf(changed).OfType<JsonObject>().ToDictionary(e => e["id"]!.GetValue<string>());
        elements["Observation.code.coding:BodyWeightCode"]["min"] = 0;
        elements["Observation.subject"]["type"]![0]!["targetProfile"] = new JsonArray("http://hl7.org/fhir/StructureDefinition/Group");
        elements["Observation.code.coding:BodyWeightCode.code"]["fixedCode"] = "3141-9x";
        elements["Observation.status"]["binding"]!["strength"] = "extensible";
        elements["Observation.code.coding"]["slicing"]!["rules"] = "closed";
        ((JsonArray)elements["Observation.value[x]"]["constraint"]!).RemoveAt(0);
        ElementsOf(changed).Remove(elements["Observation.note"]);

        var aspects = SnapshotComparer.Compare(official, changed).Select(d => (d.ElementId, d.Aspect)).ToList();

        Assert.Contains(("Observation.code.coding:BodyWeightCode", "min"), aspects);
        Assert.Contains(("Observation.subject", "type"), aspects);
        Assert.Contains(("Observation.code.coding:BodyWeightCode.code", "fixed/pattern"), aspects);
        Assert.Contains(("Observation.status", "binding"), aspects);
        Assert.Contains(("Observation.code.coding", "slicing"), aspects);
        Assert.Contains(("Observation.value[x]", "constraints"), aspects);
        Assert.Contains(("Observation.note", "missing"), aspects);
    }
}

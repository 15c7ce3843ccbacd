using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Bench.Path.Micro;

/// <summary>
/// The resources the micro benchmarks evaluate on, generated at a given size so that the benchmarks need neither
/// the suites nor the network.
/// </summary>
internal static class MicroData
{
    private static readonly (string System, string Use)[] Telecoms =
        [("phone", "home"), ("phone", "mobile"), ("email", "home"), ("fax", "work")];

    /// <summary>A Patient with <paramref name="names"/> names (two given names each) and <paramref name="telecoms"/> telecoms.</summary>
    public static ElementNode Patient(int names, int telecoms)
    {
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["id"] = "example",
            ["name"] = new JsonArray([.. Enumerable.Range(0, names).Select(i => (JsonNode)new JsonObject
            {
                ["use"] = i == 0 ? "official" : "old",
                ["family"] = $"Family{i}",
                ["given"] = new JsonArray($"Given{i}", $"Middle{i}"),
            })]),
            ["telecom"] = new JsonArray([.. Enumerable.Range(0, telecoms).Select(i => (JsonNode)new JsonObject
            {
                ["system"] = Telecoms[i % Telecoms.Length].System,
                ["value"] = $"+1 555 {i:0000}",
                ["use"] = Telecoms[i % Telecoms.Length].Use,
            })]),
            ["gender"] = "female",
            ["birthDate"] = "1974-12-25",
        };
        return Parse(patient);
    }

    /// <summary>A body-weight Observation: 185 [lb_av], effective 2021-03-04T10:15:00+01:00.</summary>
    public static ElementNode Observation() => Parse(ObservationJson(0));

    /// <summary>A Bundle of <paramref name="count"/> body-weight Observations with different values.</summary>
    public static ElementNode ObservationBundle(int count) => Parse(new JsonObject
    {
        ["resourceType"] = "Bundle",
        ["type"] = "collection",
        ["entry"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject
        {
            ["fullUrl"] = $"urn:uuid:00000000-0000-0000-0000-{i:000000000000}",
            ["resource"] = ObservationJson(i),
        })]),
    });

    private static JsonObject ObservationJson(int i) => new()
    {
        ["resourceType"] = "Observation",
        ["id"] = $"weight-{i}",
        ["status"] = "final",
        ["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "29463-7", ["display"] = "Body weight" }),
        },
        ["subject"] = new JsonObject { ["reference"] = "Patient/example" },
        ["effectiveDateTime"] = "2021-03-04T10:15:00+01:00",
        ["issued"] = "2021-03-04T12:00:00.000Z",
        ["valueQuantity"] = new JsonObject
        {
            ["value"] = 185 + (i % 50),
            ["unit"] = "lbs",
            ["system"] = "http://unitsofmeasure.org",
            ["code"] = "[lb_av]",
        },
    };

    private static ElementNode Parse(JsonObject json)
    {
        var result = FhirJsonReader.Parse(json.ToJsonString());
        if (result.Resource is null || result.Issues.Count > 0)
        {
            throw new InvalidDataException($"generated {json["resourceType"]} does not parse cleanly: {string.Join("; ", result.Issues)}");
        }
        return result.Resource;
    }
}

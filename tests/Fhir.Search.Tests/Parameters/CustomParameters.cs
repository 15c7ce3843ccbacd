using System.Text.Json;

namespace Fhir.Search.Tests.Parameters;

/// <summary>Small custom SearchParameter resources for the catalog, check and file tests.</summary>
internal static class CustomParameters
{
    public const string GeneUrl = "http://trials.example.org/fhir/SearchParameter/test-gene";

    /// <summary>A token parameter on Observation: the gene-studied component's code.</summary>
    public static string Gene(string expression = "Observation.component.where(code.coding.code = '48018-6').value") => $$$"""
        {"resourceType":"SearchParameter","url":"{{{GeneUrl}}}","name":"TestGene","status":"active",
         "description":"gene studied","code":"test-gene","base":["Observation"],"type":"token",
         "expression":"{{{expression}}}"}
        """;

    public static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

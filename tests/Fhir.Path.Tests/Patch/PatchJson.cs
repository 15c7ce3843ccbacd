using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Path.Patch;

namespace Fhir.Path.Tests.Patch;

/// <summary>Builds FHIRPath Patch Parameters for the unit tests and applies them.</summary>
internal static class PatchJson
{
    /// <summary>One operation parameter: type, path and further parts given as JSON (<c>{"name":"value","valueDate":"2020-01-01"}</c>).</summary>
    public static string Op(string type, string path, params string[] parts) =>
        $$"""{"name":"operation","part":[{"name":"type","valueCode":"{{type}}"},{"name":"path","valueString":"{{path}}"}{{string.Concat(parts.Select(p => "," + p))}}]}""";

    public static string Part(string name, string valueJson) => $$"""{"name":"{{name}}",{{valueJson}}}""";

    public static string Name(string name) => Part("name", $"\"valueString\":\"{name}\"");

    public static string Value(string valueJson) => Part("value", valueJson);

    public static string Int(string name, int value) => Part(name, $"\"valueInteger\":{value}");

    /// <summary>A value given as parts: <c>{"name":"value","part":[...]}</c>.</summary>
    public static string Parts(string name, params string[] parts) => $$"""{"name":"{{name}}","part":[{{string.Join(",", parts)}}]}""";

    public static ElementNode Parameters(params string[] operations) => Parse(operations.Length == 0
        ? """{"resourceType":"Parameters"}"""
        : $$"""{"resourceType":"Parameters","parameter":[{{string.Join(",", operations)}}]}""");

    public static ElementNode Parse(string json)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.True(result.IsSuccess, string.Join("; ", result.Issues));
        return result.Resource!;
    }

    public static FhirPathPatchResult Apply(string resourceJson, params string[] operations) =>
        FhirPathPatch.Apply(Parse(resourceJson), Parameters(operations));

    /// <summary>Applies and expects success; returns the patched resource as JSON.</summary>
    public static string Patched(string resourceJson, params string[] operations)
    {
        var result = Apply(resourceJson, operations);
        Assert.True(result.IsSuccess, result.Error);
        return FhirJsonWriter.SerializeToString(result.Resource!);
    }

    /// <summary>Applies and expects a failure.</summary>
    public static FhirPathPatchResult Failed(string resourceJson, params string[] operations)
    {
        var result = Apply(resourceJson, operations);
        Assert.False(result.IsSuccess, "the patch should have failed");
        Assert.Null(result.Resource);
        Assert.False(string.IsNullOrEmpty(result.Error));
        return result;
    }
}

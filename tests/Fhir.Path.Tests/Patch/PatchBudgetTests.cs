using Fhir.Core.Json;
using Fhir.Path.Patch;
using static Fhir.Path.Tests.Patch.PatchJson;

namespace Fhir.Path.Tests.Patch;

/// <summary>Issue 12 item 9: a FHIRPath Patch is held to the same bounds as a JSON Patch, operation by operation.</summary>
public sealed class PatchBudgetTests
{
    private const string Patient = """{"resourceType":"Patient","id":"p1","name":[{"family":"Doe","given":["Jane"]}]}""";

    private static FhirPathPatchResult Apply(PatchLimits limits, params string[] operations) =>
        FhirPathPatch.Apply(Parse(Patient), Parameters(operations), limits: limits);

    private static string AddGiven(string text) => Op("add", "Patient.name[0]", Name("given"), Value($"\"valueString\":\"{text}\""));

    [Fact]
    public void Issue12_item9_the_operation_that_would_cross_the_byte_limit_is_named()
    {
        var text = new string('x', 1000);

        var result = Apply(new PatchLimits { MaxBytes = 4096 }, [.. Enumerable.Repeat(AddGiven(text), 10)]);

        Assert.True(result.IsTooLarge);
        Assert.Equal(3, result.OperationIndex); // ~100 bytes of Patient + 3 KB fit, the fourth does not
        Assert.Equal("Patient.name[0]", result.Location);
        Assert.Contains("operation 3 (add 'Patient.name[0]') would make the resource about", result.Error);
        Assert.Null(result.Resource);
    }

    [Fact]
    public void Insert_and_replace_count_and_delete_gives_back()
    {
        var text = new string('x', 1000);
        var limits = new PatchLimits { MaxBytes = 2500 };
        // Replacing a large value by a large value, and deleting before adding, keeps the size flat.
        string[] flat = [
            AddGiven(text),
            Op("replace", "Patient.name[0].given[1]", Value($"\"valueString\":\"{text}y\"")),
            Op("delete", "Patient.name[0].given[1]"),
            Op("insert", "Patient.name[0].given", Int("index", 0), Value($"\"valueString\":\"{text}\"")),
            Op("delete", "Patient.name[0].given[0]"),
        ];
        Assert.True(Apply(limits, [.. flat, .. flat, .. flat]).IsSuccess);

        var growing = Apply(limits, AddGiven(text), Op("insert", "Patient.name[0].given", Int("index", 0), Value($"\"valueString\":\"{text}\"")), AddGiven(text));
        Assert.True(growing.IsTooLarge);
        Assert.Equal(2, growing.OperationIndex);
    }

    [Fact]
    public void The_element_count_is_bounded()
    {
        var result = Apply(new PatchLimits { MaxNodes = 12 }, [.. Enumerable.Repeat(AddGiven("a"), 10)]);

        Assert.True(result.IsTooLarge);
        Assert.Contains("elements; the limit is 12", result.Error);
    }

    [Fact]
    public void Within_the_limits_the_patch_applies()
    {
        var result = Apply(new PatchLimits { MaxBytes = 4096, MaxNodes = 100, MaxDepth = 10 }, AddGiven("Ann"));

        Assert.True(result.IsSuccess, result.Error);
        Assert.False(result.IsTooLarge);
    }
}

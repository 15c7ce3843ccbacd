using System.Text;
using System.Text.Json.Nodes;
using Fhir.Core.Json;

namespace Fhir.Core.Tests.Json;

/// <summary>Issue 12 item 9: what a JSON Patch builds is bounded while it applies, whatever operation does the building.</summary>
public sealed class JsonPatchLimitsTests
{
    private static readonly JsonNode Patient = JsonNode.Parse("""{"resourceType":"Patient","name":[{"family":"Doe","given":["Jane"]}]}""")!;

    private static string Repeat(string operation, int times) => "[" + string.Join(",", Enumerable.Repeat(operation, times)) + "]";

    private static JsonPatchResult Apply(JsonNode document, string patch, PatchLimits limits) =>
        JsonPatch.Apply(document, Encoding.UTF8.GetBytes(patch), limits);

    [Fact]
    public void Issue12_item9_copy_doubling_stops_at_the_operation_that_crosses_the_byte_limit()
    {
        var limits = new PatchLimits { MaxBytes = 64 * 1024 };

        var result = Apply(Patient, Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", 22), limits);

        Assert.Equal(JsonPatchErrorKind.TooLarge, result.ErrorKind);
        Assert.Null(result.Document);
        Assert.Equal("/name/-", result.Path);
        Assert.Contains("the limit is 65536", result.Error);
        // The document doubles with each copy: the failing operation is the one that would pass 64 KiB, no later.
        var size = Patient.ToJsonString().Length;
        var grown = JsonPatch.Apply(Patient, Encoding.UTF8.GetBytes(Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", result.OperationIndex)));
        Assert.True(grown.IsSuccess);
        Assert.InRange(grown.Document!.ToJsonString().Length, size, 64 * 1024);
        Assert.True(grown.Document.ToJsonString().Length * 2 > 64 * 1024 - size);
    }

    [Theory]
    [InlineData("""{"op":"copy","from":"/name","path":"/name/0/copy"}""")] // copy to an object member
    [InlineData("""{"op":"copy","from":"","path":"/contained/-"}""")] // the whole document into itself
    [InlineData("""{"op":"add","path":"/name/-","value":{"text":"XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"}}""")]
    public void Every_adding_operation_counts_against_the_limit(string operation)
    {
        var document = JsonNode.Parse("""{"resourceType":"Patient","contained":[],"name":[{"family":"Doe","given":["Jane"]}]}""")!;
        var limits = new PatchLimits { MaxBytes = 4096 };

        var result = Apply(document, Repeat(operation, 200), limits);

        Assert.Equal(JsonPatchErrorKind.TooLarge, result.ErrorKind);
        Assert.InRange(result.OperationIndex, 1, 199);
    }

    [Fact]
    public void Removing_and_replacing_give_their_bytes_back()
    {
        var limits = new PatchLimits { MaxBytes = 2048 };
        var big = new string('x', 1500);
        // Each pair puts 1.5 KB in and takes it out again: never more than one at a time.
        var pair = $$"""{"op":"add","path":"/text","value":"{{big}}"},{"op":"remove","path":"/text"},{"op":"add","path":"/text","value":"short"},{"op":"replace","path":"/text","value":"{{big}}"},{"op":"replace","path":"/text","value":"short"},{"op":"move","from":"/text","path":"/moved"},{"op":"remove","path":"/moved"}""";

        var result = Apply(Patient, "[" + string.Join(",", Enumerable.Repeat(pair, 20)) + "]", limits);

        Assert.True(result.IsSuccess, result.Error);
    }

    [Fact]
    public void The_value_count_is_bounded_too()
    {
        var limits = new PatchLimits { MaxNodes = 1000 };

        var result = Apply(Patient, Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", 22), limits);

        Assert.Equal(JsonPatchErrorKind.TooLarge, result.ErrorKind);
        Assert.Contains("JSON values; the limit is 1000", result.Error);
    }

    [Fact]
    public void Nesting_beyond_the_depth_limit_is_refused_before_it_is_built()
    {
        var limits = new PatchLimits { MaxDepth = 10 };

        // Copying name into itself nests it 3 levels deeper each time (array, object, array): size grows slowly.
        var result = Apply(Patient, Repeat("""{"op":"copy","from":"/name/0","path":"/name/0/given/-"}""", 5), limits);

        Assert.Equal(JsonPatchErrorKind.TooDeep, result.ErrorKind);
        Assert.Contains("levels deep; the limit is 10", result.Error);
        Assert.Equal(3, result.OperationIndex);
    }

    [Fact]
    public void Without_limits_nothing_changes()
    {
        var result = JsonPatch.Apply(Patient, Encoding.UTF8.GetBytes(Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", 10)));

        Assert.True(result.IsSuccess);
        Assert.True(result.Document!.ToJsonString().Length > 1024 * "Jane".Length);
    }
}

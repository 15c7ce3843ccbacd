using System.Text;
using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Xunit.Abstractions;

namespace Fhir.Core.Tests.Json;

public class JsonPatchTests(ITestOutputHelper output)
{
    private const string SuitePath = "patch/json-patch-tests.json";

    /// <summary>One row per case of the shared suite, or one row saying the suite is missing.</summary>
    public static TheoryData<int, string> SuiteCases()
    {
        var data = new TheoryData<int, string>();
        var path = Suites.Find(SuitePath);
        if (path is null)
        {
            data.Add(-1, Suites.NotFoundMessage(SuitePath));
            return data;
        }

        var cases = JsonNode.Parse(File.ReadAllBytes(path))!.AsArray();
        for (var i = 0; i < cases.Count; i++)
        {
            data.Add(i, cases[i]?["comment"]?.GetValue<string>() ?? $"case {i}");
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(SuiteCases))]
    public void Passes_the_shared_json_patch_suite(int index, string comment)
    {
        var testCase = JsonNode.Parse(File.ReadAllBytes(Suites.Require(SuitePath)))!.AsArray()[index]!.AsObject();
        output.WriteLine($"{index}: {comment}");
        if (testCase["disabled"]?.GetValue<bool>() == true)
        {
            output.WriteLine("disabled in the suite");
            return;
        }

        var doc = testCase["doc"]?.DeepClone();
        var before = doc?.ToJsonString() ?? "null";
        var patch = Encoding.UTF8.GetBytes(testCase["patch"]!.ToJsonString());

        var result = JsonPatch.Apply(doc, patch);

        Assert.Equal(before, doc?.ToJsonString() ?? "null"); // the input is never modified
        if (testCase.ContainsKey("error"))
        {
            output.WriteLine($"expected error: {testCase["error"]}; got: {result.Error}");
            Assert.False(result.IsSuccess, $"expected an error ({testCase["error"]})");
            Assert.NotNull(result.Error);
            Assert.InRange(result.OperationIndex, 0, testCase["patch"]!.AsArray().Count - 1);
        }
        else
        {
            Assert.True(result.IsSuccess, result.Error);
            if (testCase.TryGetPropertyValue("expected", out var expected))
            {
                Assert.True(
                    JsonPatch.JsonEquals(expected, result.Document),
                    $"expected {expected?.ToJsonString()}, got {result.Document?.ToJsonString()}");
            }
        }
    }

    [Theory]
    // add
    [InlineData("{'foo':1}", "[{'op':'add','path':'','value':[1,2]}]", "[1,2]")]
    [InlineData("{'foo':1}", "[{'op':'add','path':'/foo','value':2}]", "{'foo':2}")]
    [InlineData("{}", "[{'op':'add','path':'/a','value':null}]", "{'a':null}")]
    [InlineData("{}", "[{'op':'add','path':'/','value':1}]", "{'':1}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/2','value':3}]", "{'a':[1,2,3]}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/0','value':0}]", "{'a':[0,1,2]}")]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/-','value':3}]", "{'a':[1,2,3]}")]
    [InlineData("[]", "[{'op':'add','path':'/-','value':{'x':1}}]", "[{'x':1}]")]
    [InlineData("{'a':{}}", "[{'op':'add','path':'/a/-','value':1}]", "{'a':{'-':1}}")]
    [InlineData("{'a':{}}", "[{'op':'add','path':'/a/01','value':1}]", "{'a':{'01':1}}")]
    [InlineData("{}", "[{'op':'add','path':'/a~1b','value':1},{'op':'add','path':'/c~0d','value':2}]", "{'a/b':1,'c~d':2}")]
    [InlineData("{}", "[{'op':'add','path':'/~01','value':1}]", "{'~1':1}")]
    [InlineData("{'a b':{'%':1}}", "[{'op':'add','path':'/a b/%','value':2}]", "{'a b':{'%':2}}")]
    [InlineData("null", "[{'op':'add','path':'','value':{'a':1}}]", "{'a':1}")]
    // remove
    [InlineData("{'a':1,'b':2}", "[{'op':'remove','path':'/a'}]", "{'b':2}")]
    [InlineData("{'a':[1,2,3]}", "[{'op':'remove','path':'/a/1'}]", "{'a':[1,3]}")]
    [InlineData("{'a':null}", "[{'op':'remove','path':'/a'}]", "{}")]
    // replace
    [InlineData("{'a':1}", "[{'op':'replace','path':'/a','value':{'b':[]}}]", "{'a':{'b':[]}}")]
    [InlineData("{'a':[1,2]}", "[{'op':'replace','path':'/a/1','value':9}]", "{'a':[1,9]}")]
    [InlineData("{'a':1}", "[{'op':'replace','path':'','value':'x'}]", "'x'")]
    [InlineData("{'a':null}", "[{'op':'replace','path':'/a','value':1}]", "{'a':1}")]
    // move
    [InlineData("{'a':{'b':1}}", "[{'op':'move','from':'/a/b','path':'/c'}]", "{'a':{},'c':1}")]
    [InlineData("{'a':[1,2,3]}", "[{'op':'move','from':'/a/0','path':'/a/-'}]", "{'a':[2,3,1]}")]
    [InlineData("{'a':1}", "[{'op':'move','from':'/a','path':'/a'}]", "{'a':1}")]
    [InlineData("{'a':{'b':{'c':1}}}", "[{'op':'move','from':'/a/b','path':'/a'}]", "{'a':{'c':1}}")]
    [InlineData("{'ab':1}", "[{'op':'move','from':'/ab','path':'/abc'}]", "{'abc':1}")]
    // copy
    [InlineData("{'a':{'b':1}}", "[{'op':'copy','from':'/a','path':'/c'},{'op':'replace','path':'/c/b','value':2}]", "{'a':{'b':1},'c':{'b':2}}")]
    [InlineData("{'a':[1]}", "[{'op':'copy','from':'/a/0','path':'/a/0'}]", "{'a':[1,1]}")]
    [InlineData("{'a':1}", "[{'op':'copy','from':'','path':'/b'}]", "{'a':1,'b':{'a':1}}")]
    // test
    [InlineData("{'a':1}", "[{'op':'test','path':'/a','value':1.0}]", "{'a':1}")]
    [InlineData("{'a':100}", "[{'op':'test','path':'/a','value':1e2}]", "{'a':100}")]
    [InlineData("{'a':0.5}", "[{'op':'test','path':'/a','value':5E-1}]", "{'a':0.5}")]
    [InlineData("{'a':0}", "[{'op':'test','path':'/a','value':-0.0}]", "{'a':0}")]
    [InlineData("{'a':{'x':1,'y':[1,{'z':null}]}}", "[{'op':'test','path':'/a','value':{'y':[1,{'z':null}],'x':1}}]", "{'a':{'x':1,'y':[1,{'z':null}]}}")]
    [InlineData("{'a':null}", "[{'op':'test','path':'/a','value':null}]", "{'a':null}")]
    [InlineData("{'a':'\\u0041'}", "[{'op':'test','path':'/a','value':'A'}]", "{'a':'A'}")]
    [InlineData("[1]", "[{'op':'test','path':'','value':[1]}]", "[1]")]
    // unknown members are ignored; an empty patch changes nothing
    [InlineData("{}", "[{'op':'add','path':'/a','value':1,'from':'/nothing','xyz':true}]", "{'a':1}")]
    [InlineData("{'a':1}", "[]", "{'a':1}")]
    public void Applies_rfc6902_operations(string doc, string patch, string expected)
    {
        var input = J(doc);
        var result = JsonPatch.Apply(input, Encoding.UTF8.GetBytes(Q(patch)));
        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(JsonPatchErrorKind.None, result.ErrorKind);
        Assert.Equal(-1, result.OperationIndex);
        Assert.True(JsonPatch.JsonEquals(J(expected), result.Document), $"got {result.Document?.ToJsonString()}");
        Assert.True(JsonPatch.JsonEquals(J(doc), input), "the input document was modified");
    }

    [Theory]
    // malformed patches
    [InlineData("{}", "{'op':'add','path':'/a','value':1}", JsonPatchErrorKind.InvalidPatch, -1)]
    [InlineData("{}", "[1", JsonPatchErrorKind.InvalidPatch, -1)]
    [InlineData("{}", "", JsonPatchErrorKind.InvalidPatch, -1)]
    [InlineData("{}", "[42]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'path':'/a','value':1}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'spam','path':'/a'}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'ADD','path':'/a','value':1}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'add','value':1}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'add','path':1,'value':1}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'add','path':'/a'}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{'a':1}", "[{'op':'replace','path':'/a'}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{'a':1}", "[{'op':'test','path':'/a'}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{'a':1}", "[{'op':'move','path':'/b'}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{'a':1}", "[{'op':'copy','path':'/b','from':null}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'add','path':'a','value':1}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'add','path':'/a~2','value':1}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'add','path':'/a~','value':1}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{'a':1}", "[{'op':'move','from':'a','path':'/b'}]", JsonPatchErrorKind.InvalidPatch, 0)]
    [InlineData("{}", "[{'op':'add','op':'remove','path':'/a','value':1}]", JsonPatchErrorKind.InvalidPatch, -1)]
    // targets that do not fit the document
    [InlineData("{}", "[{'op':'add','path':'/a/b','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/3','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/-1','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/01','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/x','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/1e0','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1,2]}", "[{'op':'add','path':'/a/99999999999999999999','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'add','path':'/a/b','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':null}", "[{'op':'add','path':'/a/b','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("'text'", "[{'op':'add','path':'/a','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'remove','path':'/b'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1]}", "[{'op':'remove','path':'/a/1'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1]}", "[{'op':'remove','path':'/a/-'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'remove','path':''}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'replace','path':'/b','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1]}", "[{'op':'replace','path':'/a/1','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':[1]}", "[{'op':'replace','path':'/a/-','value':1}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'move','from':'/b','path':'/c'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'move','from':'/b','path':'/b'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/c'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':{'b':1}}", "[{'op':'move','from':'','path':'/x'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'copy','from':'/b','path':'/c'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'copy','from':'/a','path':'/x/y'}]", JsonPatchErrorKind.InvalidTarget, 0)]
    [InlineData("{'a':1}", "[{'op':'test','path':'/b','value':null}]", JsonPatchErrorKind.InvalidTarget, 0)]
    // failing tests
    [InlineData("{'a':1}", "[{'op':'test','path':'/a','value':'1'}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':1}", "[{'op':'test','path':'/a','value':1.0001}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':1}", "[{'op':'test','path':'/a','value':-1}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':true}", "[{'op':'test','path':'/a','value':1}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':null}", "[{'op':'test','path':'/a','value':false}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':[1,2]}", "[{'op':'test','path':'/a','value':[2,1]}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':{'x':1}}", "[{'op':'test','path':'/a','value':{'x':1,'y':null}}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':'A'}", "[{'op':'test','path':'/a','value':'a'}]", JsonPatchErrorKind.TestFailed, 0)]
    [InlineData("{'a':1}", "[{'op':'add','path':'/b','value':2},{'op':'test','path':'/b','value':3}]", JsonPatchErrorKind.TestFailed, 1)]
    // the failing index counts from zero across earlier successes
    [InlineData("{'a':[]}", "[{'op':'add','path':'/a/-','value':1},{'op':'add','path':'/a/-','value':2},{'op':'remove','path':'/a/2'}]", JsonPatchErrorKind.InvalidTarget, 2)]
    public void Reports_the_failing_operation_and_leaves_the_document_untouched(string doc, string patch, JsonPatchErrorKind kind, int index)
    {
        var input = J(doc);
        var before = input?.ToJsonString();
        var result = JsonPatch.Apply(input, Encoding.UTF8.GetBytes(Q(patch)));
        output.WriteLine(result.Error);
        Assert.False(result.IsSuccess);
        Assert.Null(result.Document);
        Assert.Equal(kind, result.ErrorKind);
        Assert.Equal(index, result.OperationIndex);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Equal(before, input?.ToJsonString());
    }

    [Fact]
    public void Is_all_or_nothing()
    {
        var doc = J("{'name':[{'family':'Chalmers'}],'active':true}")!;
        var patch = Q("[{'op':'replace','path':'/name/0/family','value':'Windsor'},{'op':'remove','path':'/active'},{'op':'test','path':'/gender','value':'male'}]");
        var result = JsonPatch.Apply(doc, Encoding.UTF8.GetBytes(patch));
        Assert.False(result.IsSuccess);
        Assert.Equal(2, result.OperationIndex);
        Assert.Equal("Chalmers", doc["name"]![0]!["family"]!.GetValue<string>());
        Assert.True(doc["active"]!.GetValue<bool>());
    }

    [Fact]
    public void The_result_is_a_new_tree_independent_of_the_input_and_the_patch()
    {
        var doc = J("{'a':{'b':1}}")!;
        var patch = J("[{'op':'add','path':'/c','value':{'d':[1]}}]")!;
        var result = JsonPatch.Apply(doc, patch);
        Assert.True(result.IsSuccess);
        var patched = result.Document!;
        Assert.NotSame(doc, patched);
        patched["a"]!["b"] = 2;
        patched["c"]!["d"]!.AsArray().Add(2);
        Assert.Equal(1, doc["a"]!["b"]!.GetValue<int>());
        Assert.Single(patch[0]!["value"]!["d"]!.AsArray());
        Assert.Null(doc["c"]);
    }

    [Fact]
    public void Explains_failures_with_the_operation_and_path()
    {
        var result = JsonPatch.Apply(J("{'foo':'bar'}"), Encoding.UTF8.GetBytes(Q("[{'op':'add','path':'/baz/bat','value':'qux'}]")));
        Assert.Contains("add /baz/bat", result.Error, StringComparison.Ordinal);
        Assert.Contains("/baz does not exist", result.Error, StringComparison.Ordinal);

        var test = JsonPatch.Apply(J("{'baz':'qux'}"), Encoding.UTF8.GetBytes(Q("[{'op':'test','path':'/baz','value':'bar'}]")));
        Assert.Contains("\"qux\"", test.Error, StringComparison.Ordinal);
        Assert.Contains("\"bar\"", test.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compares_numbers_by_value_with_any_precision()
    {
        Assert.True(JsonPatch.JsonEquals(J("123456789012345678901234567890.10"), J("1.234567890123456789012345678901e29")));
        Assert.False(JsonPatch.JsonEquals(J("123456789012345678901234567890.1"), J("123456789012345678901234567890.2")));
        Assert.True(JsonPatch.JsonEquals(J("1e400"), J("10e399")));
        Assert.True(JsonPatch.JsonEquals(JsonValue.Create(2.5m), J("2.50")));
        Assert.True(JsonPatch.JsonEquals(JsonValue.Create(3), J("3.0")));
        Assert.False(JsonPatch.JsonEquals(J("1"), J("true")));
        Assert.True(JsonPatch.JsonEquals(null, J("null")));
    }

    [Fact]
    public void Works_on_a_document_built_in_code()
    {
        var doc = new JsonObject { ["resourceType"] = "Patient", ["birthDate"] = "1974-12-25" };
        var result = JsonPatch.Apply(doc, "[{\"op\":\"test\",\"path\":\"/resourceType\",\"value\":\"Patient\"},{\"op\":\"replace\",\"path\":\"/birthDate\",\"value\":\"1975-01-01\"}]"u8);
        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal("1975-01-01", result.Document!["birthDate"]!.GetValue<string>());
        Assert.Equal("1974-12-25", doc["birthDate"]!.GetValue<string>());
    }

    /// <summary>JSON written with single quotes for readability.</summary>
    private static string Q(string json) => json.Replace('\'', '"');

    private static JsonNode? J(string json) => JsonNode.Parse(Q(json));
}

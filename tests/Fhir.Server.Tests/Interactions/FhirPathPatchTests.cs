using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Fhir.Server.Tests.Support;
using Xunit.Abstractions;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

/// <summary>FHIRPath Patch (a Parameters body as <c>application/fhir+json</c>) through the PATCH interaction, and the HL7 FHIRPath Patch suite over HTTP.</summary>
public abstract class FhirPathPatchTests(ServerFixture server, ITestOutputHelper output)
{
    /// <summary>
    /// Suite cases judged not applicable, with the reason. Empty: every case of fhir-patch-tests.xml runs. (Its "mode"
    /// attribute is about generating diffs backwards as well; every case is applied forwards here.)
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> NotApplicable = new Dictionary<string, string>(StringComparer.Ordinal);

    private static readonly Lazy<IReadOnlyList<FhirPatchSuite.Case>> SuiteCases = new(() =>
        Suites.Find(FhirPatchSuite.RelativePath) is { } file ? FhirPatchSuite.Load(file) : []);

    private HttpClient Client => server.Client;

    private static string Unique() => Guid.NewGuid().ToString("N");

    private static string Op(string type, string path, params string[] parts) =>
        $$"""{"name":"operation","part":[{"name":"type","valueCode":"{{type}}"},{"name":"path","valueString":"{{path}}"}{{string.Concat(parts.Select(p => "," + p))}}]}""";

    private static string Parameters(params string[] operations) => $$"""{"resourceType":"Parameters","parameter":[{{string.Join(",", operations)}}]}""";

    private const string MaleGender = """{"name":"value","valueCode":"male"}""";

    private async Task<string> CreatePatientAsync(string? mrn = null) =>
        (await (await Client.PostAsync("Patient", Json(Samples.Patient(mrn ?? Unique())))).ExpectAsync(HttpStatusCode.Created)).Id();

    private Task<HttpResponseMessage> PatchAsync(string url, string body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = Json(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return Client.SendAsync(request);
    }

    private async Task AssertUnchangedAsync(string id)
    {
        var current = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", current.VersionId());
        Assert.Equal("female", current.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task FhirPath_Patch_changes_the_resource_in_a_new_version()
    {
        var id = await CreatePatientAsync();
        var body = await (await PatchAsync($"Patient/{id}", Parameters(
            Op("replace", "Patient.gender", MaleGender),
            Op("add", "Patient.name[0]", """{"name":"name","valueString":"given"}""", """{"name":"value","valueString":"Ann"}"""),
            Op("delete", "Patient.birthDate")))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("2", body.VersionId());
        Assert.Equal("male", body.GetProperty("gender").GetString());
        Assert.Equal("Ann", body.GetProperty("name")[0].GetProperty("given")[1].GetString());
        Assert.False(body.TryGetProperty("birthDate", out _));
    }

    [Fact]
    public async Task A_patch_that_cannot_apply_is_422_names_the_operation_and_changes_nothing()
    {
        var id = await CreatePatientAsync();
        var outcome = await (await PatchAsync($"Patient/{id}", Parameters(
            Op("replace", "Patient.gender", MaleGender),
            Op("replace", "Patient.deceased", """{"name":"value","valueBoolean":true}""")))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("operation 1", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        Assert.Contains("Patient.deceased", outcome.IssueExpressions());
        await AssertUnchangedAsync(id);
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_422()
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", Parameters(Op("replace", "Patient.birthDate", """{"name":"value","valueString":"1970-13-45"}"""))))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        await AssertUnchangedAsync(id);
    }

    [Fact]
    public async Task A_patch_that_changes_the_id_is_422()
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", Parameters(Op("replace", "Patient.id", """{"name":"value","valueString":"other"}"""))))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        await AssertUnchangedAsync(id);
    }

    [Theory]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"jump"},{"name":"path","valueString":"Patient.gender"}]}]}""")]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.name.where("}]}]}""")]
    [InlineData("""{"resourceType":"Patient","gender":"male"}""")]
    [InlineData("""{"resourceType":"Parameters","parameter":[{"name":"operation","colour":"red"}]}""")]
    [InlineData("""[{"op":"replace","path":"/gender","value":"male"}]""")]
    public async Task A_malformed_FhirPath_Patch_is_400(string body)
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", body)).ExpectAsync(HttpStatusCode.BadRequest);
        await AssertUnchangedAsync(id);
    }

    [Fact]
    public async Task If_Match_applies_as_for_JSON_Patch()
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", Parameters(Op("replace", "Patient.gender", MaleGender)), ifMatch: "W/\"7\""))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
        await AssertUnchangedAsync(id);
        var body = await (await PatchAsync($"Patient/{id}", Parameters(Op("replace", "Patient.gender", MaleGender)), ifMatch: "W/\"1\""))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("male", body.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Conditional_patch_patches_the_one_match()
    {
        var mrn = Unique();
        var id = await CreatePatientAsync(mrn);
        var body = await (await PatchAsync($"Patient?identifier=urn:trial:mrn|{mrn}", Parameters(Op("replace", "Patient.gender", MaleGender))))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(id, body.Id());
        Assert.Equal("male", body.GetProperty("gender").GetString());
        await (await PatchAsync($"Patient?identifier=urn:trial:mrn|{Unique()}", Parameters(Op("replace", "Patient.gender", MaleGender))))
            .ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_transaction_PATCH_entry_with_a_Parameters_resource_is_a_FhirPath_Patch()
    {
        var id = await CreatePatientAsync();
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{{{Parameters(Op("replace", "Patient.gender", MaleGender))}}},"request":{"method":"PATCH","url":"Patient/{{{id}}}"}}]}
            """;
        await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.OK);
        var current = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
        Assert.Equal("male", current.GetProperty("gender").GetString());
        Assert.Equal("2", current.VersionId());
    }

    [Fact]
    public async Task A_failing_FhirPath_Patch_entry_fails_the_transaction()
    {
        var id = await CreatePatientAsync();
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{{{Parameters(Op("delete", "Patient.identifier"), Op("replace", "Patient.name", MaleGender))}}},"request":{"method":"PATCH","url":"Patient/{{{id}}}"}}]}
            """;
        await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        await AssertUnchangedAsync(id);
    }

    [Fact]
    public async Task The_capability_statement_lists_FhirPath_Patch()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var formats = statement.GetProperty("patchFormat").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("application/fhir+json", formats);
        Assert.Contains("application/json-patch+json", formats);
    }

    public static TheoryData<string> SuiteCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in SuiteCases.Value.Select(c => c.Name).DefaultIfEmpty("(suite missing)"))
        {
            data.Add(name);
        }
        return data;
    }

    /// <summary>
    /// A case of HL7's fhir-patch-tests.xml over HTTP: create the input, PATCH it with the diff, and compare the result with
    /// the expected output (ignoring id and meta, which the server assigns); a case that expects an error must get a 4xx
    /// and leave the resource as it was.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(SuiteCaseNames), MemberType = typeof(FhirPathPatchTests))]
    public async Task Suite_case_passes_over_HTTP(string name)
    {
        Suites.Require(FhirPatchSuite.RelativePath);
        if (NotApplicable.TryGetValue(name, out var reason))
        {
            output.WriteLine($"Not applicable: {reason}");
            return;
        }
        var test = SuiteCases.Value.Single(c => c.Name == name);
        var input = (JsonObject)test.Input.DeepClone();
        input.Remove("id"); // the server assigns ids on create
        var created = await (await Client.PostAsync(test.Input["resourceType"]!.GetValue<string>(), Json(input.ToJsonString())))
            .ExpectAsync(HttpStatusCode.Created);
        var url = $"{test.Input["resourceType"]}/{created.Id()}";

        var response = await PatchAsync(url, test.Diff.ToJsonString());
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{(int)response.StatusCode}: {text}");
        var current = await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        if (test.Output is null)
        {
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"expected a 4xx for '{test.Error}', got {(int)response.StatusCode}: {text}");
            Assert.Equal("1", current.VersionId());
            AssertSameContent(test.Input, current);
            return;
        }
        var outputErrors = new Fhir.Validation.ResourceValidator(Fhir.Validation.Conformance.CoreConformanceSource.R4)
            .Validate(FhirJsonReader.Parse(test.Output.ToJsonString()).Resource!).Issues.Where(i => i.IsError).ToList();
        if (outputErrors.Count > 0)
        {
            // The suite's expected result breaks an R4 invariant (e.g. pat-1 after deleting a contact's
            // name): the patch applies, but the server validates every write and must refuse it, unchanged.
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"expected 422 for a result with {outputErrors[0].Message}, got {(int)response.StatusCode}: {text}");
            Assert.Equal("1", current.VersionId());
            return;
        }
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        AssertSameContent(test.Output, current);
    }

    /// <summary>Compares resources in canonical JSON form (the expected side goes through the reader and writer), without id and meta.</summary>
    private static void AssertSameContent(JsonObject expected, JsonElement actual)
    {
        var parsed = FhirJsonReader.Parse(expected.ToJsonString());
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Issues));
        var expectedNode = Strip(JsonNode.Parse(FhirJsonWriter.SerializeToString(parsed.Resource!))!);
        var actualNode = Strip(JsonNode.Parse(actual.GetRawText())!);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"expected {expectedNode.ToJsonString()}\nactual   {actualNode.ToJsonString()}");
    }

    private static JsonNode Strip(JsonNode resource)
    {
        var json = (JsonObject)resource;
        json.Remove("id");
        json.Remove("meta");
        return json;
    }
}

public sealed class FhirPathPatchTestsOnSqlite(SqliteServer server, ITestOutputHelper output) : FhirPathPatchTests(server, output), IClassFixture<SqliteServer>;

public sealed class FhirPathPatchTestsOnPostgres(PostgresServer server, ITestOutputHelper output) : FhirPathPatchTests(server, output), IClassFixture<PostgresServer>;

using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

/// <summary>
/// Issue 12 item 9: the request body limit applies to what a patch builds (JSON Patch and FHIRPath Patch), checked as
/// the operations apply, with an OperationOutcome naming the operation; the stored resource is left as it was.
/// </summary>
public abstract class PatchLimitsTests(ServerFixture server)
{
    /// <summary>The body limit of the fixtures below: small, so that the shapes are quick to reach.</summary>
    public const int BodyLimit = 64 * 1024;

    private HttpClient Client => server.Client;

    private async Task<string> CreateAsync(string json) =>
        (await (await Client.PostAsync("Patient", Json(json))).ExpectAsync(HttpStatusCode.Created)).Id();

    private Task<HttpResponseMessage> PatchAsync(string url, string patch, string mediaType = "application/json-patch+json") =>
        Client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = Json(patch, mediaType) });

    private async Task AssertUnchangedAsync(string id)
    {
        var current = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", current.VersionId());
    }

    private static string Repeat(string operation, int times) => "[" + string.Join(",", Enumerable.Repeat(operation, times)) + "]";

    [Fact]
    public async Task Issue12_item9_json_patch_copy_doubling_is_413_at_the_operation_that_crosses_the_body_limit()
    {
        var id = await CreateAsync(Samples.Patient("doubling"));

        var outcome = await (await PatchAsync($"Patient/{id}", Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", 22)))
            .ExpectAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(["too-costly"], outcome.IssueCodes());
        Assert.Equal(["Patient.name"], outcome.IssueExpressions());
        var message = outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString()!;
        var match = System.Text.RegularExpressions.Regex.Match(message, @"^JSON Patch operation (\d+) \(copy /name to /name/-\) would make the document about \d+ bytes");
        Assert.True(match.Success, message);
        Assert.Contains($"the limit is {BodyLimit}", message);
        await AssertUnchangedAsync(id);

        // The name doubles with each copy (~40 bytes, 10 copies: 40 KB): the failing operation is the one that
        // crosses the limit; the operations before it fit, and then the result is merely invalid FHIR (422).
        var failing = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(failing, 8, 12);
        var invalid = await (await PatchAsync($"Patient/{id}", Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", failing))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("The patched resource is not valid.", invalid.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
    }

    [Fact]
    public async Task A_json_patch_that_only_adds_is_held_to_the_body_limit_too()
    {
        // A stored resource of 40 KB and a patch of 30 KB: each within the limit, the result not.
        var id = await CreateAsync(Samples.Patient("adding").Replace("\"gender\"", $"\"name\":[{{\"text\":\"{new string('a', 40_000)}\"}}],\"gender\"", StringComparison.Ordinal)
            .Replace("\"name\":[{\"family\":\"Doe\",\"given\":[\"Jane\"]}],", "", StringComparison.Ordinal));

        var outcome = await (await PatchAsync($"Patient/{id}", $$$"""[{"op":"replace","path":"/gender","value":"male"},{"op":"add","path":"/name/-","value":{"text":"{{{new string('b', 30_000)}}}"}}]"""))
            .ExpectAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("JSON Patch operation 1 (add /name/-)", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        await AssertUnchangedAsync(id);
    }

    [Fact]
    public async Task A_fhirpath_patch_that_grows_the_resource_past_the_body_limit_is_413_naming_the_operation()
    {
        var id = await CreateAsync(Samples.Patient("fhirpath").Replace("\"Jane\"", $"\"{new string('a', 40_000)}\"", StringComparison.Ordinal));
        var add = $$"""{"name":"operation","part":[{"name":"type","valueCode":"add"},{"name":"path","valueString":"Patient.name[0]"},{"name":"name","valueString":"given"},{"name":"value","valueString":"{{new string('b', 15_000)}}"}]}""";
        var parameters = $$"""{"resourceType":"Parameters","parameter":[{{add}},{{add}}]}""";

        var outcome = await (await PatchAsync($"Patient/{id}", parameters, "application/fhir+json")).ExpectAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(["Patient.name[0]"], outcome.IssueExpressions());
        Assert.Contains("operation 1 (add 'Patient.name[0]')", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        await AssertUnchangedAsync(id);
    }

    [Fact]
    public async Task A_json_patch_nesting_the_resource_deeper_than_the_json_depth_limit_is_422_before_it_is_built()
    {
        var id = await CreateAsync(Samples.Patient("deep"));

        // Two small additions: one 30 levels deep, then one 40 levels deep at its bottom.
        static string Nested(int levels) => string.Concat(Enumerable.Repeat("{\"b\":", levels)) + "1" + new string('}', levels);
        var path = "/a" + string.Concat(Enumerable.Repeat("/b", 30));
        var patch = $$"""[{"op":"add","path":"/a","value":{{Nested(30)}}},{"op":"add","path":"{{path}}","value":{{Nested(40)}}}]""";

        var outcome = await (await PatchAsync($"Patient/{id}", patch)).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("JSON Patch operation 1 (add /a/b/b", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        Assert.Contains("levels deep; the limit is 64", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        Assert.Equal(["Patient.a" + string.Concat(Enumerable.Repeat(".b", 30))], outcome.IssueExpressions());
        await AssertUnchangedAsync(id);
    }

    [Fact]
    public async Task A_patch_within_the_limits_still_applies()
    {
        var id = await CreateAsync(Samples.Patient("small"));

        var body = await (await PatchAsync($"Patient/{id}", Repeat("""{"op":"copy","from":"/name/0","path":"/name/-"}""", 5))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(6, body.GetProperty("name").GetArrayLength());
    }
}

/// <summary>A SQLite server with a 64 KiB body limit.</summary>
public sealed class SmallBodySqliteServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Fhir:MaxRequestBodyBytes", PatchLimitsTests.BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>A PostgreSQL server with a 64 KiB body limit.</summary>
public sealed class SmallBodyPostgresServer : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Fhir:MaxRequestBodyBytes", PatchLimitsTests.BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

public sealed class PatchLimitsTestsOnSqlite(SmallBodySqliteServer server) : PatchLimitsTests(server), IClassFixture<SmallBodySqliteServer>;

public sealed class PatchLimitsTestsOnPostgres(SmallBodyPostgresServer server) : PatchLimitsTests(server), IClassFixture<SmallBodyPostgresServer>;

using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public abstract class PatchTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private async Task<string> CreatePatientAsync() =>
        (await (await Client.PostAsync("Patient", Json(Samples.Patient("patch")))).ExpectAsync(HttpStatusCode.Created)).Id();

    private Task<HttpResponseMessage> PatchAsync(string url, string patch, string mediaType = "application/json-patch+json", string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = Json(patch, mediaType) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return Client.SendAsync(request);
    }

    [Fact]
    public async Task Json_Patch_changes_the_resource_in_a_new_version()
    {
        var id = await CreatePatientAsync();
        var body = await (await PatchAsync($"Patient/{id}", """[{"op":"replace","path":"/gender","value":"male"},{"op":"add","path":"/name/0/given/-","value":"Ann"}]"""))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("2", body.VersionId());
        Assert.Equal("male", body.GetProperty("gender").GetString());
        Assert.Equal(2, body.GetProperty("name")[0].GetProperty("given").GetArrayLength());
    }

    [Fact]
    public async Task A_patch_whose_test_fails_is_422_and_changes_nothing()
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", """[{"op":"test","path":"/gender","value":"male"},{"op":"replace","path":"/gender","value":"other"}]"""))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        var current = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
        Assert.Equal("1", current.VersionId());
        Assert.Equal("female", current.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task A_patch_that_makes_the_resource_invalid_is_422()
    {
        var id = await CreatePatientAsync();
        var outcome = await (await PatchAsync($"Patient/{id}", """[{"op":"replace","path":"/birthDate","value":"1970-13-45"}]"""))
            .ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Patient.birthDate", outcome.IssueExpressions());
    }

    [Fact]
    public async Task A_malformed_patch_document_is_400()
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", """[{"op":"jump","path":"/gender"}]""")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patch_with_a_stale_If_Match_is_412()
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", """[{"op":"replace","path":"/gender","value":"male"}]""", ifMatch: "W/\"7\""))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Issue12_item9_twenty_two_self_copies_of_a_json_patch_are_refused_at_the_default_limits()
    {
        // The attack as reported (~1 KB of patch): before the limits, each copy doubled the resource, 2.3 GB in the end.
        var id = await CreatePatientAsync();
        var patch = "[" + string.Join(",", Enumerable.Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", 22)) + "]";

        var outcome = await (await PatchAsync($"Patient/{id}", patch)).ExpectAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(["Patient.name"], outcome.IssueExpressions());
        Assert.Equal("1", (await (await Client.GetAsync($"Patient/{id}")).BodyAsync()).VersionId());
    }

    [Fact]
    public async Task Patch_in_another_format_is_415()
    {
        var id = await CreatePatientAsync();
        await (await PatchAsync($"Patient/{id}", "<diff/>", "application/xml-patch+xml")).ExpectAsync(HttpStatusCode.UnsupportedMediaType);
    }
}

public sealed class PatchTestsOnSqlite(SqliteServer server) : PatchTests(server), IClassFixture<SqliteServer>;

public sealed class PatchTestsOnPostgres(PostgresServer server) : PatchTests(server), IClassFixture<PostgresServer>;

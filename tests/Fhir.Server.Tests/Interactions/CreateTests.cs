using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public abstract class CreateTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Create_assigns_an_id_and_version_1_and_answers_with_the_FHIR_headers()
    {
        var response = await Client.PostAsync("Patient", Json(Samples.Patient("create-1")));
        var body = await response.ExpectAsync(HttpStatusCode.Created);

        var id = body.Id();
        Assert.Equal("1", body.VersionId());
        Assert.Equal($"http://localhost/fhir/Patient/{id}/_history/1", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("Doe", body.GetProperty("name")[0].GetProperty("family").GetString());
    }

    [Fact]
    public async Task Create_ignores_the_id_the_client_sent()
    {
        var json = Samples.Patient("create-2").Replace("\"resourceType\":\"Patient\"", "\"resourceType\":\"Patient\",\"id\":\"chosen-by-client\"");
        var body = await (await Client.PostAsync("Patient", Json(json))).ExpectAsync(HttpStatusCode.Created);
        Assert.NotEqual("chosen-by-client", body.Id());
    }

    [Fact]
    public async Task Create_with_If_None_Exist_returns_the_existing_resource_instead_of_a_duplicate()
    {
        var mrn = "cond-" + Guid.NewGuid().ToString("N");
        var first = await (await Client.PostAsync("Patient", Json(Samples.Patient(mrn)))).ExpectAsync(HttpStatusCode.Created);

        var resend = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = Json(Samples.Patient(mrn)) };
        resend.Headers.Add("If-None-Exist", $"identifier=urn:trial:mrn|{mrn}");
        var again = await (await Client.SendAsync(resend)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first.Id(), again.Id());
        var search = await (await Client.GetAsync($"Patient?identifier=urn:trial:mrn|{mrn}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(search.EntryResources());
    }

    [Fact]
    public async Task Create_with_If_None_Exist_matching_several_resources_is_412()
    {
        var family = "Twin" + Guid.NewGuid().ToString("N")[..8];
        await (await Client.PostAsync("Patient", Json(Samples.Patient("t1", family)))).ExpectAsync(HttpStatusCode.Created);
        await (await Client.PostAsync("Patient", Json(Samples.Patient("t2", family)))).ExpectAsync(HttpStatusCode.Created);

        var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = Json(Samples.Patient("t3", family)) };
        request.Headers.Add("If-None-Exist", $"family={family}");
        var outcome = await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.PreconditionFailed);
        Assert.Contains("multiple-matches", outcome.IssueCodes());
    }

    [Fact]
    public async Task Create_with_a_body_of_another_type_is_400()
    {
        await (await Client.PostAsync("Observation", Json(Samples.PatientJson))).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_on_an_unknown_resource_type_is_404()
    {
        await (await Client.PostAsync("Patients", Json(Samples.PatientJson))).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Create_with_an_invalid_element_is_400_naming_the_element()
    {
        const string json = """{"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[{"code":{"text":"a"}},{"code":{"text":"b"},"valueQuantity":{"value":"eight"}}]}""";
        var outcome = await (await Client.PostAsync("Observation", Json(json))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Observation.component[1].valueQuantity.value", outcome.IssueExpressions());
    }

    [Fact]
    public async Task Prefer_return_minimal_answers_with_no_body()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = Json(Samples.Patient("min")) };
        request.Headers.Add("Prefer", "return=minimal");
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.NotNull(response.Headers.Location);
    }

    [Fact]
    public async Task Prefer_return_OperationOutcome_answers_with_an_outcome()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = Json(Samples.Patient("oo")) };
        request.Headers.Add("Prefer", "return=OperationOutcome");
        var body = await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("OperationOutcome", body.GetProperty("resourceType").GetString());
    }
}

public sealed class CreateTestsOnSqlite(SqliteServer server) : CreateTests(server), IClassFixture<SqliteServer>;

public sealed class CreateTestsOnPostgres(PostgresServer server) : CreateTests(server), IClassFixture<PostgresServer>;

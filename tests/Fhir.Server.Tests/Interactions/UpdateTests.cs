using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public abstract class UpdateTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static string WithId(string json, string id) => json.Replace("\"resourceType\":\"Patient\"", $"\"resourceType\":\"Patient\",\"id\":\"{id}\"");

    private async Task<string> CreatePatientAsync(string mrn) =>
        (await (await Client.PostAsync("Patient", Json(Samples.Patient(mrn)))).ExpectAsync(HttpStatusCode.Created)).Id();

    [Fact]
    public async Task Update_makes_a_new_version()
    {
        var id = await CreatePatientAsync("upd-1");
        var response = await Client.PutAsync($"Patient/{id}", Json(WithId(Samples.Patient("upd-1", "Smith"), id)));
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("2", body.VersionId());
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        Assert.Equal("Smith", (await (await Client.GetAsync($"Patient/{id}")).BodyAsync()).GetProperty("name")[0].GetProperty("family").GetString());
    }

    [Fact]
    public async Task Update_of_a_new_id_creates_it()
    {
        var id = "made-by-client-" + Guid.NewGuid().ToString("N")[..8];
        var body = await (await Client.PutAsync($"Patient/{id}", Json(WithId(Samples.PatientJson, id)))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(id, body.Id());
        Assert.Equal("1", body.VersionId());
    }

    [Fact]
    public async Task Update_with_a_stale_If_Match_is_412_and_changes_nothing()
    {
        var id = await CreatePatientAsync("upd-2");
        await (await Client.PutAsync($"Patient/{id}", Json(WithId(Samples.Patient("upd-2", "Second"), id)))).ExpectAsync(HttpStatusCode.OK);

        var stale = new HttpRequestMessage(HttpMethod.Put, $"Patient/{id}") { Content = Json(WithId(Samples.Patient("upd-2", "Lost"), id)) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        await (await Client.SendAsync(stale)).ExpectAsync(HttpStatusCode.PreconditionFailed);

        var current = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
        Assert.Equal("2", current.VersionId());
        Assert.Equal("Second", current.GetProperty("name")[0].GetProperty("family").GetString());

        var fresh = new HttpRequestMessage(HttpMethod.Put, $"Patient/{id}") { Content = Json(WithId(Samples.Patient("upd-2", "Third"), id)) };
        fresh.Headers.TryAddWithoutValidation("If-Match", "W/\"2\"");
        await (await Client.SendAsync(fresh)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Update_without_an_id_in_the_body_or_with_another_id_is_400()
    {
        var id = await CreatePatientAsync("upd-3");
        await (await Client.PutAsync($"Patient/{id}", Json(Samples.PatientJson))).ExpectAsync(HttpStatusCode.BadRequest);
        await (await Client.PutAsync($"Patient/{id}", Json(WithId(Samples.PatientJson, "other")))).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Update_after_delete_brings_the_resource_back_as_a_new_version()
    {
        var id = await CreatePatientAsync("upd-4");
        await Client.DeleteAsync($"Patient/{id}");
        var body = await (await Client.PutAsync($"Patient/{id}", Json(WithId(Samples.PatientJson, id)))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("3", body.VersionId());
    }

    [Fact]
    public async Task Conditional_update_updates_the_one_match_or_creates_when_none_matches()
    {
        var mrn = "cu-" + Guid.NewGuid().ToString("N");
        var created = await (await Client.PutAsync($"Patient?identifier=urn:trial:mrn|{mrn}", Json(Samples.Patient(mrn)))).ExpectAsync(HttpStatusCode.Created);
        var updated = await (await Client.PutAsync($"Patient?identifier=urn:trial:mrn|{mrn}", Json(Samples.Patient(mrn, "Updated")))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(created.Id(), updated.Id());
        Assert.Equal("2", updated.VersionId());
    }
}

public sealed class UpdateTestsOnSqlite(SqliteServer server) : UpdateTests(server), IClassFixture<SqliteServer>;

public sealed class UpdateTestsOnPostgres(PostgresServer server) : UpdateTests(server), IClassFixture<PostgresServer>;

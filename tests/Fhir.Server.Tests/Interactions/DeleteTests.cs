using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public abstract class DeleteTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private async Task<string> CreatePatientAsync(string mrn) =>
        (await (await Client.PostAsync("Patient", Json(Samples.Patient(mrn)))).ExpectAsync(HttpStatusCode.Created)).Id();

    [Fact]
    public async Task Delete_leaves_a_versioned_tombstone_in_history()
    {
        var id = await CreatePatientAsync("del-1");
        var response = await Client.DeleteAsync($"Patient/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());

        var history = await (await Client.GetAsync($"Patient/{id}/_history")).ExpectAsync(HttpStatusCode.OK);
        var entries = history.GetProperty("entry").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("DELETE", entries[0].GetProperty("request").GetProperty("method").GetString());
        Assert.False(entries[0].TryGetProperty("resource", out _));
        Assert.Equal("POST", entries[1].GetProperty("request").GetProperty("method").GetString());
    }

    [Fact]
    public async Task Deleting_twice_changes_nothing_the_second_time()
    {
        var id = await CreatePatientAsync("del-2");
        await Client.DeleteAsync($"Patient/{id}");
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"Patient/{id}")).StatusCode);
        var history = await (await Client.GetAsync($"Patient/{id}/_history")).BodyAsync();
        Assert.Equal(2, history.GetProperty("entry").GetArrayLength());
    }

    [Fact]
    public async Task Delete_of_an_unknown_id_is_404()
    {
        await (await Client.DeleteAsync("Patient/never-was")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Deleted_resources_are_not_found_by_search()
    {
        var mrn = "del-" + Guid.NewGuid().ToString("N");
        var id = await CreatePatientAsync(mrn);
        await Client.DeleteAsync($"Patient/{id}");
        var bundle = await (await Client.GetAsync($"Patient?identifier=urn:trial:mrn|{mrn}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(bundle.EntryResources());
    }

    [Fact]
    public async Task Conditional_delete_deletes_the_one_match_and_refuses_several()
    {
        var mrn = "cdel-" + Guid.NewGuid().ToString("N");
        var id = await CreatePatientAsync(mrn);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"Patient?identifier=urn:trial:mrn|{mrn}")).StatusCode);
        await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.Gone);

        var family = "Many" + Guid.NewGuid().ToString("N")[..8];
        await Client.PostAsync("Patient", Json(Samples.Patient("a", family)));
        await Client.PostAsync("Patient", Json(Samples.Patient("b", family)));
        await (await Client.DeleteAsync($"Patient?family={family}")).ExpectAsync(HttpStatusCode.PreconditionFailed);
    }
}

public sealed class DeleteTestsOnSqlite(SqliteServer server) : DeleteTests(server), IClassFixture<SqliteServer>;

public sealed class DeleteTestsOnPostgres(PostgresServer server) : DeleteTests(server), IClassFixture<PostgresServer>;

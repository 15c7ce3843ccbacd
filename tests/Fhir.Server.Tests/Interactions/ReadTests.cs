using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public abstract class ReadTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private async Task<string> CreatePatientAsync() =>
        (await (await Client.PostAsync("Patient", Json(Samples.Patient("read")))).ExpectAsync(HttpStatusCode.Created)).Id();

    [Fact]
    public async Task Read_returns_the_current_version_with_ETag_and_Last_Modified()
    {
        var id = await CreatePatientAsync();
        var response = await Client.GetAsync($"Patient/{id}");
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(id, body.Id());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Read_of_an_unknown_id_is_404()
    {
        await (await Client.GetAsync("Patient/does-not-exist")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Read_with_an_invalid_id_is_400()
    {
        await (await Client.GetAsync("Patient/" + new string('x', 65))).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Read_after_delete_is_410()
    {
        var id = await CreatePatientAsync();
        await (await Client.DeleteAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        var outcome = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.Gone);
        Assert.Contains("deleted", outcome.IssueCodes());
    }

    [Fact]
    public async Task Read_with_If_None_Match_of_the_current_version_is_304()
    {
        var id = await CreatePatientAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, $"Patient/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", "W/\"1\"");
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);

        var stale = new HttpRequestMessage(HttpMethod.Get, $"Patient/{id}");
        stale.Headers.TryAddWithoutValidation("If-None-Match", "W/\"0\"");
        Assert.Equal(HttpStatusCode.OK, (await Client.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task Vread_returns_each_version_as_it_was()
    {
        var id = await CreatePatientAsync();
        var v1 = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
        var changed = Samples.Patient("read", family: "Changed").Replace("\"resourceType\":\"Patient\"", $"\"resourceType\":\"Patient\",\"id\":\"{id}\"");
        await (await Client.PutAsync($"Patient/{id}", Json(changed))).ExpectAsync(HttpStatusCode.OK);

        var first = await (await Client.GetAsync($"Patient/{id}/_history/1")).ExpectAsync(HttpStatusCode.OK);
        var second = await (await Client.GetAsync($"Patient/{id}/_history/2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(v1.ToString(), first.ToString());
        Assert.Equal("Changed", second.GetProperty("name")[0].GetProperty("family").GetString());
        await (await Client.GetAsync($"Patient/{id}/_history/3")).ExpectAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"Patient/{id}/_history/x")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Vread_of_a_deleted_version_is_410()
    {
        var id = await CreatePatientAsync();
        await Client.DeleteAsync($"Patient/{id}");
        await (await Client.GetAsync($"Patient/{id}/_history/2")).ExpectAsync(HttpStatusCode.Gone);
        await (await Client.GetAsync($"Patient/{id}/_history/1")).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class ReadTestsOnSqlite(SqliteServer server) : ReadTests(server), IClassFixture<SqliteServer>;

public sealed class ReadTestsOnPostgres(PostgresServer server) : ReadTests(server), IClassFixture<PostgresServer>;

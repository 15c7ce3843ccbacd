using System.Net;
using System.Text;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// The pair indexes over the REST API (issue 18): Observations written as JSON and indexed by the R4 parameters `code`,
/// `date` (effective[x]) and `patient`. A code and a date range are found through the window of the date pairs once the
/// code is common enough to be worth it (more than 200 Observations of it); the patients of a code through the patient
/// pairs; both through updates, deletes and paging.
/// </summary>
public abstract class PairIndexSearchTests(ServerFixture server)
{
    private const string Loinc = "http://loinc.org";
    private HttpClient Client => server.Client;

    [Fact]
    public async Task A_common_code_and_a_date_range_find_the_observations_of_the_code_in_the_range_through_updates_and_pages()
    {
        // 260 Observations of the code in 2010 (one a day), so that the code alone names too many to drive from.
        var bundle = new StringBuilder("""{"resourceType":"Bundle","type":"transaction","entry":[""");
        for (var i = 0; i < 260; i++)
        {
            var day = new DateTime(2010, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            bundle.Append(i == 0 ? "" : ",").Append(Q($"{{'resource':{{'resourceType':'Observation','id':'cd-f{i}','status':'final',"
                + $"'code':{{'coding':[{{'system':'{Loinc}','code':'cd-a'}}]}},'effectiveDateTime':'{day}'}},'request':{{'method':'PUT','url':'Observation/cd-f{i}'}}}}"));
        }
        var response = await Client.PostAsync("", Json(bundle.Append("]}").ToString()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        // Two codings and a day in 2020; a twelve-day period into 2020; another code; the code without an effective date.
        await PutAsync("cd-in", "'code':{'coding':[{'system':'http://loinc.org','code':'cd-a'},{'system':'http://snomed.info/sct','code':'cd-s'}]},'effectiveDateTime':'2020-04-01T10:00:00Z'");
        await PutAsync("cd-period", "'code':{'coding':[{'system':'http://loinc.org','code':'cd-a'}]},'effectivePeriod':{'start':'2019-12-25','end':'2020-01-05'}");
        await PutAsync("cd-other", "'code':{'coding':[{'system':'http://loinc.org','code':'cd-b'}]},'effectiveDateTime':'2020-04-01'");
        await PutAsync("cd-undated", "'code':{'coding':[{'system':'http://loinc.org','code':'cd-a'}]},'issued':'2020-04-01T10:00:00Z'");

        Assert.Equal(["cd-in", "cd-period"], await Client.SortedIdsAsync("Observation?code=http://loinc.org|cd-a&date=ge2020-01-01&date=lt2021-01-01"));
        Assert.Equal(["cd-in", "cd-period"], await Client.SortedIdsAsync("Observation?code=cd-a&date=ge2020-01-01"));
        Assert.Equal(["cd-in"], await Client.SortedIdsAsync("Observation?code=http://snomed.info/sct|cd-s,http://loinc.org|cd-a&date=2020"));
        Assert.Equal(["cd-f0", "cd-f1"], await Client.SortedIdsAsync("Observation?code=http://loinc.org|cd-a&date=lt2010-01-03&date=ge2009-06-01"));
        Assert.Equal(["cd-f0", "cd-f1"], await Client.SortedIdsAsync("Observation?code=http://loinc.org|cd-a&date=lt2010-01-03"));

        // Recoded: out of the code's year, into the other code's.
        await PutAsync("cd-in", "'code':{'coding':[{'system':'http://loinc.org','code':'cd-b'}]},'effectiveDateTime':'2020-04-01T10:00:00Z'");
        Assert.Equal(["cd-period"], await Client.SortedIdsAsync("Observation?code=http://loinc.org|cd-a&date=ge2020-01-01&date=lt2021-01-01"));
        Assert.Equal(["cd-in", "cd-other"], await Client.SortedIdsAsync("Observation?code=http://loinc.org|cd-b&date=ge2020-01-01&date=lt2021-01-01"));

        // A page of two at a time walks the same matches: the fillers of 2010-08-31 on (days 242-259) and cd-period.
        var pages = await Client.AllPageIdsAsync("Observation?code=http://loinc.org|cd-a&date=ge2010-08-31&date=lt2021-01-01&_count=2");
        Assert.Equal([.. Enumerable.Range(242, 18).Select(i => $"cd-f{i}"), "cd-period"], pages.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(pages.Count, pages.Distinct().Count());
    }

    // JSON written with single quotes, for readability.
    private static string Q(string json) => json.Replace('\'', '"');

    [Fact]
    public async Task The_patients_of_a_code_are_those_whose_observations_have_it_through_updates_and_deletes()
    {
        foreach (var id in new[] { "pp-a", "pp-b", "pp-c" })
        {
            var put = await Client.PutAsync($"Patient/{id}", Json(Q($"{{'resourceType':'Patient','id':'{id}'}}")));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        await PutAsync("pp-o1", "'code':{'coding':[{'system':'http://loinc.org','code':'pp-x'}]},'subject':{'reference':'Patient/pp-a'}");
        await PutAsync("pp-o2", "'code':{'coding':[{'system':'http://loinc.org','code':'pp-y'},{'system':'http://snomed.info/sct','code':'pp-x'}]},'subject':{'reference':'Patient/pp-b'}");
        var condition = await Client.PutAsync("Condition/pp-c1", Json(Q("{'resourceType':'Condition','id':'pp-c1','code':{'coding':[{'system':'http://loinc.org','code':'pp-x'}]},'subject':{'reference':'Patient/pp-c'}}")));
        Assert.True(condition.IsSuccessStatusCode, await condition.Content.ReadAsStringAsync());

        Assert.Equal(["pp-a", "pp-b"], await Client.SortedIdsAsync("Patient?_has:Observation:patient:code=pp-x"));
        Assert.Equal(["pp-a"], await Client.SortedIdsAsync("Patient?_has:Observation:patient:code=http://loinc.org|pp-x"));
        Assert.Equal(["pp-c"], await Client.SortedIdsAsync("Patient?_has:Condition:patient:code=http://loinc.org|pp-x"));

        // Moved to another patient, then deleted.
        await PutAsync("pp-o1", "'code':{'coding':[{'system':'http://loinc.org','code':'pp-x'}]},'subject':{'reference':'Patient/pp-c'}");
        Assert.Equal(["pp-b", "pp-c"], await Client.SortedIdsAsync("Patient?_has:Observation:patient:code=pp-x"));
        Assert.True((await Client.DeleteAsync("Observation/pp-o2")).IsSuccessStatusCode);
        Assert.Equal(["pp-c"], await Client.SortedIdsAsync("Patient?_has:Observation:patient:code=pp-x"));
    }

    private async Task PutAsync(string id, string codeAndDates)
    {
        var response = await Client.PutAsync($"Observation/{id}", Json(Q($"{{'resourceType':'Observation','id':'{id}','status':'final',{codeAndDates}}}")));
        Assert.True(response.IsSuccessStatusCode, $"PUT {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class PairIndexSearchTestsOnSqlite(SqliteServer server) : PairIndexSearchTests(server), IClassFixture<SqliteServer>;

public sealed class PairIndexSearchTestsOnPostgres(PostgresServer server) : PairIndexSearchTests(server), IClassFixture<PostgresServer>;

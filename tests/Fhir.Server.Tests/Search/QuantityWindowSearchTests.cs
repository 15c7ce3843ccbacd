using System.Net;
using System.Text;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// A value range without a code over the REST API (issue 18): Observations written as JSON, indexed by the R4
/// `value-quantity` (valueQuantity) and `component-value-quantity` parameters with their UCUM canonical forms, found by
/// `ge` and `le` of one unit through the window of the rows that satisfy both, with the resources of several values
/// beside it; through updates, deletes and paging.
/// </summary>
public abstract class QuantityWindowSearchTests(ServerFixture server)
{
    private const string Range = "Observation?value-quantity=ge734.42|http://unitsofmeasure.org|C&value-quantity=le734.76|http://unitsofmeasure.org|C";
    private HttpClient Client => server.Client;

    [Fact]
    public async Task A_value_range_of_one_unit_finds_the_observations_in_it_in_any_unit_of_its_dimension_through_updates_deletes_and_pages()
    {
        // 300 Observations of the unit from 720 C, one a tenth apart, so that the unit's rows far outnumber the range's.
        var bundle = new StringBuilder("""{"resourceType":"Bundle","type":"transaction","entry":[""");
        for (var i = 0; i < 300; i++)
        {
            var value = (720m + i / 10m).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
            bundle.Append(i == 0 ? "" : ",").Append(Q($"{{'resource':{{'resourceType':'Observation','id':'qw-f{i}','status':'final','code':{{'text':'charge'}},"
                + $"'valueQuantity':{{'value':{value},'system':'http://unitsofmeasure.org','code':'C'}}}},'request':{{'method':'PUT','url':'Observation/qw-f{i}'}}}}"));
        }
        var response = await Client.PostAsync("", Json(bundle.Append("]}").ToString()));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        // In C and in mC (734,600 mC = 734.6 C); a value of the unit outside; two components, one on each side of the range.
        await PutAsync("qw-in", "'valueQuantity':{'value':734.5,'system':'http://unitsofmeasure.org','code':'C'}");
        await PutAsync("qw-milli", "'valueQuantity':{'value':734600,'system':'http://unitsofmeasure.org','code':'mC'}");
        await PutAsync("qw-out", "'valueQuantity':{'value':735.5,'system':'http://unitsofmeasure.org','code':'C'}");
        await PutAsync("qw-sides", "'component':[{'code':{'text':'a'},'valueQuantity':{'value':10,'system':'http://unitsofmeasure.org','code':'C'}},"
            + "{'code':{'text':'b'},'valueQuantity':{'value':900,'system':'http://unitsofmeasure.org','code':'C'}}]");

        // Fillers 144 to 148 hold 734.4 to 734.8. By R4's ranges, 734.4 (734.35 to 734.45) reaches above 734.42 (734.415 to
        // 734.425) and 734.8 (734.75 to 734.85) below 734.76 (734.755 to 734.765).
        string[] matches = ["qw-f144", "qw-f145", "qw-f146", "qw-f147", "qw-f148", "qw-in", "qw-milli"];
        Assert.Equal(matches, await Client.SortedIdsAsync(Range));
        // The same range in mC.
        Assert.Equal(matches,
            await Client.SortedIdsAsync("Observation?value-quantity=ge734420|http://unitsofmeasure.org|mC&value-quantity=le734760|http://unitsofmeasure.org|mC"));
        // Components: above 800 on one, below 20 on the other.
        Assert.Equal(["qw-sides"], await Client.SortedIdsAsync("Observation?component-value-quantity=ge800|http://unitsofmeasure.org|C&component-value-quantity=le20|http://unitsofmeasure.org|C"));

        // Moved into the range, moved out of it, deleted.
        await PutAsync("qw-out", "'valueQuantity':{'value':734.7,'system':'http://unitsofmeasure.org','code':'C'}");
        await PutAsync("qw-milli", "'valueQuantity':{'value':1,'system':'http://unitsofmeasure.org','code':'C'}");
        Assert.True((await Client.DeleteAsync("Observation/qw-f146")).IsSuccessStatusCode);
        string[] after = ["qw-f144", "qw-f145", "qw-f147", "qw-f148", "qw-in", "qw-out"];
        Assert.Equal(after, await Client.SortedIdsAsync(Range));

        // A page of two at a time walks the same matches.
        var pages = await Client.AllPageIdsAsync(Range + "&_count=2");
        Assert.Equal(after, pages.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(pages.Count, pages.Distinct().Count());
    }

    // JSON written with single quotes, for readability.
    private static string Q(string json) => json.Replace('\'', '"');

    private async Task PutAsync(string id, string values)
    {
        var response = await Client.PutAsync($"Observation/{id}", Json(Q($"{{'resourceType':'Observation','id':'{id}','status':'final','code':{{'text':'charge'}},{values}}}")));
        Assert.True(response.IsSuccessStatusCode, $"PUT {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class QuantityWindowSearchTestsOnSqlite(SqliteServer server) : QuantityWindowSearchTests(server), IClassFixture<SqliteServer>;

public sealed class QuantityWindowSearchTestsOnPostgres(PostgresServer server) : QuantityWindowSearchTests(server), IClassFixture<PostgresServer>;

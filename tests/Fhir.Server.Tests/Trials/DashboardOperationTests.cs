using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Trials;

/// <summary>Issue 17: <c>$dashboard</c> is <c>$endpoints</c> plus the figures, from one computation, on both stores.</summary>
public abstract class DashboardOperationTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Theory]
    [InlineData("")]
    [InlineData("?population=treated")]
    [InlineData("?arm=all&cutoff=2024-03-01")]
    public async Task Dashboard_carries_the_endpoints_unchanged_and_one_svg_per_figure(string query)
    {
        await (await Client.PostAsync("", Json(TrialBundle.Json()))).ExpectAsync(HttpStatusCode.OK);
        var endpoints = await (await Client.GetAsync("ResearchStudy/trial-1/$endpoints" + query)).ExpectAsync(HttpStatusCode.OK);
        var dashboard = await (await Client.GetAsync("ResearchStudy/trial-1/$dashboard" + query)).ExpectAsync(HttpStatusCode.OK);

        // Everything but the plots is $endpoints' answer, part for part.
        var withoutPlots = JsonSerializer.SerializeToElement(new
        {
            resourceType = "Parameters",
            parameter = dashboard.GetProperty("parameter").EnumerateArray().Where(p => p.GetProperty("name").GetString() != "plot").ToArray(),
        });
        Assert.Equal(TrialOperationsTests.Flatten(endpoints), TrialOperationsTests.Flatten(withoutPlots));

        var plots = dashboard.GetProperty("parameter").EnumerateArray().Where(p => p.GetProperty("name").GetString() == "plot").ToList();
        Assert.Equal(["pfs", "os", "waterfall", "swimmer"], plots.Select(p => p.GetProperty("part")[0].GetProperty("valueString").GetString()));
        foreach (var plot in plots)
        {
            var svg = XDocument.Parse(plot.GetProperty("part")[1].GetProperty("valueString").GetString()!);
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            Assert.Equal("img", (string?)svg.Root.Attribute("role"));
            Assert.DoesNotContain(svg.Descendants().SelectMany(e => e.Attributes()), a => a.Name.LocalName == "style");
        }
    }

    [Fact]
    public async Task Dashboard_refuses_what_endpoints_refuses()
    {
        await (await Client.GetAsync("ResearchStudy/no-such-study/$dashboard")).ExpectAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync("ResearchStudy/trial-1/$dashboard?population=everyone")).ExpectAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class DashboardOperationTestsOnSqlite(SqliteServer server) : DashboardOperationTests(server), IClassFixture<SqliteServer>;

public sealed class DashboardOperationTestsOnPostgres(PostgresServer server) : DashboardOperationTests(server), IClassFixture<PostgresServer>;

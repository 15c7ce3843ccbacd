using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Validation;

/// <summary>Conformance resources of real implementation guides are accepted by the server (issue 14 item 3).</summary>
public abstract class ImplementationGuideContentTests(ServerFixture server)
{
    private const string Expectation = "http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation";

    [Fact]
    public async Task Issue14_item3_a_US_Core_SearchParameter_with_standards_status_and_expectations_is_stored_and_searchable()
    {
        var code = "uc" + Guid.NewGuid().ToString("N")[..8];
        var body = $$"""
            {"resourceType":"SearchParameter","id":"us-core-{{code}}",
             "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status","valueCode":"trial-use"}],
             "url":"http://hl7.org/fhir/us/core/SearchParameter/us-core-{{code}}","version":"6.1.0","name":"USCoreObservationDate",
             "status":"active","experimental":false,"date":"2022-04-14","publisher":"HL7 International - Cross-Group Projects",
             "description":"Obtains observations by date","code":"{{code}}","base":["Observation"],"type":"date","expression":"Observation.effective","xpathUsage":"normal",
             "multipleOr":true,"_multipleOr":{"extension":[{"url":"{{Expectation}}","valueCode":"MAY"}]},
             "multipleAnd":true,"_multipleAnd":{"extension":[{"url":"{{Expectation}}","valueCode":"SHOULD"}]},
             "comparator":["eq","gt"],"_comparator":[{"extension":[{"url":"{{Expectation}}","valueCode":"MAY"}]},{"extension":[{"url":"{{Expectation}}","valueCode":"SHALL"}]}] }
            """;
        var created = await (await server.Client.PutAsync($"SearchParameter/us-core-{code}", Json(body))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("trial-use", created.GetProperty("extension")[0].GetProperty("valueCode").GetString());
        await (await server.Client.GetAsync($"Observation?{code}=gt2020-01-01")).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class ImplementationGuideContentTestsOnSqlite(SqliteServer server) : ImplementationGuideContentTests(server), IClassFixture<SqliteServer>;

public sealed class ImplementationGuideContentTestsOnPostgres(PostgresServer server) : ImplementationGuideContentTests(server), IClassFixture<PostgresServer>;

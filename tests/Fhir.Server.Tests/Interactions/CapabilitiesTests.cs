using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public sealed class CapabilitiesTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Metadata_is_an_R4_CapabilityStatement_listing_every_resource_type()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("CapabilityStatement", statement.GetProperty("resourceType").GetString());
        Assert.Equal("4.0.1", statement.GetProperty("fhirVersion").GetString());
        var rest = statement.GetProperty("rest")[0];
        Assert.Equal(146, rest.GetProperty("resource").GetArrayLength());
        Assert.Equal(["transaction", "batch", "history-system"], rest.GetProperty("interaction").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Every_search_parameter_listed_for_a_type_is_accepted_by_search()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var observation = statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "Observation");
        var names = observation.GetProperty("searchParam").EnumerateArray().Select(p => (Name: p.GetProperty("name").GetString()!, Type: p.GetProperty("type").GetString()!)).ToList();
        Assert.Contains(names, p => p.Name == "code");
        Assert.Contains(names, p => p.Name == "value-quantity");
        Assert.Contains(names, p => p.Name == "component-code-value-quantity" && p.Type == "composite");

        foreach (var (name, type) in names)
        {
            var value = type switch
            {
                "date" => "2020", "number" => "1", "quantity" => "1", "reference" => "Patient/1", "token" => "a|b",
                // token$value: the date composite needs a date, the others take a 1 as token, string or quantity.
                "composite" => name.EndsWith("-date", StringComparison.Ordinal) ? "a|b$2020" : "a|b$1",
                _ => "x",
            };
            var request = new HttpRequestMessage(HttpMethod.Get, $"Observation?{name}={Uri.EscapeDataString(value)}");
            request.Headers.Add("Prefer", "handling=strict");
            var response = await Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name} ({type}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Each_resource_type_declares_the_interactions_and_conditional_support_that_work()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var patient = statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "Patient");
        Assert.Equal(
            ["read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type"],
            patient.GetProperty("interaction").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
        Assert.True(patient.GetProperty("conditionalCreate").GetBoolean());
        Assert.Equal("single", patient.GetProperty("conditionalDelete").GetString());
        Assert.Equal("versioned-update", patient.GetProperty("versioning").GetString());
    }
}

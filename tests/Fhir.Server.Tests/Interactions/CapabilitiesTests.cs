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
        Assert.Equal(["transaction", "batch", "search-system", "history-system"], rest.GetProperty("interaction").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Every_search_parameter_listed_for_every_type_is_accepted_by_a_strict_search()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var resources = statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().ToList();
        var observation = resources.Single(r => r.GetProperty("type").GetString() == "Observation");
        var observationNames = observation.GetProperty("searchParam").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("code", observationNames);
        Assert.Contains("value-quantity", observationNames);

        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var resource in resources)
        {
            var type = resource.GetProperty("type").GetString()!;
            foreach (var parameter in resource.GetProperty("searchParam").EnumerateArray())
            {
                var (name, kind) = (parameter.GetProperty("name").GetString()!, parameter.GetProperty("type").GetString()!);
                Assert.False(string.IsNullOrEmpty(parameter.GetProperty("definition").GetString()), $"{type}.{name} has no definition");
                var value = kind switch
                {
                    "date" => "2020", "number" => "1", "quantity" => "1", "reference" => "Patient/1", "token" => "a|b", _ => "x",
                };
                // A composite is token$value, the value a date, quantity, token or string depending on the parameter.
                string[] candidates = kind == "composite" ? ["a|b$1", "a|b$2020", "a|b$a|b", "a|b$x", "a|b$1$1"] : [value];
                var attempts = new List<string>();
                foreach (var candidate in candidates)
                {
                    var before = attempts.Count;
                    await ExpectStrictOkAsync($"{type}?{name}={Uri.EscapeDataString(candidate)}", attempts);
                    if (attempts.Count == before)
                    {
                        break;
                    }
                }
                if (attempts.Count == candidates.Length)
                {
                    failures.Add(attempts[0]);
                }
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 1000, $"only {checkedCount} parameters listed");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Every_listed_include_and_revinclude_is_accepted_by_a_strict_search()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var resources = statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().ToList();
        var patient = resources.Single(r => r.GetProperty("type").GetString() == "Patient");
        Assert.Contains("Patient:general-practitioner", patient.GetProperty("searchInclude").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("Observation:subject", patient.GetProperty("searchRevInclude").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("everything", patient.GetProperty("operation")[0].GetProperty("name").GetString());
        Assert.Contains("http://hl7.org/fhir/CompartmentDefinition/patient", statement.GetProperty("rest")[0].GetProperty("compartment").EnumerateArray().Select(v => v.GetString()));
        var code = patient.GetProperty("searchParam").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "identifier");
        Assert.Equal("A patient identifier", code.GetProperty("documentation").GetString());

        var failures = new List<string>();
        foreach (var resource in resources)
        {
            var type = resource.GetProperty("type").GetString()!;
            foreach (var value in resource.GetProperty("searchInclude").EnumerateArray())
            {
                await ExpectStrictOkAsync($"{type}?_include={Uri.EscapeDataString(value.GetString()!)}", failures);
            }
            foreach (var value in resource.GetProperty("searchRevInclude").EnumerateArray().Take(20))
            {
                await ExpectStrictOkAsync($"{type}?_revinclude={Uri.EscapeDataString(value.GetString()!)}", failures);
            }
        }
        Assert.Empty(failures);
    }

    private async Task ExpectStrictOkAsync(string url, List<string> failures)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Prefer", "handling=strict");
        using var response = await Client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            failures.Add($"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
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

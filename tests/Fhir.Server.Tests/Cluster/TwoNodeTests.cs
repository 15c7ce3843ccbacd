using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Server.Tests.SearchParameters;
using Fhir.Server.Tests.Support;
using Xunit.Abstractions;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Cluster;

/// <summary>
/// Issue 16 item 9: two real server processes on one database agree. What is written through one (SearchParameters,
/// StructureDefinitions, their deletion, the reindex they start) is in force on the other within a second, and on a
/// process started later from the start; the per-client rate limit and the token endpoint's backoff count across both.
/// </summary>
public abstract class TwoNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The store's provider name.</summary>
    protected abstract string Provider { get; }

    /// <summary>A new, empty database; returns its connection string.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>Deletes the database.</summary>
    protected abstract Task DropDatabaseAsync(string connectionString);

    private readonly string _scratch = Directory.CreateTempSubdirectory("fhir-two-nodes-").FullName;
    private string _database = "";

    public async Task InitializeAsync() => _database = await CreateDatabaseAsync();

    private Task<ServerProcess> NodeAsync(params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["Fhir__ProfilesPath"] = Repository.Profiles,
            // Tokens of one node are good on the other: they share the signing key, as a deployment's nodes do.
            ["Auth__SigningKeyPath"] = System.IO.Path.Combine(_scratch, "keys", "token-signing-key.pem"),
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }
        return ServerProcess.StartAsync(Provider, _database, environment);
    }

    // How long the other node takes is printed, not asserted (a timing on a shared machine is a benchmark's, not a test's):
    // the test checks that the change takes effect while both nodes run, with no restart, well before UntilAsync gives up.
    /// <summary>Polls <paramref name="check"/> until it holds (or 10 s pass) and returns how long that took.</summary>
    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> check)
    {
        var clock = Stopwatch.StartNew();
        while (!await check())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the other node did not take the change in within 10 s");
            await Task.Delay(25);
        }
        return clock.Elapsed;
    }

    private static async Task<string[]> IdsAsync(HttpClient client, string query)
    {
        var bundle = await (await client.GetAsync(query)).ExpectAsync(HttpStatusCode.OK);
        return [.. bundle.EntryResources().Where(r => r.GetProperty("resourceType").GetString() != "OperationOutcome").Select(r => r.Id())];
    }

    [Fact]
    public async Task Issue16_item9_definitions_written_on_one_node_are_in_force_on_the_other_within_a_second_and_on_a_later_one_at_once()
    {
        await using var a = await NodeAsync();
        await using var b = await NodeAsync();

        // Data on both nodes before the parameter exists.
        var code = CustomSearchParameterTests.NewCode();
        var mdm2 = (await (await a.Client.PostAsync("Observation", Json(CustomSearchParameterTests.Variant("HGNC:6973")))).ExpectAsync(HttpStatusCode.Created)).Id();
        var tp53 = (await (await b.Client.PostAsync("Observation", Json(CustomSearchParameterTests.Variant("HGNC:11998")))).ExpectAsync(HttpStatusCode.Created)).Id();
        Assert.Equal(2, (await IdsAsync(b.Client, $"Observation?{code}=HGNC:6973")).Length); // unknown on B: ignored, with a warning

        // A SearchParameter written on A: B indexes its own new writes with it, and the reindex A queued (a job in the database)
        // covers what was there before; B sees the job and, once it is done, finds exactly the match.
        using var created = await a.Client.PostAsync("SearchParameter", Json(CustomSearchParameterTests.SearchParameter(code)));
        await created.ExpectAsync(HttpStatusCode.Created);
        var job = created.Headers.GetValues("X-Reindex-Job").Single();
        var took = await UntilAsync(async () =>
        {
            var page = await (await b.Client.GetAsync($"Observation?{code}=HGNC:0000")).ExpectAsync(HttpStatusCode.OK);
            return !page.EntryResources().Any(r => r.GetProperty("resourceType").GetString() == "OperationOutcome");
        });
        output.WriteLine($"SearchParameter in force on the other node after {took.TotalMilliseconds:F0} ms");
        var jobPath = new Uri(job).AbsolutePath[(new Uri(job).AbsolutePath.IndexOf("/fhir/", StringComparison.Ordinal) + 6)..];
        await UntilAsync(async () => (await b.Client.GetAsync(jobPath)).StatusCode == HttpStatusCode.OK
            && (await (await b.Client.GetAsync(jobPath)).BodyAsync()).ToString().Contains("completed", StringComparison.Ordinal));
        Assert.Equal([mdm2], await IdsAsync(b.Client, $"Observation?{code}=HGNC:6973"));
        var later = (await (await b.Client.PostAsync("Observation", Json(CustomSearchParameterTests.Variant("HGNC:6973")))).ExpectAsync(HttpStatusCode.Created)).Id();
        Assert.Equal(new[] { mdm2, later }.Order(), (await IdsAsync(a.Client, $"Observation?{code}=HGNC:6973")).Order());
        Assert.DoesNotContain(tp53, await IdsAsync(a.Client, $"Observation?{code}=HGNC:6973"));
        // The other node's CapabilityStatement lists it too.
        var statement = await (await b.Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "Observation")
            .GetProperty("searchParam").EnumerateArray(), p => p.GetProperty("name").GetString() == code);

        // A profile written on A is enforced by B; deleted on B, it is no longer enforced by A.
        var url = "http://example.org/fhir/StructureDefinition/two-nodes-" + code;
        var profile = $$$"""
            {"resourceType":"StructureDefinition","url":"{{{url}}}","name":"TwoNodes","status":"active","kind":"resource","abstract":false,"type":"Patient",
             "fhirVersion":"4.0.1","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","derivation":"constraint",
             "differential":{"element":[{"id":"Patient","path":"Patient"},{"id":"Patient.birthDate","path":"Patient.birthDate","min":1}]}}
            """;
        var patient = $$$"""{"resourceType":"Patient","meta":{"profile":["{{{url}}}"]}}""";
        var sd = (await (await a.Client.PostAsync("StructureDefinition", Json(profile))).ExpectAsync(HttpStatusCode.Created)).Id();
        took = await UntilAsync(async () => (await b.Client.PostAsync("Patient", Json(patient))).StatusCode == HttpStatusCode.UnprocessableEntity);
        output.WriteLine($"StructureDefinition in force on the other node after {took.TotalMilliseconds:F0} ms");

        // A node started now has the stored SearchParameter and profile from its first request on.
        await using (var c = await NodeAsync(("Logging__LogLevel__Default", "Information")))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await c.Client.PostAsync("Patient", Json(patient))).StatusCode);
            Assert.Equal(new[] { mdm2, later }.Order(), (await IdsAsync(c.Client, $"Observation?{code}=HGNC:6973")).Order());
            Assert.Contains("From the database: conformance resources 1, SearchParameter 1", c.Output, StringComparison.Ordinal);
        }

        await (await b.Client.DeleteAsync($"StructureDefinition/{sd}")).ExpectAsync(HttpStatusCode.NoContent);
        await UntilAsync(async () => (await a.Client.PostAsync("Patient", Json(patient))).StatusCode == HttpStatusCode.Created);
    }

    [Fact]
    public async Task Issue16_item9_rate_limits_and_the_token_backoff_count_across_nodes()
    {
        var secret = Guid.NewGuid().ToString("N");
        (string, string)[] smart =
        [
            ("Auth__Mode", "Smart"), ("Auth__Clients__0__ClientId", "reader"), ("Auth__Clients__0__ClientSecret", secret),
            ("Auth__Clients__0__Scopes", "system/*.rs"), ("Auth__RequestsPerMinute", "10"), ("Auth__TokenFailuresBeforeBackoff", "2"),
            ("Auth__AnonymousRequestsPerMinute", "0"),
        ];
        await using var a = await NodeAsync(smart);
        await using var b = await NodeAsync(smart);
        using var tokenClient = new HttpClient { BaseAddress = new Uri(a.Client.BaseAddress!, "/") };
        var token = await TokenAsync(tokenClient, secret);

        // Limit 10 a minute. 6 requests on A, then B meets the client and, after one exchange, knows about them.
        Assert.All(await SendAsync(a.Client, token, 6), s => Assert.Equal(HttpStatusCode.OK, s));
        await Task.Delay(1200);
        Assert.Equal([HttpStatusCode.OK], await SendAsync(b.Client, token, 1));
        await Task.Delay(1200);
        var onB = await SendAsync(b.Client, token, 5);
        // Unless the minute turned in between (a new window), the two nodes together let exactly 10 through.
        if (onB.Count(s => s == HttpStatusCode.OK) != 5)
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], onB);
            // And A, after its next exchange, refuses too.
            await Task.Delay(1200);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(a.Client, token, 1))[0]);
        }

        // Three failures on A (two are free): B makes the client wait at once, whatever secret it sends.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await TokenResponseAsync(tokenClient, "wrong")).StatusCode);
        }
        using var onOtherNode = new HttpClient { BaseAddress = new Uri(b.Client.BaseAddress!, "/") };
        using var refused = await TokenResponseAsync(onOtherNode, secret);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    private static async Task<HttpStatusCode[]> SendAsync(HttpClient client, string token, int count)
    {
        var statuses = new HttpStatusCode[count];
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "Patient?_summary=count");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            statuses[i] = response.StatusCode;
        }
        return statuses;
    }

    private static Task<HttpResponseMessage> TokenResponseAsync(HttpClient root, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "auth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "system/*.rs")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("reader:" + secret)));
        return root.SendAsync(request);
    }

    private static async Task<string> TokenAsync(HttpClient root, string secret)
    {
        using var response = await TokenResponseAsync(root, secret);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task DisposeAsync()
    {
        await DropDatabaseAsync(_database);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_scratch, recursive: true);
    }
}

/// <summary>Two processes on one SQLite file.</summary>
public sealed class TwoNodeTestsOnSqlite(ITestOutputHelper output) : TwoNodeTests(output)
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhir-two-nodes-db-").FullName;

    protected override string Provider => "Sqlite";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult($"Data Source={System.IO.Path.Combine(_folder, "fhir.db")}");

    protected override Task DropDatabaseAsync(string connectionString)
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>Two processes on one PostgreSQL database.</summary>
public sealed class TwoNodeTestsOnPostgres(ITestOutputHelper output) : TwoNodeTests(output)
{
    protected override string Provider => "Postgres";

    protected override async Task<string> CreateDatabaseAsync() => await (await SharedPostgres.Instance).CreateDatabaseAsync();

    protected override async Task DropDatabaseAsync(string connectionString) => await (await SharedPostgres.Instance).DropDatabaseAsync(connectionString);
}

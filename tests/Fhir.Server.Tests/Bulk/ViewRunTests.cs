using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Security;
using Fhir.Server.Tests.Support;
using Parquet;

namespace Fhir.Server.Tests.Bulk;

/// <summary>
/// <c>ViewDefinition/$run</c> (SQL on FHIR v2): a view given in the body, by reference to the server's views or to a
/// Binary, run over the server's resources of its type (or given ones), as CSV, NDJSON, JSON or Parquet, filtered by
/// patient, group, study and <c>_since</c>, cut at <c>_limit</c>; errors as OperationOutcomes. Both stores.
/// </summary>
public abstract class ViewRunTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static string Tag() => "v" + Guid.NewGuid().ToString("N")[..10];

    private static string PatientView(string tag) => $$"""
        {"resourceType":"ViewDefinition","name":"p","status":"active","resource":"Patient",
         "select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"gender","path":"gender"},{"name":"family","path":"name.family.first()"}]}],
         "where":[{"path":"identifier.where(system = 'urn:view').value = '{{tag}}'"}]}
        """;

    private static string Run(string view, params string[] more) =>
        $$"""{"resourceType":"Parameters","parameter":[{"name":"viewResource","resource":{{view}}}{{string.Concat(more.Select(m => "," + m))}}]}""";

    private async Task SeedAsync(string tag, int patients = 3)
    {
        var entries = new List<string>();
        for (var i = 0; i < patients; i++)
        {
            entries.Add($$$"""{"resource":{"resourceType":"Patient","id":"{{{tag}}}-{{{i}}}","identifier":[{"system":"urn:view","value":"{{{tag}}}"}],"gender":"{{{(i % 2 == 0 ? "female" : "male")}}}","name":[{"family":"F{{{i}}}"}]},"request":{"method":"PUT","url":"Patient/{{{tag}}}-{{{i}}}"}}""");
            entries.Add($$$"""{"resource":{"resourceType":"Observation","id":"{{{tag}}}-o{{{i}}}","status":"final","code":{"text":"{{{tag}}}"},"subject":{"reference":"Patient/{{{tag}}}-{{{i}}}"},"valueInteger":{{{i}}}},"request":{"method":"PUT","url":"Observation/{{{tag}}}-o{{{i}}}"}}""");
        }
        entries.Add($$$"""{"resource":{"resourceType":"Group","id":"{{{tag}}}-g","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/{{{tag}}}-1"}}]},"request":{"method":"PUT","url":"Group/{{{tag}}}-g"}}""");
        await (await Client.PostAsync("", ServerFixture.Json($$"""{"resourceType":"Bundle","type":"transaction","entry":[{{string.Join(",", entries)}}]}"""))).ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<HttpResponseMessage> PostAsync(string url, string body, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ServerFixture.Json(body) };
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }
        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task A_view_in_the_body_runs_over_the_servers_resources_as_csv_with_a_header()
    {
        var tag = Tag();
        await SeedAsync(tag);

        using var response = await PostAsync("ViewDefinition/$run?_format=csv", Run(PatientView(tag)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,gender,family", lines[0]);
        Assert.Equal([$"{tag}-0,female,F0", $"{tag}-1,male,F1", $"{tag}-2,female,F2"], lines.Skip(1).Order());

        using var noHeader = await PostAsync("ViewDefinition/$run", Run(PatientView(tag), """{"name":"_format","valueCode":"csv"}""", """{"name":"header","valueBoolean":false}"""));
        Assert.Equal(3, (await noHeader.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Formats_come_from_format_or_accept_and_parquet_reads_back_with_its_rows()
    {
        var tag = Tag();
        await SeedAsync(tag);

        using var ndjson = await PostAsync("ViewDefinition/$run", Run(PatientView(tag)), "application/x-ndjson");
        Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType?.MediaType);
        var rows = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.StartsWith(tag, r.GetProperty("id").GetString()));

        using var json = await PostAsync("ViewDefinition/$run?_format=json", Run(PatientView(tag)));
        Assert.Equal(3, JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetArrayLength());

        using var parquet = await PostAsync("ViewDefinition/$run?_format=parquet", Run(PatientView(tag)));
        Assert.Equal("application/vnd.apache.parquet", parquet.Content.Headers.ContentType?.MediaType);
        await using var stream = new MemoryStream(await parquet.Content.ReadAsByteArrayAsync());
        await using var reader = await ParquetReader.CreateAsync(stream);
        Assert.Equal(["id", "gender", "family"], reader.Schema.GetDataFields().Select(f => f.Name));
        long count = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            count += group.RowCount;
        }
        Assert.Equal(3, count);

        using var unknown = await PostAsync("ViewDefinition/$run?_format=xlsx", Run(PatientView(tag)));
        await unknown.ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Patient_group_since_and_limit_narrow_the_rows()
    {
        var tag = Tag();
        await SeedAsync(tag);
        var observations = $$"""{"resourceType":"ViewDefinition","status":"active","resource":"Observation","select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"value","path":"value.ofType(integer)","type":"integer"}]}],"where":[{"path":"code.text = '{{tag}}'"}]}""";

        async Task<string[]> Ids(params string[] parameters)
        {
            using var response = await PostAsync("ViewDefinition/$run?_format=csv", Run(observations, parameters));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[0]).Order()];
        }

        Assert.Equal([$"{tag}-o0", $"{tag}-o1", $"{tag}-o2"], await Ids());
        Assert.Equal([$"{tag}-o2"], await Ids($$$"""{"name":"patient","valueReference":{"reference":"Patient/{{{tag}}}-2"}}"""));
        Assert.Equal([$"{tag}-o1"], await Ids($$$"""{"name":"group","valueReference":{"reference":"Group/{{{tag}}}-g"}}"""));
        Assert.Equal(2, (await Ids("""{"name":"_limit","valueInteger":2}""")).Length);
        Assert.Empty(await Ids("""{"name":"_since","valueInstant":"2999-01-01T00:00:00Z"}"""));
    }

    [Fact]
    public async Task A_view_is_found_by_reference_among_the_servers_views_or_in_a_Binary()
    {
        var tag = Tag();
        await SeedAsync(tag);

        using var byId = await Client.GetAsync("ViewDefinition/patients/$run?_format=csv&_limit=1");
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.StartsWith("patient_id,patient_identifier,gender,birth_date,death_date\n", await byId.Content.ReadAsStringAsync());
        using var byUrl = await Client.GetAsync("ViewDefinition/$run?_format=csv&_limit=1&viewReference=" + Uri.EscapeDataString("http://trials.example.org/fhir/ViewDefinition/patients"));
        Assert.Equal(HttpStatusCode.OK, byUrl.StatusCode);

        var binary = $$"""{"resourceType":"Binary","id":"{{tag}}-view","contentType":"application/json","data":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(PatientView(tag)))}}"}""";
        await (await Client.PutAsync($"Binary/{tag}-view", ServerFixture.Json(binary))).ExpectAsync(HttpStatusCode.Created);
        using var stored = await Client.GetAsync($"ViewDefinition/$run?_format=csv&viewReference=Binary/{tag}-view");
        Assert.Equal(4, (await stored.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        await (await Client.GetAsync("ViewDefinition/no-such-view/$run")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Resources_given_in_the_body_are_run_instead_of_the_servers()
    {
        using var response = await PostAsync("ViewDefinition/$run?_format=ndjson", Run(PatientView("given"),
            """{"name":"resource","resource":{"resourceType":"Patient","id":"given-1","identifier":[{"system":"urn:view","value":"given"}],"gender":"other"}}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("given-1", JsonDocument.Parse(text.Trim()).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_view_that_does_not_compile_is_400_where_it_fails_and_one_that_fails_on_data_is_422()
    {
        var broken = """{"resourceType":"ViewDefinition","status":"active","resource":"Patient","select":[{"column":[{"name":"id","path":"getResourceKey("}]}]}""";
        var outcome = await (await PostAsync("ViewDefinition/$run", Run(broken))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains(outcome.IssueExpressions(), e => e.StartsWith("ViewDefinition.select[0].column[0]", StringComparison.Ordinal));

        var tag = Tag();
        await SeedAsync(tag);
        var many = $$"""{"resourceType":"ViewDefinition","status":"active","resource":"Patient","select":[{"column":[{"name":"ids","path":"identifier.value | name.family"}]}],"where":[{"path":"identifier.where(system = 'urn:view').value = '{{tag}}'"}]}""";
        await (await PostAsync("ViewDefinition/$run", Run(many))).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        await (await PostAsync("ViewDefinition/$run", Run(PatientView(tag), """{"name":"source","valueString":"s3://bucket"}"""))).ExpectAsync(HttpStatusCode.BadRequest);
        await (await PostAsync("ViewDefinition/$run", """{"resourceType":"Parameters","parameter":[]}""")).ExpectAsync(HttpStatusCode.BadRequest);
    }
}

public sealed class ViewRunTestsOnSqlite(BulkSqliteServer server) : ViewRunTests(server), IClassFixture<BulkSqliteServer>;

public sealed class ViewRunTestsOnPostgres(BulkPostgresServer server) : ViewRunTests(server), IClassFixture<BulkPostgresServer>;

/// <summary>A view cannot show what the client may not read: it runs through the request's access gate.</summary>
public abstract class ViewRunAccessTests(ServerFixture server)
{
    private readonly SecureClient _client = new(server);

    private const string ObservationView = """{"resourceType":"ViewDefinition","status":"active","resource":"Observation","select":[{"column":[{"name":"id","path":"getResourceKey()"},{"name":"patient","path":"subject.getReferenceKey(Patient)"}]}],"where":[{"path":"code.text = 'view-access'"}]}""";

    private static string Body(string view) => $$"""{"resourceType":"Parameters","parameter":[{"name":"viewResource","resource":{{view}}}]}""";

    [Fact]
    public async Task A_patient_scoped_token_sees_its_own_rows_and_a_token_without_the_type_is_refused()
    {
        foreach (var (id, patient) in new[] { ("view-mine", TestClients.LaunchPatient), ("view-theirs", "p2-view") })
        {
            using var patientResponse = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, $"Patient/{patient}", $$"""{"resourceType":"Patient","id":"{{patient}}"}""");
            using var response = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, $"Observation/{id}",
                $$$"""{"resourceType":"Observation","id":"{{{id}}}","status":"final","code":{"text":"view-access"},"subject":{"reference":"Patient/{{{patient}}}"}}""");
            Assert.True(response.IsSuccessStatusCode);
        }

        using var mine = await _client.SendAsAsync(TestClients.PatientApp, HttpMethod.Post, "ViewDefinition/$run?_format=csv", Body(ObservationView));
        var text = await mine.Content.ReadAsStringAsync();
        Assert.True(mine.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(["id,patient", $"view-mine,{TestClients.LaunchPatient}"], text.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        using var all = await _client.SendAsAsync(TestClients.Researcher, HttpMethod.Post, "ViewDefinition/$run?_format=csv", Body(ObservationView));
        Assert.Equal(3, (await all.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var patientsOnly = await _client.TokenAsync(TestClients.Researcher, "system/Patient.rs");
        using var refused = await _client.SendAsync(patientsOnly, HttpMethod.Post, "ViewDefinition/$run?_format=csv", Body(ObservationView));
        await refused.ExpectAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class ViewRunAccessTestsOnSqlite(SecureBulkSqliteServer server) : ViewRunAccessTests(server), IClassFixture<SecureBulkSqliteServer>;

public sealed class ViewRunAccessTestsOnPostgres(SecureBulkPostgresServer server) : ViewRunAccessTests(server), IClassFixture<SecureBulkPostgresServer>;

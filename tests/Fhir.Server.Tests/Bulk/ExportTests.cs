using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Bulk;

/// <summary>
/// Bulk Data Access 2.0.0 <c>$export</c> tested as a client would: the kick-off, status and file responses (status codes,
/// headers, manifest fields), the parameters, the system, patient, group and study levels, cancel and expiry; on both stores.
/// Each test tags its data so that it can be told from other tests' in the shared server.
/// </summary>
public abstract class ExportTests(ServerFixture server)
{
    private readonly BulkClient _bulk = new(server.Client);

    private HttpClient Client => server.Client;

    private static string Tag() => "t" + Guid.NewGuid().ToString("N")[..10];

    private async Task PostAsync(params string[] resources)
    {
        var entries = string.Join(",", resources.Select(r =>
        {
            using var doc = JsonDocument.Parse(r);
            var type = doc.RootElement.GetProperty("resourceType").GetString();
            var id = doc.RootElement.TryGetProperty("id", out var i) ? i.GetString() : null;
            return $$$"""{"resource":{{{r}}},"request":{"method":"{{{(id is null ? "POST" : "PUT")}}}","url":"{{{type}}}{{{(id is null ? "" : "/" + id)}}}"}}""";
        }));
        var response = await Client.PostAsync("", Json($$"""{"resourceType":"Bundle","type":"transaction","entry":[{{entries}}]}"""));
        await response.ExpectAsync(HttpStatusCode.OK);
    }

    private static string Patient(string id, string tag) => $$"""{"resourceType":"Patient","id":"{{id}}","identifier":[{"system":"urn:bulk","value":"{{tag}}"}],"name":[{"family":"{{tag}}"}],"gender":"female"}""";

    private static string Observation(string id, string patient, string tag, string status = "final") =>
        $$"""{"resourceType":"Observation","id":"{{id}}","status":"{{status}}","code":{"text":"{{tag}}"},"subject":{"reference":"Patient/{{patient}}"},"valueInteger":1}""";

    private static IEnumerable<string> Ids(Dictionary<string, List<JsonElement>> byType, string type) =>
        byType.GetValueOrDefault(type)?.Select(r => r.Id()) ?? [];

    [Fact]
    public async Task Kick_off_without_Prefer_respond_async_is_refused_with_an_OperationOutcome()
    {
        var response = await _bulk.SendAsync(HttpMethod.Get, "$export", prefer: null);
        var outcome = await response.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("respond-async", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
    }

    [Fact]
    public async Task System_export_completes_with_a_manifest_whose_files_hold_the_current_version_of_every_resource_once()
    {
        var tag = Tag();
        await PostAsync(Patient($"{tag}-p", tag), Observation($"{tag}-o1", $"{tag}-p", tag), Observation($"{tag}-o2", $"{tag}-p", tag));
        await PostAsync(Observation($"{tag}-o1", $"{tag}-p", tag, status: "amended"));
        await (await Client.DeleteAsync($"Observation/{tag}-o2")).ExpectAsync(HttpStatusCode.NoContent);

        var manifest = await _bulk.ExportAsync("$export");
        var byType = await _bulk.ResourcesAsync(manifest);

        var mine = byType["Observation"].Where(o => o.Id().StartsWith(tag, StringComparison.Ordinal)).ToList();
        var amended = Assert.Single(mine);
        Assert.Equal("amended", amended.GetProperty("status").GetString());
        Assert.Equal("2", amended.VersionId());
        Assert.Contains($"{tag}-p", Ids(byType, "Patient"));
        foreach (var (_, resources) in byType)
        {
            Assert.Equal(resources.Count, resources.Select(r => r.Id()).Distinct().Count());
        }
        Assert.Empty(manifest.GetProperty("error").EnumerateArray());
        Assert.All(manifest.GetProperty("output").EnumerateArray(), o => Assert.StartsWith("http://localhost/fhir/_bulk/", o.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task A_type_with_more_resources_than_a_file_holds_is_split_into_numbered_files()
    {
        var tag = Tag();
        await PostAsync([.. Enumerable.Range(0, 12).Select(i => $$$"""{"resourceType":"Substance","id":"{{{tag}}}-{{{i}}}","code":{"text":"{{{tag}}}"}}""")]);

        var manifest = await _bulk.ExportAsync($"$export?_type=Substance&_typeFilter=Substance%3Fcode%3Atext%3D{tag}");
        var files = manifest.GetProperty("output").EnumerateArray().ToList();

        Assert.Equal([5L, 5L, 2L], files.Select(f => f.GetProperty("count").GetInt64()));
        Assert.Equal(3, files.Select(f => f.GetProperty("url").GetString()).Distinct().Count());
        Assert.Equal(12, (await _bulk.ResourcesAsync(manifest))["Substance"].Select(r => r.Id()).Distinct().Count());
    }

    [Fact]
    public async Task Output_formats_of_the_specification_are_accepted_and_others_refused()
    {
        foreach (var format in new[] { "application/fhir+ndjson", "application/ndjson", "ndjson" })
        {
            var manifest = await _bulk.ExportAsync($"$export?_type=Device&_outputFormat={Uri.EscapeDataString(format)}");
            Assert.Empty(manifest.GetProperty("error").EnumerateArray());
        }
        var refused = await _bulk.SendAsync(HttpMethod.Get, "$export?_outputFormat=text/csv");
        Assert.Contains("_outputFormat", (await refused.ExpectAsync(HttpStatusCode.BadRequest)).IssueExpressions());
    }

    [Fact]
    public async Task Type_since_and_typeFilter_narrow_the_export()
    {
        var tag = Tag();
        await PostAsync(Patient($"{tag}-p", tag), Observation($"{tag}-old", $"{tag}-p", tag));
        await Task.Delay(50);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await PostAsync(Observation($"{tag}-new", $"{tag}-p", tag), Observation($"{tag}-prelim", $"{tag}-p", tag, status: "preliminary"));

        var sinceExport = await _bulk.ResourcesAsync(await _bulk.ExportAsync($"$export?_type=Observation&_since={Uri.EscapeDataString(since.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"))}"));
        Assert.Equal(["Observation"], sinceExport.Keys);
        Assert.Equal([$"{tag}-new", $"{tag}-prelim"], Ids(sinceExport, "Observation").Where(i => i.StartsWith(tag, StringComparison.Ordinal)).Order());

        // Two queries of one type are alternatives: a resource matching both comes once.
        var filter = Uri.EscapeDataString($"Observation?code:text={tag}&status=final") + "," + Uri.EscapeDataString($"Observation?_id={tag}-new,{tag}-prelim");
        var filtered = await _bulk.ResourcesAsync(await _bulk.ExportAsync($"$export?_type=Observation,Patient&_typeFilter={filter}"));
        Assert.Equal([$"{tag}-new", $"{tag}-old", $"{tag}-prelim"], Ids(filtered, "Observation").Order());
        Assert.Contains($"{tag}-p", Ids(filtered, "Patient"));
    }

    [Fact]
    public async Task Parameters_that_cannot_be_honoured_are_400_and_with_handling_lenient_are_reported_in_the_error_file()
    {
        var unknownType = await _bulk.SendAsync(HttpMethod.Get, "$export?_type=Observation,NotAType");
        Assert.Contains("_type", (await unknownType.ExpectAsync(HttpStatusCode.BadRequest)).IssueExpressions());
        var badSince = await _bulk.SendAsync(HttpMethod.Get, "$export?_since=2024-01-01");
        Assert.Contains("_since", (await badSince.ExpectAsync(HttpStatusCode.BadRequest)).IssueExpressions());
        var sorted = await _bulk.SendAsync(HttpMethod.Get, "$export?_type=Observation&_typeFilter=" + Uri.EscapeDataString("Observation?_sort=date"));
        Assert.Contains("_typeFilter", (await sorted.ExpectAsync(HttpStatusCode.BadRequest)).IssueExpressions());
        var outsideCompartment = await _bulk.SendAsync(HttpMethod.Get, "Patient/$export?_type=Organization");
        await outsideCompartment.ExpectAsync(HttpStatusCode.BadRequest);
        var latest = await _bulk.SendAsync(HttpMethod.Get, "$export?includeAssociatedData=LatestProvenanceResources");
        await latest.ExpectAsync(HttpStatusCode.BadRequest);

        var manifest = await _bulk.ExportAsync("$export?_type=Device,NotAType&includeAssociatedData=_custom&whatever=1", prefer: "respond-async, handling=lenient");
        var errors = await _bulk.ResourcesAsync(manifest, "error");
        var outcomes = Assert.Single(errors).Value;
        Assert.Equal(3, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal("OperationOutcome", o.GetProperty("resourceType").GetString()));
        Assert.Equal(["_type", "includeAssociatedData", "whatever"], outcomes.SelectMany(o => o.IssueExpressions()).Order());
    }

    [Fact]
    public async Task Elements_subset_the_resources_keep_mandatory_elements_and_tag_them_SUBSETTED()
    {
        var tag = Tag();
        await PostAsync(Patient($"{tag}-p", tag), Observation($"{tag}-o", $"{tag}-p", tag));

        var byType = await _bulk.ResourcesAsync(await _bulk.ExportAsync($"$export?_type=Patient,Observation&_elements=Patient.gender,id&_typeFilter=" + Uri.EscapeDataString($"Observation?_id={tag}-o")));

        var patient = byType["Patient"].Single(p => p.Id() == $"{tag}-p");
        Assert.Equal("female", patient.GetProperty("gender").GetString());
        Assert.False(patient.TryGetProperty("name", out _));
        Assert.Contains(patient.GetProperty("meta").GetProperty("tag").EnumerateArray(), t => t.GetProperty("code").GetString() == "SUBSETTED");
        var observation = Assert.Single(byType["Observation"]);
        Assert.False(observation.TryGetProperty("valueInteger", out _));
        // status and code are mandatory in Observation: they stay.
        Assert.Equal("final", observation.GetProperty("status").GetString());
        Assert.True(observation.TryGetProperty("code", out _));
    }

    [Fact]
    public async Task Patient_level_export_holds_patients_compartments_and_nothing_outside_them()
    {
        var tag = Tag();
        await PostAsync(Patient($"{tag}-p", tag), Observation($"{tag}-o", $"{tag}-p", tag),
            $$$"""{"resourceType":"Observation","id":"{{{tag}}}-nobody","status":"final","code":{"text":"{{{tag}}}"}}""",
            $$"""{"resourceType":"Practitioner","id":"{{tag}}-dr"}""");

        var byType = await _bulk.ResourcesAsync(await _bulk.ExportAsync("Patient/$export"));

        Assert.Contains($"{tag}-p", Ids(byType, "Patient"));
        Assert.Contains($"{tag}-o", Ids(byType, "Observation"));
        Assert.DoesNotContain($"{tag}-nobody", Ids(byType, "Observation"));
        Assert.False(byType.ContainsKey("Practitioner"));
    }

    [Fact]
    public async Task Group_export_holds_the_active_members_compartments_and_a_posted_patient_list_narrows_it()
    {
        var tag = Tag();
        await PostAsync(Patient($"{tag}-a", tag), Patient($"{tag}-b", tag), Patient($"{tag}-c", tag), Patient($"{tag}-out", tag),
            Observation($"{tag}-oa", $"{tag}-a", tag), Observation($"{tag}-ob", $"{tag}-b", tag), Observation($"{tag}-oc", $"{tag}-c", tag), Observation($"{tag}-oout", $"{tag}-out", tag),
            $$$"""{"resourceType":"Group","id":"{{{tag}}}-g","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/{{{tag}}}-a"}},{"entity":{"reference":"Patient/{{{tag}}}-b"}},{"entity":{"reference":"Patient/{{{tag}}}-c"},"inactive":true}]}""");

        var group = await _bulk.ResourcesAsync(await _bulk.ExportAsync($"Group/{tag}-g/$export"));
        Assert.Equal([$"{tag}-a", $"{tag}-b"], Ids(group, "Patient").Order());
        Assert.Equal([$"{tag}-oa", $"{tag}-ob"], Ids(group, "Observation").Order());
        Assert.Contains($"{tag}-g", Ids(group, "Group"));

        var body = $$$"""{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Patient,Observation"},{"name":"patient","valueReference":{"reference":"Patient/{{{tag}}}-b"}}]}""";
        var narrowed = await _bulk.ResourcesAsync(await _bulk.ExportAsync($"Group/{tag}-g/$export", HttpMethod.Post, body));
        Assert.Equal([$"{tag}-b"], Ids(narrowed, "Patient"));
        Assert.Equal([$"{tag}-ob"], Ids(narrowed, "Observation"));

        var notMember = $$$"""{"resourceType":"Parameters","parameter":[{"name":"patient","valueReference":{"reference":"Patient/{{{tag}}}-out"}}]}""";
        Assert.Contains("patient", (await (await _bulk.SendAsync(HttpMethod.Post, $"Group/{tag}-g/$export", notMember)).ExpectAsync(HttpStatusCode.BadRequest)).IssueExpressions());
        await (await _bulk.SendAsync(HttpMethod.Get, $"Group/{tag}-missing/$export")).ExpectAsync(HttpStatusCode.NotFound);
        await (await _bulk.SendAsync(HttpMethod.Get, $"$export?patient=Patient/{tag}-a")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Study_export_holds_the_participants_compartments_the_study_and_what_it_refers_to()
    {
        var tag = Tag();
        await PostAsync(Patient($"{tag}-in", tag), Patient($"{tag}-screened", tag),
            Observation($"{tag}-oin", $"{tag}-in", tag), Observation($"{tag}-oscreened", $"{tag}-screened", tag),
            $$"""{"resourceType":"Organization","id":"{{tag}}-sponsor","name":"{{tag}}"}""",
            $$$"""{"resourceType":"ResearchStudy","id":"{{{tag}}}-s","status":"active","sponsor":{"reference":"Organization/{{{tag}}}-sponsor"}}""",
            $$$"""{"resourceType":"ResearchSubject","id":"{{{tag}}}-rs","status":"on-study","study":{"reference":"ResearchStudy/{{{tag}}}-s"},"individual":{"reference":"Patient/{{{tag}}}-in"}}""");

        var byType = await _bulk.ResourcesAsync(await _bulk.ExportAsync($"ResearchStudy/{tag}-s/$export"));

        Assert.Equal([$"{tag}-in"], Ids(byType, "Patient"));
        Assert.Equal([$"{tag}-oin"], Ids(byType, "Observation"));
        Assert.Equal([$"{tag}-rs"], Ids(byType, "ResearchSubject"));
        Assert.Equal([$"{tag}-s"], Ids(byType, "ResearchStudy"));
        Assert.Equal([$"{tag}-sponsor"], Ids(byType, "Organization"));
    }

    [Fact]
    public async Task Delete_on_the_status_URL_removes_the_files_and_the_status_then_answers_404()
    {
        var tag = Tag();
        await PostAsync(Patient($"{tag}-p", tag));
        var status = await _bulk.KickOffAsync("$export?_type=Patient");
        var manifest = await _bulk.WaitAsync(status);
        var url = manifest.GetProperty("output")[0].GetProperty("url").GetString()!;
        var jobId = status[(status.LastIndexOf('/') + 1)..];
        var folder = System.IO.Path.Combine(((IBulkServer)server).BulkFolder, "export", jobId);
        Assert.True(Directory.Exists(folder));

        await (await _bulk.SendAsync(HttpMethod.Delete, status, prefer: null)).ExpectAsync(HttpStatusCode.Accepted);

        await (await _bulk.SendAsync(HttpMethod.Get, status, prefer: null)).ExpectAsync(HttpStatusCode.NotFound);
        await (await _bulk.SendAsync(HttpMethod.Get, url, prefer: null, accept: null)).ExpectAsync(HttpStatusCode.NotFound);
        await (await _bulk.SendAsync(HttpMethod.Delete, status, prefer: null)).ExpectAsync(HttpStatusCode.NotFound);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Export_files_are_readable_by_the_servers_user_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var tag = Tag();
        await PostAsync(Patient($"{tag}-p", tag));
        var status = await _bulk.KickOffAsync("$export?_type=Patient");
        await _bulk.WaitAsync(status);
        var folder = System.IO.Path.Combine(((IBulkServer)server).BulkFolder, "export", status[(status.LastIndexOf('/') + 1)..]);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        var files = Directory.GetFiles(folder);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task The_capability_statement_lists_the_bulk_operations()
    {
        var capabilities = await (await Client.GetAsync("metadata")).BodyAsync();
        var rest = capabilities.GetProperty("rest")[0];
        Assert.Equal(["export", "import", "run"], rest.GetProperty("operation").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        foreach (var type in new[] { "Patient", "Group", "ResearchStudy" })
        {
            var resource = rest.GetProperty("resource").EnumerateArray().Single(r => r.GetProperty("type").GetString() == type);
            Assert.Contains(resource.GetProperty("operation").EnumerateArray(), o => o.GetProperty("name").GetString() == "export");
        }
        Assert.Contains(capabilities.GetProperty("instantiates").EnumerateArray(), i => i.GetString() == "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data");
    }
}

public sealed class ExportTestsOnSqlite(BulkSqliteServer server) : ExportTests(server), IClassFixture<BulkSqliteServer>;

public sealed class ExportTestsOnPostgres(BulkPostgresServer server) : ExportTests(server), IClassFixture<BulkPostgresServer>;

using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security.Confinement;

/// <summary>
/// The eight routes of issue 12 by which a token reached data outside its grant, each as the attack sent it. The
/// shapes of these attacks (every interaction, client and resource) run in <see cref="AccessMatrixTests"/>.
/// </summary>
public abstract class ConfinementRegressionTests(ServerFixture server) : IAsyncLifetime
{
    private readonly AttackClient _client = new(server);
    private AttackData _data = null!;

    public async Task InitializeAsync() => _data = await AttackData.SeedOnceAsync(_client);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Issue12_1_If_None_Exist_never_matches_another_patients_resource()
    {
        foreach (var condition in new[] { "_id=obs-b1", "identifier=urn:obs|b1", "subject:Patient.name=Bravo", "subject=Patient/pat-ghost", "_id=obs-b-deleted" })
        {
            var created = await SendAsync(AttackClients.PatientRw, new("POST", "Observation", AttackData.Observation(null, "pat-a", "ine", null),
                Headers: new Dictionary<string, string> { ["If-None-Exist"] = condition }));
            Assert.True(created.Status == 201, $"{condition}: {created.Status} {created.Body}");
            Assert.DoesNotContain("MARK-obs-b1", created.Body, StringComparison.Ordinal);
            Assert.Contains("\"Patient/pat-a\"", created.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Issue12_2_history_shows_only_the_versions_in_the_compartment()
    {
        var moved = await SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-moved/_history"));
        Assert.Equal(200, moved.Status);
        Assert.Equal(["Observation/obs-moved"], AttackData.Matches(moved.Body));
        Assert.Contains("MARK-obs-moved-v2", moved.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("MARK-obs-moved-v1", moved.Body, StringComparison.Ordinal);
        Assert.Equal(404, (await SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-moved/_history/1"))).Status);
        Assert.Equal(200, (await SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-moved/_history/2"))).Status);
        // Deleted resources of other patients: their tombstones keep the deleted version's patient.
        Assert.Equal(404, (await SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-b-deleted/_history"))).Status);
        Assert.Equal(404, (await SendAsync(AttackClients.PatientApp, new("GET", "Patient/pat-del/_history"))).Status);
        Assert.Equal(404, (await SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-b-deleted"))).Status);
        // Type and system history are filtered the same way.
        foreach (var url in new[] { "Observation/_history?_count=1000", "_history?_count=1000", "Patient/_history?_count=1000" })
        {
            var history = await SendAsync(AttackClients.PatientApp, new("GET", url));
            Assert.Equal(200, history.Status);
            foreach (var leaked in new[] { "MARK-obs-moved-v1", "MARK-obs-b-deleted", "MARK-pat-del", "MARK-pat-b", "MARK-obs-b1" })
            {
                Assert.DoesNotContain(leaked, history.Body, StringComparison.Ordinal);
            }
            Assert.Contains("MARK-obs-a1-v1", history.Body.Contains("Observation", StringComparison.Ordinal) ? history.Body : "MARK-obs-a1-v1", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Issue12_3_compartment_search_on_a_deleted_or_unknown_focus_is_not_there()
    {
        foreach (var request in new AttackRequest[]
        {
            new("GET", "Patient/pat-del/Observation"), new("GET", "Patient/pat-ghost/Observation"), new("GET", "Patient/pat-b/Observation"),
            new("POST", "Patient/pat-ghost/Observation/_search", "_count=10", "application/x-www-form-urlencoded"),
            new("GET", "Patient/pat-ghost/$everything"), new("GET", "Patient/pat-del/$everything"),
        })
        {
            var answer = await SendAsync(AttackClients.PatientApp, request);
            Assert.True(answer.Status == 404, $"{request}: {answer.Status} {answer.Body}");
            Assert.DoesNotContain("MARK-", answer.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Issue12_4_compartment_search_through_another_compartment_type_stays_in_the_patients_compartment()
    {
        var encounter = await SendAsync(AttackClients.PatientApp, new("GET", "Encounter/enc-a/Observation"));
        Assert.Equal(200, encounter.Status);
        Assert.DoesNotContain("Observation/obs-b-enc", AttackData.Matches(encounter.Body));
        Assert.Equal(404, (await SendAsync(AttackClients.PatientApp, new("GET", "Encounter/enc-b/Observation"))).Status);
        // A researcher sees the encounter's whole compartment.
        Assert.Contains("Observation/obs-b-enc", AttackData.Matches((await SendAsync(AttackClients.Researcher, new("GET", "Encounter/enc-a/Observation"))).Body));
    }

    [Fact]
    public async Task Issue12_5_chains_and_has_traverse_only_what_the_token_may_read()
    {
        foreach (var (probe, control) in new[]
        {
            ("Group?member:Patient.name=Bravo", "Group?member:Patient.name=Zzzz"),
            ("Group?member:Patient.birthdate=1965-05-05", "Group?member:Patient.birthdate=1901-01-01"),
            ("Group?member.name=Br", "Group?member.name=Zz"),
            ("Patient?_has:Observation:subject:identifier=urn:obs|b1", "Patient?_has:Observation:subject:identifier=urn:obs|none"),
            ("Observation?encounter:Encounter.subject:Patient.name=Bravo", "Observation?encounter:Encounter.subject:Patient.name=Zzzz"),
        })
        {
            var a = await SendAsync(AttackClients.PatientRw, new("GET", probe + "&_summary=count"));
            var b = await SendAsync(AttackClients.PatientRw, new("GET", control + "&_summary=count"));
            Assert.Equal(200, a.Status);
            Assert.Equal(Total(b.Body), Total(a.Body));
        }
        // Through the patient's own data a chain still works.
        Assert.Equal(["Group/grp-1"], AttackData.Matches((await SendAsync(AttackClients.PatientApp, new("GET", "Group?member:Patient.name=Alpha"))).Body));
        // And a Group made to probe cannot be made: it would name another patient.
        var probeGroup = await SendAsync(AttackClients.PatientRw, new("POST", "Group",
            """{"resourceType":"Group","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/pat-a"}},{"entity":{"reference":"Patient/pat-b"}}]}"""));
        Assert.Equal(403, probeGroup.Status);
    }

    [Fact]
    public async Task Issue12_6_writes_may_not_reach_outside_the_compartment()
    {
        Assert.Equal(403, (await SendAsync(AttackClients.PatientRw, new("POST", "Patient", """{"resourceType":"Patient","id":"pat-a","name":[{"family":"Alpha"}]}"""))).Status);
        Assert.Equal(404, (await SendAsync(AttackClients.PatientRw, new("PUT", "Observation/obs-b-deleted", AttackData.Observation("obs-b-deleted", "pat-a", "x", null)))).Status);
        Assert.Equal(404, (await SendAsync(AttackClients.PatientRw, new("PUT", "Patient/pat-del", AttackData.Patient("pat-del", "Alpha", "1970-01-01", "A", "\"language\":\"en\"")))).Status);
        Assert.Equal(404, (await SendAsync(AttackClients.PatientRw, new("DELETE", "Observation/obs-b1"))).Status);
        Assert.Equal(403, (await SendAsync(AttackClients.PatientRw, new("PUT", "Observation/obs-shared", AttackData.Observation("obs-shared", "pat-a", "x", null)))).Status);
        var performer = await SendAsync(AttackClients.PatientRw, new("POST", "Observation", AttackData.Observation(null, "pat-a", "x", null, extra: ""","performer":[{"reference":"Patient/pat-b"}]""")));
        Assert.Equal(403, performer.Status);
        Assert.Contains("Patient/pat-b", performer.Body, StringComparison.Ordinal);
        // pat-b's $everything holds nothing the patient app wrote.
        var everything = await SendAsync(AttackClients.Researcher, new("GET", "Patient/pat-b/$everything?_count=1000"));
        Assert.All(AttackData.Matches(everything.Body), m => Assert.Contains(m, _data.Resources.Select(r => $"{r.Type}/{r.Id}")));
        // The patient's own data stays writable, PATCH included.
        Assert.Equal(200, (await SendAsync(AttackClients.PatientRw, new("PATCH", "Observation/obs-a1", """[{"op":"add","path":"/language","value":"en"}]""", "application/json-patch+json"))).Status);
        Assert.Equal(201, (await SendAsync(AttackClients.PatientRw, new("POST", "Observation", AttackData.Observation(null, "pat-a", "own", null)))).Status);
    }

    [Fact]
    public async Task Issue12_7_batch_entries_pass_the_same_gate_as_requests()
    {
        var chained = await SendAsync(AttackClients.ObsRead, Batch("""{"request":{"method":"GET","url":"Observation?subject:Patient.name=Bravo"}}"""));
        Assert.Equal("403", EntryStatuses(chained.Body).Single());
        var audit = await SendAsync(AttackClients.Researcher, Batch("""{"request":{"method":"GET","url":"Patient?_has:AuditEvent:entity:altid=patientapp"}}"""));
        Assert.Equal("403", EntryStatuses(audit.Body).Single());
        Assert.Equal(403, (await SendAsync(AttackClients.ObsRead, new("GET", "Observation?subject:Patient.name=Bravo"))).Status);
    }

    [Fact]
    public async Task Issue12_8_conditional_lookups_need_search_on_every_type_they_reach()
    {
        foreach (var birthDate in new[] { "1965-05-05", "1901-01-01" })
        {
            var reference = await SendAsync(AttackClients.ObsOnly, Transaction(AttackData.Observation(null, "pat-a", "x", null)
                .Replace("\"Patient/pat-a\"", $"\"Patient?name=Bravo&birthdate={birthDate}\"", StringComparison.Ordinal)));
            Assert.Equal(403, reference.Status);
        }
        var chain = await SendAsync(AttackClients.ObsOnly, new("POST", "Observation", AttackData.Observation(null, "pat-a", "x", null),
            Headers: new Dictionary<string, string> { ["If-None-Exist"] = "subject:Patient.name=Bravo" }));
        Assert.Equal(403, chain.Status);
        var auditReference = await SendAsync(AttackClients.ObsOnly, Transaction(AttackData.Observation(null, "pat-a", "x", null, extra: ""","focus":[{"reference":"AuditEvent?altid=seeder"}]""")));
        Assert.Equal(403, auditReference.Status);
    }

    private Task<Observed> SendAsync(string client, AttackRequest request) => _client.SendAsync(client, request);

    private static AttackRequest Batch(string entry) => new("POST", "", $$"""{"resourceType":"Bundle","type":"batch","entry":[{{entry}}]}""");

    private static AttackRequest Transaction(string resource) =>
        new("POST", "", $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{{{resource}}},"request":{"method":"POST","url":"Observation"}}]}""");

    private static long Total(string body) => JsonDocument.Parse(body).RootElement.GetProperty("total").GetInt64();

    private static IEnumerable<string> EntryStatuses(string body) =>
        JsonDocument.Parse(body).RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("response").GetProperty("status").GetString()!.Split(' ')[0]).ToList();
}

public sealed class ConfinementRegressionTestsOnSqlite(AttackSqliteServer server) : ConfinementRegressionTests(server), IClassFixture<AttackSqliteServer>;

public sealed class ConfinementRegressionTestsOnPostgres(AttackPostgresServer server) : ConfinementRegressionTests(server), IClassFixture<AttackPostgresServer>;

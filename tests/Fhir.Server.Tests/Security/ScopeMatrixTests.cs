using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// Every interaction × every role of the README, asserting the exact set each role is allowed:
/// allowed ones succeed, all others get 403 (or, for a patient-scoped app, 404 for resources
/// outside its patient's compartment). Nothing else may happen.
/// </summary>
public abstract class ScopeMatrixTests(ServerFixture server) : IAsyncLifetime
{
    private readonly SecureClient _client = new(server);

    private static readonly string[] Interactions =
    [
        "read", "read-observation", "vread", "search", "search-patient", "history-instance", "history-type", "history-system",
        "create-observation", "create-patient", "update", "patch", "delete", "create-valueset", "create-researchstudy",
        "create-auditevent", "search-auditevent", "delete-auditevent", "batch-entry-read", "transaction-create",
        "everything", "endpoints", "validate",
    ];

    public static TheoryData<string, string[]> Roles => new()
    {
        { TestClients.Ehr, ["read", "read-observation", "vread", "search", "search-patient", "history-instance", "history-type", "history-system", "create-observation", "create-patient", "update", "patch", "batch-entry-read", "transaction-create", "everything", "validate"] },
        { TestClients.Researcher, ["read", "read-observation", "vread", "search", "search-patient", "history-instance", "history-type", "history-system", "batch-entry-read", "everything", "endpoints", "validate"] },
        { TestClients.Admin, ["create-valueset", "history-system"] },
        { TestClients.Auditor, ["search-auditevent", "history-system"] },
        // Held to its patient's compartment by the access gate, a patient app has every read-side interaction (type history
        // and Bundle reads included: their rows are filtered like a search's) and $validate, which reads nothing stored.
        { TestClients.PatientApp, ["read", "read-observation", "vread", "search", "search-patient", "history-instance", "history-type", "history-system", "batch-entry-read", "everything", "validate"] },
    };

    public async Task InitializeAsync()
    {
        foreach (var (id, json) in new[]
        {
            ("Patient/p1", """{"resourceType":"Patient","id":"p1"}"""),
            ("Patient/p2", """{"resourceType":"Patient","id":"p2"}"""),
            ("Observation/o1", Observation("o1", "p1")),
            ("Observation/o3", Observation("o3", "p2")),
            ("Practitioner/dr1", """{"resourceType":"Practitioner","id":"dr1","name":[{"family":"Who"}]}"""),
            ("Observation/o4", """{"resourceType":"Observation","id":"o4","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p1"},"performer":[{"reference":"Practitioner/dr1"}]}"""),
            ("ResearchStudy/s1", """{"resourceType":"ResearchStudy","id":"s1","status":"active","arm":[{"name":"A"}]}"""),
        })
        {
            using var response = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, id, json);
            Assert.True(response.IsSuccessStatusCode, $"seed {id}: {response.StatusCode}");
        }
        foreach (var role in Roles.Select(r => (string)r[0]))
        {
            using var response = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, $"Observation/d-{role}", Observation($"d-{role}", "p1"));
            Assert.True(response.IsSuccessStatusCode);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Each_role_is_allowed_exactly_its_interactions(string role, string[] allowed)
    {
        var outcomes = new List<string>();
        foreach (var interaction in Interactions)
        {
            var status = await RunAsync(role, interaction);
            var expected = allowed.Contains(interaction);
            if (expected != status is >= 200 and < 300 || (!expected && status is not (403 or 404)))
            {
                outcomes.Add($"{interaction}: {status} (expected {(expected ? "success" : "403")})");
            }
        }
        Assert.True(outcomes.Count == 0, $"{role}: " + string.Join("; ", outcomes));
    }

    [Fact]
    public async Task A_patient_scoped_app_sees_only_its_patients_compartment_and_cannot_learn_what_exists_outside_it()
    {
        const string app = TestClients.PatientApp;
        using (var other = await _client.SendAsAsync(app, HttpMethod.Get, "Patient/p2"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
        using (var othersObservation = await _client.SendAsAsync(app, HttpMethod.Get, "Observation/o3"))
        using (var missing = await _client.SendAsAsync(app, HttpMethod.Get, "Observation/never-existed"))
        {
            // The same answer for another patient's resource and for none at all.
            Assert.Equal(missing.StatusCode, othersObservation.StatusCode);
        }
        using (var search = await _client.SendAsAsync(app, HttpMethod.Get, "Observation"))
        {
            var ids = Ids(await search.Content.ReadAsStringAsync());
            Assert.Contains("o1", ids);
            Assert.DoesNotContain("o3", ids);
        }
        using (var patients = await _client.SendAsAsync(app, HttpMethod.Get, "Patient"))
        {
            Assert.Equal(["p1"], Ids(await patients.Content.ReadAsStringAsync()));
        }
        using (var trying = await _client.SendAsAsync(app, HttpMethod.Get, "Observation?subject=Patient/p2"))
        {
            Assert.Empty(Ids(await trying.Content.ReadAsStringAsync()));
        }
    }

    [Fact]
    public async Task Includes_chains_has_and_everything_reveal_nothing_of_types_outside_the_grant()
    {
        // The EHR client may read Observations and Patients, not Practitioners or Encounters.
        using (var included = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Observation?_id=o4&_include=Observation:performer"))
        {
            var bundle = JsonDocument.Parse(await included.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.OK, included.StatusCode);
            Assert.DoesNotContain(bundle.GetProperty("entry").EnumerateArray(), e => e.GetProperty("resource").GetProperty("resourceType").GetString() == "Practitioner");
        }
        using (var chained = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Observation?performer:Practitioner.name=Who"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, chained.StatusCode);
        }
        using (var untyped = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Observation?performer.name=Who"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, untyped.StatusCode);
        }
        using (var reverse = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Patient?_has:Encounter:patient:status=finished"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, reverse.StatusCode);
        }
        // The researcher reads everything but the audit trail, through every path.
        using (var revinclude = await _client.SendAsAsync(TestClients.Researcher, HttpMethod.Get, "Patient?_id=p1&_revinclude=AuditEvent:entity"))
        {
            var bundle = JsonDocument.Parse(await revinclude.Content.ReadAsStringAsync()).RootElement;
            Assert.DoesNotContain(bundle.GetProperty("entry").EnumerateArray(), e => e.GetProperty("resource").GetProperty("resourceType").GetString() == "AuditEvent");
        }
        using (var everything = await _client.SendAsAsync(TestClients.Researcher, HttpMethod.Get, "Patient/p1/$everything"))
        {
            var bundle = JsonDocument.Parse(await everything.Content.ReadAsStringAsync()).RootElement;
            var types = bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource").GetProperty("resourceType").GetString()).ToHashSet();
            Assert.Contains("Observation", types);
            Assert.DoesNotContain("AuditEvent", types);
        }
        using (var ehrEverything = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Patient/p1/$everything"))
        {
            var bundle = JsonDocument.Parse(await ehrEverything.Content.ReadAsStringAsync()).RootElement;
            Assert.DoesNotContain(bundle.GetProperty("entry").EnumerateArray(), e => e.GetProperty("resource").GetProperty("resourceType").GetString() is "Practitioner" or "AuditEvent");
        }
        using (var otherPatient = await _client.SendAsAsync(TestClients.PatientApp, HttpMethod.Get, "Patient/p2/$everything"))
        {
            Assert.Equal(HttpStatusCode.NotFound, otherPatient.StatusCode);
        }
        using (var otherCompartment = await _client.SendAsAsync(TestClients.PatientApp, HttpMethod.Get, "Patient/p2/Observation"))
        {
            Assert.Equal(HttpStatusCode.NotFound, otherCompartment.StatusCode);
        }
    }

    private async Task<int> RunAsync(string role, string interaction)
    {
        var (method, url, body, contentType) = interaction switch
        {
            "read" => (HttpMethod.Get, "Patient/p1", null, null),
            "read-observation" => (HttpMethod.Get, "Observation/o1", null, null),
            "vread" => (HttpMethod.Get, "Observation/o1/_history/1", null, null),
            "search" => (HttpMethod.Get, "Observation?subject=Patient/p1", null, null),
            "search-patient" => (HttpMethod.Get, "Patient", null, null),
            "history-instance" => (HttpMethod.Get, "Observation/o1/_history", null, null),
            "history-type" => (HttpMethod.Get, "Observation/_history", null, null),
            "history-system" => (HttpMethod.Get, "_history", null, null),
            "create-observation" => (HttpMethod.Post, "Observation", Observation(null, "p1"), null),
            "create-patient" => (HttpMethod.Post, "Patient", """{"resourceType":"Patient"}""", null),
            "update" => (HttpMethod.Put, $"Observation/u-{role}", Observation($"u-{role}", "p1"), null),
            "patch" => (HttpMethod.Patch, "Observation/o1", """[{"op":"replace","path":"/status","value":"final"}]""", "application/json-patch+json"),
            "delete" => (HttpMethod.Delete, $"Observation/d-{role}", null, null),
            "create-valueset" => (HttpMethod.Post, "ValueSet", """{"resourceType":"ValueSet","status":"draft"}""", null),
            "create-researchstudy" => (HttpMethod.Post, "ResearchStudy", """{"resourceType":"ResearchStudy","status":"active"}""", null),
            "create-auditevent" => (HttpMethod.Post, "AuditEvent", """{"resourceType":"AuditEvent","type":{"code":"rest"},"recorded":"2024-01-01T00:00:00Z","agent":[{"requestor":true}],"source":{"observer":{"display":"x"}}}""", null),
            "search-auditevent" => (HttpMethod.Get, "AuditEvent", null, null),
            "delete-auditevent" => (HttpMethod.Delete, "AuditEvent/any", null, null),
            "batch-entry-read" => (HttpMethod.Post, "", """{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient/p1"}}]}""", null),
            "transaction-create" => (HttpMethod.Post, "", $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111","resource":{{{Observation(null, "p1")}}},"request":{"method":"POST","url":"Observation"}}]}""", null),
            "everything" => (HttpMethod.Get, "Patient/p1/$everything", null, null),
            "endpoints" => (HttpMethod.Get, "ResearchStudy/s1/$endpoints", null, null),
            "validate" => (HttpMethod.Post, "Patient/$validate", """{"resourceType":"Patient","gender":"female"}""", null),
            _ => throw new ArgumentOutOfRangeException(nameof(interaction)),
        };
        using var response = await _client.SendAsAsync(role, method, url, body, contentType ?? "application/fhir+json");
        var status = (int)response.StatusCode;
        if (interaction == "batch-entry-read" && status == 200)
        {
            // A batch always succeeds as a whole; the entry carries the decision.
            var entry = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("entry")[0];
            return int.Parse(entry.GetProperty("response").GetProperty("status").GetString()!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        return status;
    }

    private static string Observation(string? id, string patient) =>
        $$$"""{"resourceType":"Observation",{{{(id is null ? "" : $"\"id\":\"{id}\",")}}}"status":"final","code":{"text":"x"},"subject":{"reference":"Patient/{{{patient}}}"}}""";

    private static List<string> Ids(string bundle) =>
        JsonDocument.Parse(bundle).RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Where(e => e.GetProperty("search").GetProperty("mode").GetString() == "match")
                .Select(e => e.GetProperty("resource").GetProperty("id").GetString()!).ToList()
            : [];
}

public sealed class ScopeMatrixTestsOnSqlite(SecureSqliteServer server) : ScopeMatrixTests(server), IClassFixture<SecureSqliteServer>;

public sealed class ScopeMatrixTestsOnPostgres(SecurePostgresServer server) : ScopeMatrixTests(server), IClassFixture<SecurePostgresServer>;

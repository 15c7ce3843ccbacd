using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public abstract class TransactionTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static string Unique() => Guid.NewGuid().ToString("N");

    private static string PatientEntry(string fullUrl, string mrn, string? ifNoneExist = null)
    {
        var condition = ifNoneExist is null ? "" : $",\"ifNoneExist\":\"{ifNoneExist}\"";
        return $$$"""{"fullUrl":"{{{fullUrl}}}","resource":{{{Samples.Patient(mrn)}}},"request":{"method":"POST","url":"Patient"{{{condition}}}}}""";
    }

    private static string ObservationEntry(string subject, string status = "final") => $$$"""
        {"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{"resourceType":"Observation","status":"{{{status}}}","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"{{{subject}}}"}},
         "request":{"method":"POST","url":"Observation"}}
        """;

    private static string Bundle(string type, params string[] entries) => $$$"""{"resourceType":"Bundle","type":"{{{type}}}","entry":[{{{string.Join(",", entries)}}}]}""";

    private async Task<int> CountAsync(string query) =>
        (await (await Client.GetAsync(query + "&_count=1000")).ExpectAsync(HttpStatusCode.OK)).EntryResources().Count;

    [Fact]
    public async Task Transaction_resolves_urn_uuid_references_to_the_ids_it_assigns()
    {
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var mrn = Unique();
        var response = await (await Client.PostAsync("", Json(Bundle("transaction", PatientEntry(patientUrl, mrn), ObservationEntry(patientUrl)))))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("transaction-response", response.GetProperty("type").GetString());
        var entries = response.GetProperty("entry").EnumerateArray().ToList();
        Assert.All(entries, e => Assert.StartsWith("201", e.GetProperty("response").GetProperty("status").GetString()));
        var patientLocation = entries[0].GetProperty("response").GetProperty("location").GetString()!;
        var patientId = patientLocation.Split('/')[1];
        var observation = entries[1].GetProperty("resource");
        Assert.Equal($"Patient/{patientId}", observation.GetProperty("subject").GetProperty("reference").GetString());
        await (await Client.GetAsync($"Patient/{patientId}")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Transaction_is_all_or_nothing()
    {
        var mrn = Unique();
        var badObservation = """{"fullUrl":"urn:uuid:00000000-0000-0000-0000-000000000001","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"not a number"}},"request":{"method":"POST","url":"Observation"}}""";
        var outcome = await (await Client.PostAsync("", Json(Bundle("transaction", PatientEntry($"urn:uuid:{Guid.NewGuid()}", mrn), badObservation))))
            .ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Bundle.entry[1].resource.valueQuantity.value", outcome.IssueExpressions());
        Assert.Equal(0, await CountAsync($"Patient?identifier=urn:trial:mrn|{mrn}"));
    }

    [Fact]
    public async Task A_failing_entry_of_a_transaction_rolls_back_the_entries_already_written()
    {
        var mrn = Unique();
        // The patient is valid and processed first; the observation points at a conditional reference that matches nothing.
        var outcome = await (await Client.PostAsync("", Json(Bundle("transaction", PatientEntry($"urn:uuid:{Guid.NewGuid()}", mrn), ObservationEntry($"Patient?identifier=urn:trial:mrn|nobody-{mrn}")))))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
        Assert.Contains(outcome.IssueExpressions(), e => e.StartsWith("Bundle.entry[1]", StringComparison.Ordinal));
        Assert.Equal(0, await CountAsync($"Patient?identifier=urn:trial:mrn|{mrn}"));
    }

    [Fact]
    public async Task A_conditional_reference_repeated_across_entries_points_every_entry_at_its_own_match()
    {
        var (a, b) = (Unique(), Unique());
        var patientA = (await (await Client.PostAsync("Patient", Json(Samples.Patient(a)))).ExpectAsync(HttpStatusCode.Created)).Id();
        var patientB = (await (await Client.PostAsync("Patient", Json(Samples.Patient(b)))).ExpectAsync(HttpStatusCode.Created)).Id();
        var (toA, toB) = ($"Patient?identifier=urn:trial:mrn|{a}", $"Patient?identifier=urn:trial:mrn|{b}");

        var response = await (await Client.PostAsync("", Json(Bundle("transaction",
            ObservationEntry(toA), ObservationEntry(toB), ObservationEntry(toA), ObservationEntry(toB), ObservationEntry(toA)))))
            .ExpectAsync(HttpStatusCode.OK);

        var subjects = response.GetProperty("entry").EnumerateArray()
            .Select(e => e.GetProperty("resource").GetProperty("subject").GetProperty("reference").GetString()).ToList();
        Assert.Equal([$"Patient/{patientA}", $"Patient/{patientB}", $"Patient/{patientA}", $"Patient/{patientB}", $"Patient/{patientA}"], subjects);
        Assert.Equal(3, await CountAsync($"Observation?subject=Patient/{patientA}"));
        Assert.Equal(2, await CountAsync($"Observation?subject=Patient/{patientB}"));

        // A repeated reference that matches nothing fails at the first entry that has it, and nothing is written.
        var nobody = $"Patient?identifier=urn:trial:mrn|nobody-{a}";
        var outcome = await (await Client.PostAsync("", Json(Bundle("transaction", ObservationEntry(toA), ObservationEntry(nobody), ObservationEntry(nobody)))))
            .ExpectAsync(HttpStatusCode.PreconditionFailed);
        Assert.Contains(outcome.IssueExpressions(), e => e.StartsWith("Bundle.entry[1]", StringComparison.Ordinal));
        Assert.DoesNotContain(outcome.IssueExpressions(), e => e.StartsWith("Bundle.entry[2]", StringComparison.Ordinal));
        Assert.Equal(3, await CountAsync($"Observation?subject=Patient/{patientA}"));
    }

    [Fact]
    public async Task Transaction_with_conditional_creates_and_references_can_be_resent_without_duplicates()
    {
        var mrn = Unique();
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = Bundle("transaction",
            PatientEntry(patientUrl, mrn, ifNoneExist: $"identifier=urn:trial:mrn|{mrn}"),
            ObservationEntry($"Patient?identifier=urn:trial:mrn|{mrn}"));

        // The conditional reference can only resolve when the patient exists: send the patient first.
        await (await Client.PostAsync("", Json(Bundle("transaction", PatientEntry(patientUrl, mrn, ifNoneExist: $"identifier=urn:trial:mrn|{mrn}"))))).ExpectAsync(HttpStatusCode.OK);
        var first = await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.OK);
        var second = await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith("200", second.GetProperty("entry")[0].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal(1, await CountAsync($"Patient?identifier=urn:trial:mrn|{mrn}"));
        var patientId = first.GetProperty("entry")[0].GetProperty("response").GetProperty("location").GetString()!.Split('/')[1];
        Assert.Equal(2, await CountAsync($"Observation?subject=Patient/{patientId}"));
    }

    [Fact]
    public async Task Batch_entries_succeed_or_fail_independently()
    {
        var mrn = Unique();
        var batch = Bundle("batch",
            PatientEntry($"urn:uuid:{Guid.NewGuid()}", mrn),
            """{"request":{"method":"GET","url":"Patient/does-not-exist"}}""",
            """{"resource":{"resourceType":"Patient","birthDate":"not-a-date"},"request":{"method":"POST","url":"Patient"}}""");
        var response = await (await Client.PostAsync("", Json(batch))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("batch-response", response.GetProperty("type").GetString());
        var statuses = response.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("response").GetProperty("status").GetString()![..3]).ToList();
        Assert.Equal(["201", "404", "400"], statuses);
        Assert.Equal("OperationOutcome", response.GetProperty("entry")[1].GetProperty("response").GetProperty("outcome").GetProperty("resourceType").GetString());
        Assert.Equal(1, await CountAsync($"Patient?identifier=urn:trial:mrn|{mrn}"));
    }

    [Fact]
    public async Task Transaction_processes_deletes_before_creates_and_reads_last()
    {
        var mrn = Unique();
        var existing = await (await Client.PostAsync("Patient", Json(Samples.Patient(mrn)))).ExpectAsync(HttpStatusCode.Created);
        var bundle = Bundle("transaction",
            $$$"""{"request":{"method":"GET","url":"Patient?identifier=urn:trial:mrn|{{{mrn}}}"}}""",
            PatientEntry($"urn:uuid:{Guid.NewGuid()}", mrn, ifNoneExist: $"identifier=urn:trial:mrn|{mrn}"),
            $$$"""{"request":{"method":"DELETE","url":"Patient/{{{existing.Id()}}}"}}""");
        var response = await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.OK);
        var entries = response.GetProperty("entry").EnumerateArray().ToList();

        // The delete ran first, so the conditional create found nothing and created a new patient; the search ran last and sees it.
        Assert.StartsWith("204", entries[2].GetProperty("response").GetProperty("status").GetString());
        Assert.StartsWith("201", entries[1].GetProperty("response").GetProperty("status").GetString());
        var found = entries[0].GetProperty("resource").EntryResources();
        Assert.Single(found);
        Assert.NotEqual(existing.Id(), found[0].Id());
    }

    [Fact]
    public async Task Transaction_with_a_duplicate_fullUrl_is_400()
    {
        var url = $"urn:uuid:{Guid.NewGuid()}";
        await (await Client.PostAsync("", Json(Bundle("transaction", PatientEntry(url, Unique()), PatientEntry(url, Unique()))))).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Posting_a_bundle_of_another_type_is_400()
    {
        await (await Client.PostAsync("", Json("""{"resourceType":"Bundle","type":"collection"}"""))).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Transaction_entries_can_update_and_patch()
    {
        var id = (await (await Client.PostAsync("Patient", Json(Samples.Patient(Unique())))).ExpectAsync(HttpStatusCode.Created)).Id();
        var patch = Convert.ToBase64String("""[{"op":"replace","path":"/gender","value":"male"}]"""u8.ToArray());
        var bundle = Bundle("transaction",
            $$$"""{"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"{{{patch}}}"},"request":{"method":"PATCH","url":"Patient/{{{id}}}"}}""");
        await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.OK);
        var current = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
        Assert.Equal("male", current.GetProperty("gender").GetString());
        Assert.Equal("2", current.VersionId());
    }
}

public sealed class TransactionTestsOnSqlite(SqliteServer server) : TransactionTests(server), IClassFixture<SqliteServer>;

public sealed class TransactionTestsOnPostgres(PostgresServer server) : TransactionTests(server), IClassFixture<PostgresServer>;

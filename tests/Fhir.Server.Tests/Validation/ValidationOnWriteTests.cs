using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Validation;

/// <summary>
/// Validation in the write path: base definitions always, declared profiles, profiles required by
/// type (here every AdverseEvent must conform to the trial's CTCAE profile), <c>$validate</c>, and
/// conformance resources that take effect once written. Errors are 422 and store nothing.
/// </summary>
public abstract class ValidationOnWriteTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task A_resource_breaking_a_required_binding_is_refused_with_422_naming_the_element_and_is_not_stored()
    {
        var response = await Client.PostAsync("Patient", Json("""{"resourceType":"Patient","identifier":[{"system":"urn:v","value":"robot-1"}],"gender":"robot"}"""));
        var outcome = await response.ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Patient.gender", outcome.IssueExpressions());
        var search = await (await Client.GetAsync("Patient?identifier=urn:v|robot-1")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(search.TryGetProperty("entry", out _));
    }

    [Fact]
    public async Task An_unknown_declared_profile_is_a_warning_returned_with_the_stored_resource()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "Patient")
        {
            Content = Json("""{"resourceType":"Patient","meta":{"profile":["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]}}"""),
        };
        request.Headers.Add("Prefer", "return=OperationOutcome");
        var response = await Client.SendAsync(request);
        var outcome = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Contains(outcome.GetProperty("issue").EnumerateArray(), i =>
            i.GetProperty("severity").GetString() == "warning" && i.GetRawText().Contains("us-core-patient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_trial_example_conforming_to_its_profile_is_accepted()
    {
        var response = await Client.PostAsync("AdverseEvent", Json(Example("valid", "AdverseEvent-ae-p001-1.json")));
        await response.ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_resource_of_a_type_with_a_required_profile_must_conform_to_it_even_without_declaring_it()
    {
        // A base-valid AdverseEvent without the CTCAE grade, study, seriousness and outcome the trial requires.
        var response = await Client.PostAsync("AdverseEvent", Json("""{"resourceType":"AdverseEvent","actuality":"actual","subject":{"reference":"Patient/x"}}"""));
        var outcome = await response.ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(outcome.IssueExpressions(), e => e.StartsWith("AdverseEvent.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transaction_with_one_invalid_entry_stores_nothing()
    {
        var bundle = """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","identifier":[{"system":"urn:v","value":"tx-ok"}]},"request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Patient","identifier":[{"system":"urn:v","value":"tx-bad"}],"gender":"robot"},"request":{"method":"POST","url":"Patient"}}]}
            """;
        var response = await Client.PostAsync("", Json(bundle));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var outcome = await response.BodyAsync();
        Assert.Contains(outcome.IssueExpressions(), e => e.StartsWith("Bundle.entry[1]", StringComparison.Ordinal));
        var search = await (await Client.GetAsync("Patient?identifier=urn:v|tx-ok")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(search.TryGetProperty("entry", out _));
    }

    [Fact]
    public async Task A_patch_that_makes_a_resource_invalid_is_refused()
    {
        var created = await (await Client.PostAsync("Patient", Json("""{"resourceType":"Patient","gender":"female"}"""))).ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"Patient/{id}") { Content = Json("""[{"op":"replace","path":"/gender","value":"robot"}]""", "application/json-patch+json") };
        await (await Client.SendAsync(patch)).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        var current = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("female", current.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Validate_reports_the_errors_of_an_invalid_example_against_the_profile_asked_for_and_stores_nothing()
    {
        var invalid = await (await Client.PostAsync($"Observation/$validate?profile={Uri.EscapeDataString("http://trials.example.org/fhir/StructureDefinition/tp53-status")}",
            Json(Example("invalid", "Observation-tp53-positive.json")))).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(invalid.GetProperty("issue").EnumerateArray(), i =>
            i.GetProperty("severity").GetString() == "error" && i.GetProperty("expression")[0].GetString() == "Observation.valueCodeableConcept");

        var parameters = $$$"""{"resourceType":"Parameters","parameter":[{"name":"resource","resource":{{{Example("valid", "Observation-tp53-p001.json")}}}},{"name":"mode","valueCode":"create"}]}""";
        var valid = await (await Client.PostAsync("Observation/$validate", Json(parameters))).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(valid.GetProperty("issue").EnumerateArray(), i => i.GetProperty("severity").GetString() is "error" or "fatal");

        var id = JsonDocument.Parse(Example("valid", "Observation-tp53-p001.json")).RootElement.GetProperty("id").GetString();
        await (await Client.GetAsync($"Observation/{id}")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_profile_written_to_the_server_is_enforced_on_the_next_write()
    {
        var profile = """
            {"resourceType":"StructureDefinition","url":"http://example.org/fhir/StructureDefinition/patient-with-birthdate","name":"PatientWithBirthDate",
             "status":"active","kind":"resource","abstract":false,"type":"Patient","fhirVersion":"4.0.1",
             "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","derivation":"constraint",
             "differential":{"element":[{"id":"Patient","path":"Patient"},{"id":"Patient.birthDate","path":"Patient.birthDate","min":1}]}}
            """;
        await (await Client.PostAsync("StructureDefinition", Json(profile))).ExpectAsync(HttpStatusCode.Created);

        const string declared = "\"meta\":{\"profile\":[\"http://example.org/fhir/StructureDefinition/patient-with-birthdate\"]}";
        var without = await Client.PostAsync("Patient", Json("{\"resourceType\":\"Patient\"," + declared + "}"));
        var outcome = await without.ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(outcome.IssueExpressions(), e => e.Contains("birthDate", StringComparison.Ordinal) || e == "Patient");
        await (await Client.PostAsync("Patient", Json("{\"resourceType\":\"Patient\"," + declared + ",\"birthDate\":\"1970-01-01\"}"))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Issue16_item9_a_profile_deleted_or_moved_to_another_url_is_no_longer_enforced()
    {
        var url = "http://example.org/fhir/StructureDefinition/deleted-" + Guid.NewGuid().ToString("N")[..8];
        string Profile(string at, string? id = null) => $$$"""
            {"resourceType":"StructureDefinition",{{{(id is null ? "" : $"\"id\":\"{id}\",")}}}"url":"{{{at}}}","name":"PatientWithBirthDate","status":"active","kind":"resource","abstract":false,
             "type":"Patient","fhirVersion":"4.0.1","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Patient","derivation":"constraint",
             "differential":{"element":[{"id":"Patient","path":"Patient"},{"id":"Patient.birthDate","path":"Patient.birthDate","min":1}]}}
            """;
        string Declaring(string at) => $$$"""{"resourceType":"Patient","meta":{"profile":["{{{at}}}"]}}""";
        var id = (await (await Client.PostAsync("StructureDefinition", Json(Profile(url)))).ExpectAsync(HttpStatusCode.Created)).Id();
        await (await Client.PostAsync("Patient", Json(Declaring(url)))).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        // Updated to another URL: the old one is gone, the new one holds.
        await (await Client.PutAsync($"StructureDefinition/{id}", Json(Profile(url + "-2", id)))).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync("Patient", Json(Declaring(url)))).ExpectAsync(HttpStatusCode.Created);
        await (await Client.PostAsync("Patient", Json(Declaring(url + "-2")))).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        await (await Client.DeleteAsync($"StructureDefinition/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await Client.PostAsync("Patient", Json(Declaring(url + "-2")))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Issue16_item10_best_practice_invariants_are_off_on_writes_unless_configured()
    {
        static HttpRequestMessage Write() => new(HttpMethod.Post, "Patient")
        {
            Content = Json("""{"resourceType":"Patient","name":[{"family":"NoNarrative"}]}"""),
            Headers = { { "Prefer", "return=OperationOutcome" } },
        };
        var quiet = await (await Client.SendAsync(Write())).ExpectAsync(HttpStatusCode.Created);
        Assert.DoesNotContain("dom-6", quiet.GetRawText(), StringComparison.Ordinal);

        await using var warning = server.CreateServer(new KeyValuePair<string, string>("Validation:BestPractice", "Warning"));
        using var client = warning.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
        var warned = await (await client.SendAsync(Write())).ExpectAsync(HttpStatusCode.Created);
        Assert.Contains(warned.GetProperty("issue").EnumerateArray(), i =>
            i.GetProperty("severity").GetString() == "warning" && i.GetRawText().Contains("dom-6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issue_19_a_questionnaire_response_is_validated_against_the_trial_questionnaire_on_write_and_by_validate()
    {
        var valid = QuestionnaireExample("valid", "QuestionnaireResponse-pro-p001-wk8.json");
        var invalid = QuestionnaireExample("invalid", "QuestionnaireResponse-pro-severity-not-enabled.json");
        await (await Client.PostAsync("QuestionnaireResponse", Json(valid))).ExpectAsync(HttpStatusCode.Created);
        var refused = await (await Client.PostAsync("QuestionnaireResponse", Json(invalid))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("QuestionnaireResponse.item[2].item[1]", refused.IssueExpressions());
        var validated = await (await Client.PostAsync("QuestionnaireResponse/$validate", Json(invalid))).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(validated.GetProperty("issue").EnumerateArray(), i =>
            i.GetProperty("severity").GetString() == "error" && i.GetProperty("expression")[0].GetString() == "QuestionnaireResponse.item[2].item[1]");
    }

    [Fact]
    public async Task Issue_19_a_questionnaire_written_to_the_server_checks_the_next_response()
    {
        const string url = "http://example.org/fhir/Questionnaire/written-at-run-time";
        const string response = $$$"""{"resourceType":"QuestionnaireResponse","questionnaire":"{{{url}}}","status":"completed","item":[{"linkId":"weight","answer":[{"valueString":"heavy"}]}]}""";
        using (var before = new HttpRequestMessage(HttpMethod.Post, "QuestionnaireResponse") { Content = Json(response) })
        {
            before.Headers.Add("Prefer", "return=OperationOutcome");
            var unknown = await (await Client.SendAsync(before)).ExpectAsync(HttpStatusCode.Created);
            Assert.Contains(unknown.GetProperty("issue").EnumerateArray(), i => i.GetRawText().Contains(url, StringComparison.Ordinal));
        }
        await (await Client.PostAsync("Questionnaire", Json($$$"""
            {"resourceType":"Questionnaire","url":"{{{url}}}","status":"active","item":[{"linkId":"weight","type":"decimal","required":true}]}
            """))).ExpectAsync(HttpStatusCode.Created);
        var outcome = await (await Client.PostAsync("QuestionnaireResponse", Json(response))).ExpectAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("QuestionnaireResponse.item[0].answer[0].valueString", outcome.IssueExpressions());
    }

    private static string QuestionnaireExample(string kind, string file) =>
        File.ReadAllText(System.IO.Path.Combine(Repository.Profiles, "examples", "questionnaire-responses", kind, file));

    private static string Example(string kind, string file) =>
        File.ReadAllText(System.IO.Path.Combine(Repository.Profiles, "examples", kind, file));
}

/// <summary>A server whose AdverseEvents must all conform to the trial's CTCAE profile.</summary>
public sealed class SqliteServerWithRequiredProfiles : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Validation:RequiredProfiles:AdverseEvent:0", "http://trials.example.org/fhir/StructureDefinition/ctcae-adverse-event")];
}

/// <summary>A PostgreSQL server whose AdverseEvents must all conform to the trial's CTCAE profile.</summary>
public sealed class PostgresServerWithRequiredProfiles : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Validation:RequiredProfiles:AdverseEvent:0", "http://trials.example.org/fhir/StructureDefinition/ctcae-adverse-event")];
}

public sealed class ValidationOnWriteTestsOnSqlite(SqliteServerWithRequiredProfiles server) : ValidationOnWriteTests(server), IClassFixture<SqliteServerWithRequiredProfiles>;

public sealed class ValidationOnWriteTestsOnPostgres(PostgresServerWithRequiredProfiles server) : ValidationOnWriteTests(server), IClassFixture<PostgresServerWithRequiredProfiles>;

using System.Net;
using Fhir.Server.Tests.Security;
using Fhir.Server.Tests.Support;
using Fhir.Server.Tests.Trials;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using static Fhir.Server.Tests.Support.ServerFixture;
using Task = System.Threading.Tasks.Task;

namespace Fhir.Server.Tests.Sdk;

/// <summary>
/// Firely's FhirClient, the .NET SDK most EHR integrations use, drives the real server in JSON and in XML (issue 14 item 4).
/// The client's strict serializer parses every answer, outcomes of errors included: a response it could not read fails the test.
/// </summary>
public abstract class FhirClientTests(ServerFixture server, ResourceFormat format)
{
    private const string Mrn = "urn:trial:mrn";

    private FhirClient Client()
    {
        var client = new FhirClient(new Uri("http://localhost/fhir/"), new FhirClientSettings
        {
            PreferredFormat = format,
            VerifyFhirVersion = true,
            ReturnPreference = ReturnPreference.Representation,
        }, server.CreateHandler());
        client.WithStrictSerializer();
        return client;
    }

    private static string Unique() => Guid.NewGuid().ToString("N")[..12];

    private static Patient NewPatient(string mrn, string family = "Doe") => new()
    {
        Identifier = [new Identifier(Mrn, mrn)],
        Name = [new HumanName { Family = family, Given = ["Jane"] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1970-05-01",
    };

    private static Observation Hemoglobin(string patientReference, decimal value) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", "718-7", "Hemoglobin"),
        Subject = new ResourceReference(patientReference),
        Value = new Quantity(value, "g/dL") { System = "http://unitsofmeasure.org", Code = "g/dL" },
    };

    [Fact]
    public async Task The_capability_statement_lists_both_formats()
    {
        var capabilities = await Client().CapabilityStatementAsync();
        Assert.Contains("application/fhir+json", capabilities!.Format);
        Assert.Contains("application/fhir+xml", capabilities.Format);
    }

    [Fact]
    public async Task Create_read_vread_update_with_If_Match_history_and_delete()
    {
        var client = Client();
        var created = await client.CreateAsync(NewPatient(Unique()));
        Assert.NotNull(created!.Id);
        Assert.Equal("1", created.Meta!.VersionId);

        var read = await client.ReadAsync<Patient>($"Patient/{created.Id}");
        Assert.Equal("Doe", read!.Name[0].Family);

        read.Gender = AdministrativeGender.Other;
        var updated = await client.UpdateAsync(read, versionAware: true); // If-Match: W/"1"
        Assert.Equal("2", updated!.Meta!.VersionId);
        read.Meta!.VersionId = "1";
        var stale = await Assert.ThrowsAsync<FhirOperationException>(() => client.UpdateAsync(read, versionAware: true));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.NotNull(stale.Outcome);

        var first = await client.ReadAsync<Patient>($"Patient/{created.Id}/_history/1");
        Assert.Equal(AdministrativeGender.Female, first!.Gender);

        var history = await client.HistoryAsync($"Patient/{created.Id}");
        Assert.Equal(2, history!.Entry.Count);

        await client.DeleteAsync($"Patient/{created.Id}");
        var gone = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Patient>($"Patient/{created.Id}"));
        Assert.Equal(HttpStatusCode.Gone, gone.Status);
    }

    [Fact]
    public async Task Conditional_create_finds_the_resource_instead_of_making_a_second()
    {
        var client = Client();
        var mrn = Unique();
        var condition = new SearchParams().Where($"identifier={Mrn}|{mrn}");
        var first = await client.ConditionalCreateAsync(NewPatient(mrn), condition);
        var second = await client.ConditionalCreateAsync(NewPatient(mrn), condition);
        Assert.Equal(first!.Id, second!.Id);
        var found = await client.SearchAsync<Patient>([$"identifier={Mrn}|{mrn}"]);
        Assert.Single(found!.Entry);
    }

    [Fact]
    public async Task A_FHIRPath_patch_changes_one_element()
    {
        var client = Client();
        var created = await client.CreateAsync(NewPatient(Unique()));
        var operation = new Parameters.ParameterComponent { Name = "operation" };
        operation.Part.Add(new Parameters.ParameterComponent { Name = "type", Value = new Code("replace") });
        operation.Part.Add(new Parameters.ParameterComponent { Name = "path", Value = new FhirString("Patient.gender") });
        operation.Part.Add(new Parameters.ParameterComponent { Name = "value", Value = new Code("male") });
        var patch = new Parameters();
        patch.Parameter.Add(operation);
        var patched = (Patient)(await client.PatchAsync(new Uri($"Patient/{created!.Id}", UriKind.Relative), patch))!;
        Assert.Equal(AdministrativeGender.Male, patched.Gender);
        Assert.Equal("2", patched.Meta!.VersionId);
    }

    [Fact]
    public async Task Search_pages_through_every_match_with_Continue()
    {
        var client = Client();
        var family = "Page" + Unique();
        for (var i = 0; i < 5; i++)
        {
            await client.CreateAsync(NewPatient(Unique(), family));
        }
        var ids = new HashSet<string>();
        var page = await client.SearchAsync<Patient>([$"family={family}"], pageSize: 2);
        var pages = 0;
        while (page is not null)
        {
            pages++;
            Assert.True(page.Entry.Count <= 2);
            foreach (var entry in page.Entry)
            {
                Assert.True(ids.Add(entry.Resource!.Id!));
            }
            page = await client.ContinueAsync(page);
        }
        Assert.Equal(5, ids.Count);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Include_brings_the_subjects_into_the_page()
    {
        var client = Client();
        var patient = await client.CreateAsync(NewPatient(Unique()));
        var tag = Unique();
        var observation = Hemoglobin($"Patient/{patient!.Id}", 13.5m);
        observation.Identifier = [new Identifier("urn:lab", tag)];
        await client.CreateAsync(observation);
        var page = await client.SearchAsync<Observation>([$"identifier=urn:lab|{tag}"], includes: ["Observation:subject"]);
        Assert.Contains(page!.Entry, e => e.Resource is Patient p && p.Id == patient.Id && e.Search!.Mode == Bundle.SearchEntryMode.Include);
        Assert.Contains(page.Entry, e => e.Resource is Observation && e.Search!.Mode == Bundle.SearchEntryMode.Match);
    }

    [Fact]
    public async Task A_transaction_resolves_urn_uuid_references()
    {
        var client = Client();
        var patientUrl = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = patientUrl, Resource = NewPatient(Unique()), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = $"urn:uuid:{Guid.NewGuid()}", Resource = Hemoglobin(patientUrl, 12.25m), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation" } });
        var response = await client.TransactionAsync(bundle);
        Assert.Equal(Bundle.BundleType.TransactionResponse, response!.Type);
        var patientId = response.Entry[0].Response!.Location!.Split('/')[1];
        var observation = (Observation)response.Entry[1].Resource!;
        Assert.Equal($"Patient/{patientId}", observation.Subject!.Reference);
        Assert.Equal(12.25m, ((Quantity)observation.Value!).Value);
    }

    [Fact]
    public async Task Validate_answers_an_outcome_the_client_reads()
    {
        var client = Client();
        var invalid = Hemoglobin("Patient/x", 1m);
        invalid.Code = null!;
        var outcome = await client.ValidateCreateAsync(invalid);
        Assert.Contains(outcome!.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error && i.Expression.Contains("Observation.code"));
        var valid = await client.ValidateCreateAsync(Hemoglobin("Patient/x", 1m));
        Assert.DoesNotContain(valid!.Issue, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
    }

    [Fact]
    public async Task Everything_returns_the_patients_record()
    {
        var client = Client();
        var patient = await client.CreateAsync(NewPatient(Unique()));
        await client.CreateAsync(Hemoglobin($"Patient/{patient!.Id}", 14m));
        var everything = (Bundle)(await client.InstanceOperationAsync(new Uri($"Patient/{patient.Id}", UriKind.Relative), "everything", useGet: true))!;
        Assert.Contains(everything.Entry, e => e.Resource is Patient);
        Assert.Contains(everything.Entry, e => e.Resource is Observation);
    }

    [Fact]
    public async Task Endpoints_of_the_trial_come_back_as_Parameters()
    {
        await (await server.Client.PostAsync("", Json(TrialBundle.Json()))).ExpectAsync(HttpStatusCode.OK);
        var result = (Parameters)(await Client().InstanceOperationAsync(new Uri("ResearchStudy/trial-1", UriKind.Relative), "endpoints", useGet: true))!;
        var arms = result.Parameter.Where(p => p.Name == "arm").ToList();
        Assert.Equal(3, arms.Count); // A, B and all
        Assert.Contains(arms, a => a.Part.Any(p => p.Name == "name" && p.Value is FhirString { Value: "all" }));
    }

    [Fact]
    public async Task Errors_come_as_outcomes_the_client_reads()
    {
        var missing = await Assert.ThrowsAsync<FhirOperationException>(() => Client().ReadAsync<Patient>("Patient/does-not-exist"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(OperationOutcome.IssueType.NotFound, missing.Outcome!.Issue[0].Code);
        var invalid = NewPatient(Unique());
        invalid.BirthDate = "1970-13-01";
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => Client().CreateAsync(invalid));
        Assert.True(refused.Status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity);
        Assert.Contains(refused.Outcome!.Issue, i => i.Expression.Contains("Patient.birthDate"));
    }
}

public sealed class FhirClientJsonTestsOnSqlite(SqliteServer server) : FhirClientTests(server, ResourceFormat.Json), IClassFixture<SqliteServer>;

public sealed class FhirClientXmlTestsOnSqlite(SqliteServer server) : FhirClientTests(server, ResourceFormat.Xml), IClassFixture<SqliteServer>;

public sealed class FhirClientJsonTestsOnPostgres(PostgresServer server) : FhirClientTests(server, ResourceFormat.Json), IClassFixture<PostgresServer>;

public sealed class FhirClientXmlTestsOnPostgres(PostgresServer server) : FhirClientTests(server, ResourceFormat.Xml), IClassFixture<PostgresServer>;

/// <summary>The FhirClient with a SMART token from the client-credentials grant, as a backend EHR integration runs.</summary>
public sealed class FhirClientSmartTests(SecureSqliteServer server) : IClassFixture<SecureSqliteServer>
{
    [Theory]
    [InlineData(ResourceFormat.Json)]
    [InlineData(ResourceFormat.Xml)]
    public async Task A_client_credentials_token_lets_the_client_write_and_read_and_no_token_is_a_readable_401(ResourceFormat format)
    {
        var token = await new SecureClient(server).TokenAsync(TestClients.Ehr);
        var client = new FhirClient(new Uri("http://localhost/fhir/"), new FhirClientSettings { PreferredFormat = format, VerifyFhirVersion = true }, server.CreateHandler());
        client.WithStrictSerializer();
        client.RequestHeaders!.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var created = await client.CreateAsync(new Patient { Gender = AdministrativeGender.Female, BirthDate = "1970-05-01" });
        var read = await client.ReadAsync<Patient>($"Patient/{created!.Id}");
        Assert.Equal("1970-05-01", read!.BirthDate);
        var denied = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<AuditEvent>());
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);

        var anonymous = new FhirClient(new Uri("http://localhost/fhir/"), new FhirClientSettings { PreferredFormat = format, VerifyFhirVersion = false }, server.CreateHandler());
        anonymous.WithStrictSerializer();
        var unauthorised = await Assert.ThrowsAsync<FhirOperationException>(() => anonymous.ReadAsync<Patient>($"Patient/{created.Id}"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.Status);
        Assert.NotNull(unauthorised.Outcome);
    }
}

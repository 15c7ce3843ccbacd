using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.XmlResponses;

namespace Fhir.Server.Tests.Http;

/// <summary>Every kind of interaction with FHIR XML bodies and answers (issue 14 item 1).</summary>
public abstract class XmlInteractionTests(ServerFixture server)
{
    private const string Ns = "xmlns=\"http://hl7.org/fhir\"";

    private HttpClient Client => server.Client;

    private static string Unique() => Guid.NewGuid().ToString("N")[..12];

    private static string PatientXml(string mrn, string? id = null) =>
        $"<Patient {Ns}>{(id is null ? "" : $"<id value=\"{id}\"/>")}<identifier><system value=\"urn:trial:mrn\"/><value value=\"{mrn}\"/></identifier>"
        + "<name><family value=\"Doe\"/><given value=\"Jane\" id=\"g1\"><extension url=\"http://example.org/nickname\"><valueString value=\"JD\"/></extension></given></name>"
        + "<gender value=\"female\"/><birthDate value=\"1970-05-01\"/></Patient>";

    [Fact]
    public async Task Create_read_update_and_vread_in_XML_keep_the_resource_as_sent()
    {
        var mrn = Unique();
        var created = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "Patient", PatientXml(mrn))), "Patient", HttpStatusCode.Created);
        var id = created.Id();
        var given = created.GetProperty("name")[0];
        Assert.Equal("Jane", given.GetProperty("given")[0].GetString());
        Assert.Equal("g1", given.GetProperty("_given")[0].GetProperty("id").GetString());

        // The same resource read as JSON: XML and JSON are two spellings of one stored resource.
        var json = await (await Client.GetAsync($"Patient/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(mrn, json.GetProperty("identifier")[0].GetProperty("value").GetString());

        var update = XmlRequest(HttpMethod.Put, $"Patient/{id}", PatientXml(mrn, id).Replace("female", "other"));
        update.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        var updated = await ExpectXmlAsync(await Client.SendAsync(update), "Patient");
        Assert.Equal("2", updated.VersionId());
        var stale = XmlRequest(HttpMethod.Put, $"Patient/{id}", PatientXml(mrn, id));
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        await ExpectXmlAsync(await Client.SendAsync(stale), "OperationOutcome", HttpStatusCode.PreconditionFailed);

        var first = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Get, $"Patient/{id}/_history/1")), "Patient");
        Assert.Equal("female", first.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Conditional_create_in_XML_finds_the_existing_resource()
    {
        var mrn = Unique();
        var request = XmlRequest(HttpMethod.Post, "Patient", PatientXml(mrn));
        request.Headers.Add("If-None-Exist", $"identifier=urn:trial:mrn|{mrn}");
        var first = await ExpectXmlAsync(await Client.SendAsync(request), "Patient", HttpStatusCode.Created);
        var again = XmlRequest(HttpMethod.Post, "Patient", PatientXml(mrn));
        again.Headers.Add("If-None-Exist", $"identifier=urn:trial:mrn|{mrn}");
        var second = await ExpectXmlAsync(await Client.SendAsync(again), "Patient");
        Assert.Equal(first.Id(), second.Id());
    }

    [Fact]
    public async Task A_transaction_in_XML_resolves_urn_uuid_references_and_answers_in_XML()
    {
        var patient = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = $"<Bundle {Ns}><type value=\"transaction\"/>"
            + $"<entry><fullUrl value=\"{patient}\"/><resource>{PatientXml(Unique()).Replace($" {Ns}", "")}</resource><request><method value=\"POST\"/><url value=\"Patient\"/></request></entry>"
            + "<entry><fullUrl value=\"urn:uuid:" + Guid.NewGuid() + "\"/><resource><Observation><status value=\"final\"/><code><coding><system value=\"http://loinc.org\"/><code value=\"718-7\"/></coding></code>"
            + $"<subject><reference value=\"{patient}\"/></subject><valueQuantity><value value=\"13.50\"/><unit value=\"g/dL\"/></valueQuantity></Observation></resource><request><method value=\"POST\"/><url value=\"Observation\"/></request></entry></Bundle>";
        var response = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "", bundle)), "Bundle");
        Assert.Equal("transaction-response", response.GetProperty("type").GetString());
        var entries = response.GetProperty("entry");
        var patientId = entries[0].GetProperty("response").GetProperty("location").GetString()!.Split('/')[1];
        var observation = entries[1].GetProperty("resource");
        Assert.Equal($"Patient/{patientId}", observation.GetProperty("subject").GetProperty("reference").GetString());
        Assert.Equal("13.50", observation.GetProperty("valueQuantity").GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task A_batch_in_XML_answers_each_entry()
    {
        var bundle = $"<Bundle {Ns}><type value=\"batch\"/>"
            + $"<entry><resource>{PatientXml(Unique()).Replace($" {Ns}", "")}</resource><request><method value=\"POST\"/><url value=\"Patient\"/></request></entry>"
            + "<entry><request><method value=\"GET\"/><url value=\"Patient/does-not-exist\"/></request></entry></Bundle>";
        var response = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "", bundle)), "Bundle");
        var entries = response.GetProperty("entry");
        Assert.StartsWith("201", entries[0].GetProperty("response").GetProperty("status").GetString());
        Assert.StartsWith("404", entries[1].GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("OperationOutcome", entries[1].GetProperty("response").GetProperty("outcome").GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task Search_answers_an_XML_Bundle_with_paging_links()
    {
        var family = "Xml" + Unique();
        for (var i = 0; i < 3; i++)
        {
            await ExpectXmlAsync(await Client.PostAsync("Patient", XmlBody(PatientXml(Unique()).Replace("Doe", family))), "Patient", HttpStatusCode.Created);
        }
        var page = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Get, $"Patient?family={family}&_count=2")), "Bundle");
        Assert.Equal(2, page.EntryResources().Count);
        Assert.NotNull(page.Link("next"));
    }

    [Fact]
    public async Task Validate_takes_an_XML_resource_or_Parameters_and_answers_an_XML_outcome()
    {
        var invalid = $"<Observation {Ns}><status value=\"not-a-status\"/><code><text value=\"x\"/></code></Observation>";
        var direct = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "Observation/$validate", invalid)), "OperationOutcome");
        Assert.Contains("Observation.status", direct.IssueExpressions());
        var parameters = $"<Parameters {Ns}><parameter><name value=\"resource\"/><resource>{invalid.Replace($" {Ns}", "")}</resource></parameter></Parameters>";
        var wrapped = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "Observation/$validate", parameters)), "OperationOutcome");
        Assert.Contains("Observation.status", wrapped.IssueExpressions());
    }

    [Fact]
    public async Task A_FHIRPath_Patch_may_come_as_XML_Parameters()
    {
        var created = await ExpectXmlAsync(await Client.PostAsync("Patient", XmlBody(PatientXml(Unique()))), "Patient", HttpStatusCode.Created);
        var patch = $"<Parameters {Ns}><parameter><name value=\"operation\"/>"
            + "<part><name value=\"type\"/><valueCode value=\"replace\"/></part><part><name value=\"path\"/><valueString value=\"Patient.gender\"/></part>"
            + "<part><name value=\"value\"/><valueCode value=\"male\"/></part></parameter></Parameters>";
        var patched = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Patch, $"Patient/{created.Id()}", patch)), "Patient");
        Assert.Equal("male", patched.GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Invalid_XML_content_is_an_XML_outcome_with_the_place_and_nothing_is_stored()
    {
        var mrn = Unique();
        var unknown = PatientXml(mrn).Replace("<gender", "<genderIdentity value=\"x\"/><gender");
        var outcome = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "Patient", unknown)), "OperationOutcome", HttpStatusCode.BadRequest);
        Assert.Contains("Patient.genderIdentity", outcome.IssueExpressions());
        var wrongNamespace = PatientXml(mrn).Replace("<gender value", "<gender xmlns=\"urn:other\" value");
        outcome = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "Patient", wrongNamespace)), "OperationOutcome", HttpStatusCode.BadRequest);
        Assert.Contains("urn:other", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        var external = $"<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>{PatientXml(mrn).Replace("Doe", "&x;")}";
        outcome = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "Patient", external)), "OperationOutcome", HttpStatusCode.BadRequest);
        Assert.Equal("security", outcome.GetProperty("issue")[0].GetProperty("code").GetString());
        var invalidValue = PatientXml(mrn).Replace("female", "femme");
        outcome = await ExpectXmlAsync(await Client.SendAsync(XmlRequest(HttpMethod.Post, "Patient", invalidValue)), "OperationOutcome", HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Patient.gender", outcome.IssueExpressions());
        var found = await (await Client.GetAsync($"Patient?identifier=urn:trial:mrn|{mrn}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(found.EntryResources());
    }
}

public sealed class XmlInteractionTestsOnSqlite(SqliteServer server) : XmlInteractionTests(server), IClassFixture<SqliteServer>;

public sealed class XmlInteractionTestsOnPostgres(PostgresServer server) : XmlInteractionTests(server), IClassFixture<PostgresServer>;

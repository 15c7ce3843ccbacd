using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using EhrLabFeed;
using Fhir.Server.Tests.Security;
using Fhir.Server.Tests.Support;
using Hl7.Fhir.Rest;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Tests.EhrSamples;

/// <summary>A SMART server with the sample's own backend client: <c>lab-feed</c>, authenticated by <c>private_key_jwt</c>.</summary>
public sealed class LabFeedServer : SqliteServer
{
    public static readonly RSA Key = RSA.Create(2048);

    protected override IEnumerable<KeyValuePair<string, string>> Settings
    {
        get
        {
            var n = TestClients.Scopes.Count;
            var p = Key.ExportParameters(false);
            var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = "lab-feed-1", alg = "RS384", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
            return [.. TestClients.SecureSettings(),
                new($"Auth:Clients:{n}:ClientId", "lab-feed"),
                new($"Auth:Clients:{n}:Scopes", "system/Patient.crus system/Observation.crus"),
                new($"Auth:Clients:{n}:Jwks", jwks)];
        }
    }
}

/// <summary>samples/EhrLabFeed run against the server (issue 14 item 4): a lab result goes in as profiled Observations, and a resend creates nothing.</summary>
public sealed class EhrLabFeedTests(LabFeedServer server) : IClassFixture<LabFeedServer>
{
    private static readonly Uri FhirBase = new("http://localhost/fhir/");
    private static readonly Uri TokenEndpoint = new("http://localhost/auth/token");

    private static LabResult Sample(string tag)
    {
        var sample = LabResult.Read(File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "lab-result.json")));
        return sample with { Accession = $"{sample.Accession}-{tag}", Patient = sample.Patient with { Mrn = $"{sample.Patient.Mrn}-{tag}" } };
    }

    [Fact]
    public async Task With_a_client_secret_the_feed_stores_the_result_once_and_a_resend_creates_nothing()
    {
        var result = Sample(Guid.NewGuid().ToString("N")[..8]);
        var feed = new LabFeed(new FeedOptions { FhirBase = FhirBase, TokenEndpoint = TokenEndpoint, ClientId = TestClients.Ehr, ClientSecret = TestClients.Secret(TestClients.Ehr) }, server.CreateHandler());

        var first = await feed.SendAsync(result);
        Assert.Equal(7, first.Created); // the Patient, MDM2, TP53 and four blood counts
        var again = await feed.SendAsync(result);
        Assert.Equal(0, again.Created);
        Assert.Equal(7, again.Existing);
        Assert.Equal(first.Entries.Select(e => e.Location.Split("/_history")[0]), again.Entries.Select(e => e.Location.Split("/_history")[0]));

        // The genomic results carry the trial's profiles and passed their validation on write.
        var client = new SecureClient(server);
        var mdm2 = await (await client.SendAsAsync(TestClients.Seeder, HttpMethod.Get, $"Observation?identifier={LabResultMapper.ObservationIdentifiers}|{result.Accession}-MDM2")).ExpectAsync(HttpStatusCode.OK);
        var observation = Assert.Single(mdm2.EntryResources());
        Assert.Equal($"{LabResultMapper.TrialBase}/StructureDefinition/mdm2-copy-number", observation.GetProperty("meta").GetProperty("profile")[0].GetString());
        Assert.Equal("14.5", observation.GetProperty("component")[1].GetProperty("valueQuantity").GetProperty("value").GetRawText());
        var byCopyNumber = await (await client.SendAsAsync(TestClients.Seeder, HttpMethod.Get, $"Observation?copy-number=ge14&identifier={LabResultMapper.ObservationIdentifiers}|{result.Accession}-MDM2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(byCopyNumber.EntryResources());
    }

    [Fact]
    public async Task With_private_key_jwt_and_XML_the_feed_stores_the_result_once()
    {
        var result = Sample(Guid.NewGuid().ToString("N")[..8]);
        var feed = new LabFeed(new FeedOptions
        {
            FhirBase = FhirBase,
            TokenEndpoint = TokenEndpoint,
            ClientId = "lab-feed",
            PrivateKeyPem = LabFeedServer.Key.ExportPkcs8PrivateKeyPem(),
            KeyId = "lab-feed-1",
            Format = ResourceFormat.Xml,
        }, server.CreateHandler());

        Assert.Equal(7, (await feed.SendAsync(result)).Created);
        var again = await feed.SendAsync(result);
        Assert.Equal((0, 7), (again.Created, again.Existing));
    }
}

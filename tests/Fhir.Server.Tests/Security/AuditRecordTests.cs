using System.Net;
using System.Text;
using Fhir.Server.Audit;
using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// Issue 18: a request's audit record is stored small (its facts) and becomes, for the indexer, exactly the AuditEvent
/// that was stored whole before; records stored whole by an earlier version are still read as they are.
/// </summary>
public sealed class AuditRecordTests
{
    private static readonly DateTimeOffset Recorded = new DateTimeOffset(2026, 12, 7, 13, 38, 36, 265, TimeSpan.Zero).AddTicks(4321);

    public static TheoryData<string, string, string?, string, string, string[], int> Requests() => new()
    {
        { "GET", "/fhir/Observation/o1", null, "read", "*", ["Observation/o1"], 200 },
        { "GET", "/fhir/Observation", "code=http://loinc.org|1234&_count=5&name=\"quoted\" é", "search-type", "patient/Observation.rs launch/patient", ["Patient/p1", "Observation/o1", "Observation/o2"], 200 },
        { "POST", "/fhir", null, "transaction", "", [], 422 },
        { "DELETE", "/fhir/Patient/x", null, "delete", "system/*.cruds", ["Patient/x"], 500 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void A_small_record_becomes_the_AuditEvent_the_request_would_have_stored_whole(
        string method, string path, string? query, string interaction, string scopes, string[] entities, int status)
    {
        foreach (var remote in new[] { "203.0.113.9", null })
        {
            var http = new DefaultHttpContext();
            http.Request.Method = method;
            http.Request.Path = path;
            http.Request.Host = remote is null ? default : new HostString("fhir.example.org:8443");
            if (query is not null) http.Request.QueryString = QueryString.Create("q", query);
            http.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
            var audit = new AuditContext(http, null!, Recorded) { Interaction = interaction };
            audit.SetClient("client-" + method, scopes);
            foreach (var entity in entities) audit.AddEntity(entity);

            var record = AuditLog.BuildRecord(audit, status, Recorded);
            var whole = AuditLog.BuildJson(audit, status, Recorded);

            Assert.True(record.Length * 2 < whole.Length, $"record {record.Length} bytes, AuditEvent {whole.Length}");
            Assert.Equal(Encoding.UTF8.GetString(whole), Encoding.UTF8.GetString(AuditLog.ToAuditEvent(record)));
            // A record stored whole (before records were small) is the AuditEvent already.
            Assert.Equal(whole, AuditLog.ToAuditEvent(whole));
        }
    }
}

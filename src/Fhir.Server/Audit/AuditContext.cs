using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Audit;

/// <summary>
/// What the audit trail records about one HTTP request, filled in as the request is handled: who
/// (client and scopes, from the token), what (interaction, type, id, query, the resources touched),
/// from where, and whether it has been recorded yet. Exactly one AuditEvent is written per request.
/// </summary>
internal sealed class AuditContext
{
    private readonly List<string> _entities = [];

    public AuditContext(HttpContext http, AuditLog log, DateTimeOffset started)
    {
        Log = log;
        Started = started;
        Method = http.Request.Method;
        Path = http.Request.Path.Value ?? "";
        Query = http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : null;
        RemoteAddress = http.Connection.RemoteIpAddress?.ToString();
        ServerAddress = http.Request.Host.Value;
    }

    /// <summary>
    /// The record of background work a client asked for, written when it ends (a Bulk Data export or import): the client
    /// and its scopes, <paramref name="method"/> and <paramref name="path"/> saying what was done (<c>JOB /fhir/_bulk/[id]</c>).
    /// </summary>
    public AuditContext(AuditLog log, DateTimeOffset started, string clientId, string scopes, string method, string path, string? query = null)
    {
        Log = log;
        Started = started;
        Method = method;
        Path = path;
        Query = query;
        SetClient(clientId, scopes);
    }

    /// <summary>The audit context of <paramref name="http"/>, when the request is audited.</summary>
    public static AuditContext? Of(HttpContext http) => http.Features.Get<AuditContext>();

    /// <summary>Where the event goes.</summary>
    public AuditLog Log { get; }

    public DateTimeOffset Started { get; }
    public string Method { get; }
    public string Path { get; }
    public string? Query { get; }
    public string? RemoteAddress { get; }
    public string? ServerAddress { get; }

    /// <summary>The client, or <c>anonymous</c> before (or without) authentication.</summary>
    public string ClientId { get; private set; } = "anonymous";

    /// <summary>The granted scopes.</summary>
    public string Scopes { get; private set; } = "";

    /// <summary>The FHIR interaction (<c>http://hl7.org/fhir/restful-interaction</c> code) or operation name.</summary>
    public string? Interaction { get; set; }

    /// <summary>The resources the request read or wrote (<c>Patient/1/_history/2</c>).</summary>
    public IReadOnlyList<string> Entities => _entities;

    /// <summary>Set once the AuditEvent is stored (in the write's transaction, or on its own).</summary>
    public bool Recorded { get; set; }

    public void SetClient(string clientId, string scopes)
    {
        ClientId = clientId.Length == 0 ? "anonymous" : clientId;
        Scopes = scopes;
    }

    public void AddEntity(string reference)
    {
        lock (_entities)
        {
            if (_entities.Count < MaxEntities && !_entities.Contains(reference))
            {
                _entities.Add(reference);
            }
        }
    }

    // A search or bundle may touch thousands of resources; the query itself says what was asked.
    private const int MaxEntities = 100;
}

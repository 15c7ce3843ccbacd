using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security.Confinement;

/// <summary>One stored version of the test data: its marker (a tag no other version carries) and its patients.</summary>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The id.</param>
/// <param name="Version">The version number.</param>
/// <param name="Marker">The marker in its content (null for a tombstone).</param>
/// <param name="Patients">The patients whose compartment it is in (a tombstone: those of the version it deleted).</param>
public sealed record SeededVersion(string Type, string Id, int Version, string? Marker, IReadOnlySet<string> Patients);

/// <summary>
/// The data of the attack (issue 12): two patients and a deleted one, a resource that moved from one patient to the
/// other, a deleted resource, one that refers to another patient's encounter, one about a patient that never existed,
/// a group of both patients, a resource two patients share, and a practitioner outside every patient compartment.
/// Every version carries a unique marker tag, so that a response can be searched for what it must not contain.
/// </summary>
public sealed class AttackData
{
    public const string MarkSystem = "urn:mark";

    private readonly List<SeededVersion> _versions = [];

    public IReadOnlyList<SeededVersion> Versions => _versions;

    /// <summary>The seeded resources (type, id), each once.</summary>
    public IReadOnlyList<(string Type, string Id)> Resources => [.. _versions.Select(v => (v.Type, v.Id)).Distinct()];

    /// <summary>Resource ids of a type.</summary>
    public IEnumerable<string> Ids(string type) => Resources.Where(r => r.Type == type).Select(r => r.Id);

    private static readonly Dictionary<ServerFixture, Task<AttackData>> Seeded = [];

    /// <summary>The data of <paramref name="client"/>'s server, written by the first test of its fixture.</summary>
    public static Task<AttackData> SeedOnceAsync(AttackClient client)
    {
        lock (Seeded)
        {
            return Seeded.TryGetValue(client.Server, out var seeded) ? seeded : Seeded[client.Server] = SeedAsync(client);
        }
    }

    /// <summary>
    /// Writes the data through the seeder. Written again over earlier test writes, the same content comes back as new
    /// versions with the same markers (a marker names content, whatever its version number).
    /// </summary>
    public static async Task<AttackData> SeedAsync(AttackClient client)
    {
        var data = new AttackData();
        await data.PutAsync(client, "Patient", "pat-a", ["pat-a"], m => Patient("pat-a", "Alpha", "1970-01-01", "A", m));
        await data.PutAsync(client, "Patient", "pat-b", ["pat-b"], m => Patient("pat-b", "Bravo", "1965-05-05", "B", m));
        await data.PutAsync(client, "Patient", "pat-del", ["pat-del"], m => Patient("pat-del", "Delta", "1950-02-02", "D", m));
        await data.DeleteAsync(client, "Patient", "pat-del");
        await data.PutAsync(client, "Practitioner", "prac-1", [], m => $$"""{"resourceType":"Practitioner","id":"prac-1",{{m}},"name":[{"family":"Who"}]}""");
        await data.PutAsync(client, "Encounter", "enc-a", ["pat-a"], m => Encounter("enc-a", "pat-a", m));
        await data.PutAsync(client, "Encounter", "enc-b", ["pat-b"], m => Encounter("enc-b", "pat-b", m));
        await data.PutAsync(client, "Observation", "obs-a1", ["pat-a"], m => Observation("obs-a1", "pat-a", "a1", m));
        await data.PutAsync(client, "Observation", "obs-b1", ["pat-b"], m => Observation("obs-b1", "pat-b", "b1", m));
        await data.PutAsync(client, "Observation", "obs-moved", ["pat-b"], m => Observation("obs-moved", "pat-b", "moved-v1", m));
        await data.PutAsync(client, "Observation", "obs-moved", ["pat-a"], m => Observation("obs-moved", "pat-a", "moved", m));
        await data.PutAsync(client, "Observation", "obs-b-deleted", ["pat-b"], m => Observation("obs-b-deleted", "pat-b", "b-deleted", m));
        await data.DeleteAsync(client, "Observation", "obs-b-deleted");
        await data.PutAsync(client, "Observation", "obs-b-enc", ["pat-b"], m => Observation("obs-b-enc", "pat-b", "b-enc", m, extra: ""","encounter":{"reference":"Encounter/enc-a"}"""));
        await data.PutAsync(client, "Observation", "obs-orphan", ["pat-ghost"], m => Observation("obs-orphan", "pat-ghost", "orphan", m));
        await data.PutAsync(client, "Observation", "obs-a-perf", ["pat-a"], m => Observation("obs-a-perf", "pat-a", "a-perf", m, extra: ""","performer":[{"reference":"Practitioner/prac-1"}]"""));
        await data.PutAsync(client, "Observation", "obs-shared", ["pat-b", "pat-a"], m => Observation("obs-shared", "pat-b", "shared", m, extra: ""","performer":[{"reference":"Patient/pat-a"}]"""));
        await data.PutAsync(client, "Group", "grp-1", ["pat-a", "pat-b"], m => $$$"""{"resourceType":"Group","id":"grp-1",{{{m}}},"type":"person","actual":true,"member":[{"entity":{"reference":"Patient/pat-a"}},{"entity":{"reference":"Patient/pat-b"}}]}""");
        return data;
    }

    private async Task PutAsync(AttackClient client, string type, string id, string[] patients, Func<string, string> body)
    {
        var version = _versions.Count(v => v.Type == type && v.Id == id) + 1;
        var marker = $"MARK-{id}-v{version}";
        await client.SeedAsync(new AttackRequest("PUT", $"{type}/{id}", body($$"""
            "meta":{"tag":[{"system":"{{MarkSystem}}","code":"{{marker}}"}]}
            """.Trim())));
        _versions.Add(new SeededVersion(type, id, version, marker, patients.ToHashSet()));
    }

    private async Task DeleteAsync(AttackClient client, string type, string id)
    {
        var last = _versions.Last(v => v.Type == type && v.Id == id);
        await client.SeedAsync(new AttackRequest("DELETE", $"{type}/{id}"));
        _versions.Add(last with { Version = last.Version + 1, Marker = null });
    }

    public static string Patient(string id, string family, string birthDate, string identifier, string meta) =>
        $$"""{"resourceType":"Patient","id":"{{id}}",{{meta}},"identifier":[{"system":"urn:test","value":"{{identifier}}"}],"name":[{"family":"{{family}}"}],"birthDate":"{{birthDate}}"}""";

    public static string Encounter(string id, string patient, string meta) =>
        $$$"""{"resourceType":"Encounter","id":"{{{id}}}",{{{meta}}},"status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/{{{patient}}}"}}""";

    public static string Observation(string? id, string patient, string identifier, string? meta, string extra = "") =>
        $$"""{"resourceType":"Observation",{{(id is null ? "" : $"\"id\":\"{id}\",")}}{{(meta is null ? "" : meta + ",")}}"identifier":[{"system":"urn:obs","value":"{{identifier}}"}],"status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"subject":{"reference":"Patient/{{patient}}"}{{extra}}}""";

    /// <summary>The seeded versions whose markers <paramref name="text"/> contains.</summary>
    public IEnumerable<SeededVersion> MarkedIn(string text) =>
        text.Contains("MARK-", StringComparison.Ordinal) ? _versions.Where(v => v.Marker is not null && text.Contains('"' + v.Marker + '"', StringComparison.Ordinal)) : [];

    /// <summary>The ids of the match entries of a searchset (empty for anything else).</summary>
    public static IReadOnlyList<string> Matches(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return root.TryGetProperty("entry", out var entries)
                ? [.. entries.EnumerateArray().Where(e => e.TryGetProperty("resource", out _)).Select(e => e.GetProperty("resource").GetProperty("resourceType").GetString() + "/" + e.GetProperty("resource").GetProperty("id").GetString())]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>
/// The test's own reading of SMART v2 scopes, independent of the server's: which types a client may read or search,
/// and whether only through patient/ scopes (then only versions in the launch patient's compartment).
/// </summary>
public static class Grants
{
    public static bool TypeAllowed(string client, string type, char permission) =>
        Scopes(client).Any(s => Covers(s, type) && s.Permissions.Contains(permission));

    /// <summary>Whether the permission comes from patient/ scopes only (the patient limit applies).</summary>
    public static bool Confined(string client, string type, char permission) =>
        TypeAllowed(client, type, permission) && !Scopes(client).Any(s => s.Context != "patient" && Covers(s, type) && s.Permissions.Contains(permission));

    /// <summary>Whether <paramref name="version"/> may reach <paramref name="client"/> by any permission.</summary>
    public static bool MaySee(string client, SeededVersion version) =>
        "rs".Any(p => TypeAllowed(client, version.Type, p) && (!Confined(client, version.Type, p) || version.Patients.Contains(AttackClients.LaunchPatient)));

    private static bool Covers((string Context, string Type, string Permissions) scope, string type) =>
        scope.Type == type || (scope.Type == "*" && type != "AuditEvent");

    private static IEnumerable<(string Context, string Type, string Permissions)> Scopes(string client) =>
        AttackClients.Scopes[client].Split(' ').Select(s =>
        {
            var slash = s.IndexOf('/');
            var dot = s.IndexOf('.', slash);
            return (s[..slash], s[(slash + 1)..dot], s[(dot + 1)..]);
        });
}

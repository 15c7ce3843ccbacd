using System.Text.Json;
using Xunit.Abstractions;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security.Confinement;

/// <summary>
/// The scope test generator of issue 12: every kind of interaction (<see cref="AttackCases"/>) × every client of the
/// attack (patient-scoped read and write, one type read and write, all types, a mixed grant) × the attack's data, on
/// both stores. For each response it asserts that no version outside the client's grant is returned (each seeded
/// version carries a unique marker), and for each probe that the answer is the same as for a value that matches
/// nothing (nothing outside the grant is confirmed); after the writing kinds, that nothing outside the grant changed
/// and nothing new was put outside it.
/// </summary>
public abstract class AccessMatrixTests(ServerFixture server, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly AttackClient _client = new(server);
    private AttackData _data = null!;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in AttackCases.Kinds)
        {
            foreach (var client in AttackClients.Attackers)
            {
                data.Add(client, kind);
            }
        }
        return data;
    }

    // Every row starts from the attack's data as seeded: the writing kinds of one client may legitimately change what
    // another client may see.
    public async Task InitializeAsync() => _data = await AttackData.SeedAsync(_client);

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Nothing_outside_the_grant_is_returned_confirmed_or_changed(string client, string kind)
    {
        var before = await SnapshotAsync();
        var started = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var violations = new List<string>();
        var sent = 0;
        foreach (var attack in AttackCases.For(kind, _data))
        {
            var observed = await _client.SendAsync(client, attack.Request);
            sent++;
            Leaks(client, attack.Request, observed, violations);
            if (observed.Status >= 500)
            {
                violations.Add($"{attack.Request}: {observed.Status} {Cut(observed.Body)}");
            }
            if (attack.Control is { } controlRequest && !attack.Depends!.Any(d => Visible(client, d)))
            {
                var control = await _client.SendAsync(client, controlRequest);
                sent++;
                Leaks(client, controlRequest, control, violations);
                var (a, b) = (Normalize(observed), Normalize(control));
                if (a != b)
                {
                    violations.Add($"confirmed: {attack.Request} answered [{a}] but [{b}] for a value that matches nothing");
                }
            }
        }
        violations.AddRange(await ChangesOutsideTheGrantAsync(client, before, started));
        output.WriteLine($"{client} × {kind}: {sent} requests");
        Assert.True(sent > 0);
        Assert.True(violations.Count == 0, $"{client} × {kind}: {violations.Count} of {sent} requests broke the grant:\n" + string.Join("\n", violations.Take(40)));
    }

    private void Leaks(string client, AttackRequest request, Observed observed, List<string> violations)
    {
        foreach (var version in _data.MarkedIn(observed.Body))
        {
            if (!Grants.MaySee(client, version))
            {
                violations.Add($"leaked {version.Type}/{version.Id} v{version.Version}: {request} -> {observed.Status}");
            }
        }
    }

    // Whether the client may see the current version of a resource the probe depends on.
    private bool Visible(string client, (string Type, string Id) resource)
    {
        var current = _data.Versions.LastOrDefault(v => v.Type == resource.Type && v.Id == resource.Id)
            ?? new SeededVersion(resource.Type, resource.Id, 1, null, new HashSet<string>());
        return current.Marker is not null && Grants.MaySee(client, current);
    }

    // Status and shape of an answer, without what differs between any two requests (ids of new resources, times,
    // diagnostics that repeat the query).
    private static string Normalize(Observed observed)
    {
        if (observed.Body.Length == 0)
        {
            return observed.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(observed.Body).RootElement;
        }
        catch (JsonException)
        {
            return $"{observed.Status} (not JSON)";
        }
        return $"{observed.Status} {Shape(root, observed.Status)}";
    }

    private static string Shape(JsonElement resource, int status)
    {
        var type = resource.TryGetProperty("resourceType", out var t) ? t.GetString() : "?";
        switch (type)
        {
            case "OperationOutcome":
                return "OO(" + string.Join(",", resource.GetProperty("issue").EnumerateArray()
                    .Select(i => i.GetProperty("severity").GetString() + ":" + i.GetProperty("code").GetString()).Order()) + ")";
            case "Bundle":
                var parts = new List<string> { resource.GetProperty("type").GetString()! };
                if (resource.TryGetProperty("total", out var total))
                {
                    parts.Add("total=" + total.GetRawText());
                }
                if (resource.TryGetProperty("entry", out var entries))
                {
                    foreach (var entry in entries.EnumerateArray())
                    {
                        var entryStatus = entry.TryGetProperty("response", out var response) ? response.GetProperty("status").GetString()!.Split(' ')[0] : null;
                        var inner = entry.TryGetProperty("resource", out var r) ? Shape(r, entryStatus is null ? status : int.Parse(entryStatus, System.Globalization.CultureInfo.InvariantCulture)) : "";
                        var mode = entry.TryGetProperty("search", out var search) ? search.GetProperty("mode").GetString() : "";
                        parts.Add($"[{entryStatus}{mode} {inner}]");
                    }
                }
                return "Bundle(" + string.Join(" ", parts) + ")";
            default:
                // A created resource's id is new every time; any other resource is named.
                return status == 201 ? type! : $"{type}/{(resource.TryGetProperty("id", out var id) ? id.GetString() : "")}";
        }
    }

    // The history length and current version of every seeded resource, as the seeder sees them.
    private async Task<Dictionary<string, string>> SnapshotAsync()
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var (type, id) in _data.Resources)
        {
            var observed = await _client.SendAsync(AttackClients.Seeder, new AttackRequest("GET", $"{type}/{id}/_history?_count=1000"));
            var entries = JsonDocument.Parse(observed.Body).RootElement.TryGetProperty("entry", out var e) ? e.GetArrayLength() : 0;
            snapshot[$"{type}/{id}"] = $"{observed.Status}:{entries}";
        }
        return snapshot;
    }

    private async Task<List<string>> ChangesOutsideTheGrantAsync(string client, Dictionary<string, string> before, DateTimeOffset started)
    {
        var violations = new List<string>();
        var after = await SnapshotAsync();
        foreach (var (type, id) in _data.Resources)
        {
            var key = $"{type}/{id}";
            if (before[key] != after[key] && !MayChange(client, type, id))
            {
                violations.Add($"changed {key}: history {before[key]} -> {after[key]}");
            }
        }
        // Everything written since the start: of a type the client may write and, when it is confined, its patient's alone.
        var since = Uri.EscapeDataString(started.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));
        var history = await _client.SendAsync(AttackClients.Seeder, new AttackRequest("GET", $"_history?_since={since}&_count=1000"));
        foreach (var entry in JsonDocument.Parse(history.Body).RootElement.TryGetProperty("entry", out var entries) ? entries.EnumerateArray() : default)
        {
            if (!entry.TryGetProperty("resource", out var resource))
            {
                continue;
            }
            var type = resource.GetProperty("resourceType").GetString()!;
            var id = resource.GetProperty("id").GetString()!;
            if (!"cu".Any(p => Grants.TypeAllowed(client, type, p)))
            {
                violations.Add($"written {type}/{id}, a type {client} may not write");
            }
            else if ("cu".All(p => !Grants.TypeAllowed(client, type, p) || Grants.Confined(client, type, p)))
            {
                var others = PatientReferences(resource).Where(p => p != AttackClients.LaunchPatient).ToList();
                if (type == "Patient" && id != AttackClients.LaunchPatient)
                {
                    others.Add(id);
                }
                if (others.Count > 0)
                {
                    violations.Add($"written {type}/{id} reaching {string.Join(", ", others)}");
                }
            }
        }
        return violations;
    }

    // Whether the client's grant lets it change a seeded resource: a type it may update or delete, and when confined,
    // one in its patient's compartment alone.
    private bool MayChange(string client, string type, string id)
    {
        if (!"ud".Any(p => Grants.TypeAllowed(client, type, p)))
        {
            return false;
        }
        if ("ud".All(p => !Grants.TypeAllowed(client, type, p) || Grants.Confined(client, type, p)))
        {
            var current = _data.Versions.Last(v => v.Type == type && v.Id == id);
            return current.Patients.Count == 1 && current.Patients.Contains(AttackClients.LaunchPatient) && current.Marker is not null;
        }
        return true;
    }

    private static IEnumerable<string> PatientReferences(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "reference" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        var parts = property.Value.GetString()!.Split('/');
                        var end = parts.Length >= 4 && parts[^2] == "_history" ? parts.Length - 2 : parts.Length;
                        if (end >= 2 && parts[end - 2] == "Patient")
                        {
                            yield return parts[end - 1];
                        }
                    }
                    foreach (var inner in PatientReferences(property.Value))
                    {
                        yield return inner;
                    }
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var inner in PatientReferences(item))
                    {
                        yield return inner;
                    }
                }
                break;
        }
    }

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

public sealed class AccessMatrixTestsOnSqlite(AttackSqliteServer server, ITestOutputHelper output) : AccessMatrixTests(server, output), IClassFixture<AttackSqliteServer>;

public sealed class AccessMatrixTestsOnPostgres(AttackPostgresServer server, ITestOutputHelper output) : AccessMatrixTests(server, output), IClassFixture<AttackPostgresServer>;

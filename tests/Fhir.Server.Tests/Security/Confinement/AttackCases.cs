using System.Globalization;

namespace Fhir.Server.Tests.Security.Confinement;

/// <summary>A request to send, and, for a probe, the control request whose answer must be the same.</summary>
/// <param name="Request">The request.</param>
/// <param name="Control">A request of the same shape whose value matches nothing, or null.</param>
/// <param name="Depends">The resources the probe's value identifies: the comparison applies when the client may see none of them.</param>
public sealed record AttackCase(AttackRequest Request, AttackRequest? Control = null, IReadOnlyList<(string Type, string Id)>? Depends = null);

/// <summary>
/// Generates the attack's requests of each kind for one data set: every interaction a client can send (reads,
/// version reads, history at every level, searches by GET and POST, counts, system-level and compartment searches,
/// <c>$everything</c>, includes, chains and <c>_has</c>, Bundle entries, conditional creates, updates, patches, deletes
/// and references, and writes of every kind), against every resource of the data and in the shapes of the attack:
/// another patient's, deleted, moved, shared, orphaned, reached through a third resource.
/// </summary>
public static class AttackCases
{
    public static readonly string[] Kinds = ["read", "bundle-read", "compartment", "include", "probe", "conditional", "write"];

    private static readonly string[] CompartmentTargets = ["Observation", "Encounter", "Group", "Patient", "*"];

    // Query templates whose value ({0}) identifies data of another patient (or nobody's); the control value matches nothing.
    private static readonly (string Type, string Query, string Probe, string Control, (string, string)[] Depends)[] Probes =
    [
        ("Group", "member:Patient.name={0}", "Bravo", "Zzzzz", [("Patient", "pat-b")]),
        ("Group", "member:Patient.birthdate={0}", "1965-05-05", "1901-01-01", [("Patient", "pat-b")]),
        ("Group", "member.name={0}", "Brav", "Zzzz", [("Patient", "pat-b")]),
        ("Group", "member:Patient.identifier=urn:test|{0}", "B", "none", [("Patient", "pat-b")]),
        ("Observation", "subject:Patient.name={0}", "Bravo", "Zzzzz", [("Patient", "pat-b")]),
        ("Observation", "subject:Patient.birthdate={0}", "1965-05-05", "1901-01-01", [("Patient", "pat-b")]),
        ("Observation", "subject:Patient.identifier=urn:test|{0}", "B", "none", [("Patient", "pat-b")]),
        ("Observation", "encounter:Encounter.subject:Patient.name={0}", "Bravo", "Zzzzz", [("Patient", "pat-b"), ("Encounter", "enc-b")]),
        ("Observation", "performer:Practitioner.name={0}", "Who", "Nobody", [("Practitioner", "prac-1"), ("Observation", "obs-a-perf")]),
        ("Patient", "_has:Observation:subject:identifier=urn:obs|{0}", "b1", "none", [("Observation", "obs-b1"), ("Patient", "pat-b")]),
        ("Encounter", "_has:Observation:encounter:identifier=urn:obs|{0}", "b-enc", "none", [("Observation", "obs-b-enc")]),
        ("Patient", "_has:Observation:subject:_has:Group:member:_id={0}", "grp-1", "grp-none", [("Group", "grp-1"), ("Observation", "obs-a1")]),
        ("Patient", "_has:AuditEvent:entity:altid={0}", AttackClients.Seeder, "nobody", [("AuditEvent", "*")]),
        ("Observation", "identifier=urn:obs|{0}", "b1", "none", [("Observation", "obs-b1")]),
        ("Observation", "identifier=urn:obs|{0}", "b-deleted", "none", [("Observation", "obs-b-deleted")]),
        ("Observation", "identifier=urn:obs|{0}", "orphan", "none", [("Observation", "obs-orphan")]),
        ("Observation", "_id={0}", "obs-b1", "obs-none", [("Observation", "obs-b1")]),
        ("Observation", "subject=Patient/{0}", "pat-ghost", "pat-none", [("Observation", "obs-orphan")]),
        ("Patient", "_id={0}", "pat-b", "pat-none", [("Patient", "pat-b")]),
        ("Patient", "name={0}", "Bravo", "Zzzzz", [("Patient", "pat-b")]),
        ("Patient", "birthdate={0}", "1965-05-05", "1901-01-01", [("Patient", "pat-b")]),
        ("Patient", "name={0}", "Delta", "Zzzzz", [("Patient", "pat-del")]),
        ("Encounter", "subject:Patient.name={0}", "Bravo", "Zzzzz", [("Patient", "pat-b"), ("Encounter", "enc-b")]),
        ("Practitioner", "name={0}", "Who", "Nobody", [("Practitioner", "prac-1")]),
    ];

    public static IEnumerable<AttackCase> For(string kind, AttackData data) => kind switch
    {
        "read" => Reads(data),
        "bundle-read" => BundleReads(data),
        "compartment" => Compartments(data),
        "include" => Includes(data),
        "probe" => ProbeSearches(),
        "conditional" => Conditionals(),
        "write" => Writes(data),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static IEnumerable<AttackCase> Reads(AttackData data)
    {
        foreach (var (type, id) in data.Resources)
        {
            yield return Get($"{type}/{id}");
            yield return Get($"{type}/{id}/_history");
            foreach (var version in data.Versions.Where(v => v.Type == type && v.Id == id))
            {
                yield return Get($"{type}/{id}/_history/{version.Version}");
            }
            yield return Get($"{type}?_id={id}");
            yield return Get($"{type}?_id={id}&_summary=count");
            yield return Get($"?_id={id}");
            yield return Get($"?_type={type}&_id={id}");
            yield return new(new AttackRequest("POST", $"{type}/_search", $"_id={id}", "application/x-www-form-urlencoded"));
            yield return new(new AttackRequest("POST", "_search", $"_id={id}", "application/x-www-form-urlencoded"));
            yield return Get($"{type}/{id}/$validate");
        }
        foreach (var type in data.Resources.Select(r => r.Type).Distinct())
        {
            yield return Get(type);
            yield return Get($"{type}?_count=1000");
            yield return Get($"{type}/_history");
            yield return Get($"{type}/_history?_count=1000");
            yield return Get($"{type}?_summary=count");
            yield return Get($"{type}?_tag={AttackData.MarkSystem}|");
        }
        yield return Get("_history?_count=1000");
        yield return Get("?_count=1000");
        yield return Get($"?_tag={AttackData.MarkSystem}|&_count=1000");
        yield return Get("?_summary=count");
    }

    // The same reads as entries of a batch and of a transaction.
    private static IEnumerable<AttackCase> BundleReads(AttackData data)
    {
        var urls = new List<string>();
        foreach (var (type, id) in data.Resources)
        {
            urls.Add($"{type}/{id}");
            urls.Add($"{type}/{id}/_history");
            urls.Add($"{type}?_id={id}");
            urls.AddRange(data.Versions.Where(v => v.Type == type && v.Id == id).Select(v => $"{type}/{id}/_history/{v.Version}"));
        }
        urls.AddRange(data.Resources.Select(r => r.Type).Distinct().SelectMany(t => new[] { $"{t}?_count=1000", $"{t}/_history" }));
        urls.Add("_history");
        foreach (var chunk in urls.Chunk(10))
        {
            yield return new(Bundle("batch", chunk.Select(u => Entry("GET", u))));
            yield return new(Bundle("transaction", chunk.Select(u => Entry("GET", u))));
        }
    }

    private static IEnumerable<AttackCase> Compartments(AttackData data)
    {
        // Every focal resource, existing or not: patients (deleted, never created), encounters (of either patient), a practitioner.
        var focal = data.Ids("Patient").Select(id => ("Patient", id)).Append(("Patient", "pat-ghost"))
            .Concat(data.Ids("Encounter").Select(id => ("Encounter", id))).Append(("Practitioner", "prac-1")).ToList();
        foreach (var (type, id) in focal)
        {
            foreach (var target in CompartmentTargets)
            {
                yield return Get($"{type}/{id}/{target}");
                yield return Get($"{type}/{id}/{target}?_summary=count");
            }
            yield return new(new AttackRequest("POST", $"{type}/{id}/Observation/_search", "_count=100", "application/x-www-form-urlencoded"));
            yield return Get($"{type}/{id}/$everything");
            yield return Get($"{type}/{id}/$everything?_count=1000");
        }
    }

    private static IEnumerable<AttackCase> Includes(AttackData data)
    {
        string[] searches =
        [
            "Observation?_include=Observation:subject", "Observation?_include=Observation:performer", "Observation?_include=Observation:encounter",
            "Observation?_include=*", "Observation?_include=Observation:subject&_include:iterate=Patient:link",
            "Patient?_revinclude=Observation:subject", "Patient?_revinclude=Observation:performer", "Patient?_revinclude=Group:member",
            "Patient?_revinclude=*", "Patient?_revinclude=AuditEvent:entity", "Encounter?_revinclude=Observation:encounter",
            "Group?_include=Group:member", "Group?_include=Group:member&_revinclude:iterate=Observation:subject",
            "Practitioner?_revinclude=Observation:performer", "Encounter?_include=Encounter:subject",
            "Observation?_include=Observation:encounter&_include:iterate=Encounter:subject",
        ];
        foreach (var search in searches)
        {
            yield return Get(search);
            yield return Get(search + "&_count=1");
        }
        foreach (var id in data.Ids("Observation"))
        {
            yield return Get($"Observation?_id={id}&_include=*");
        }
    }

    private static IEnumerable<AttackCase> ProbeSearches()
    {
        foreach (var (type, query, probe, control, depends) in Probes)
        {
            string Q(string value) => string.Format(CultureInfo.InvariantCulture, query, value);
            yield return Pair(new("GET", $"{type}?{Q(probe)}"), new("GET", $"{type}?{Q(control)}"), depends);
            yield return Pair(new("GET", $"{type}?{Q(probe)}&_summary=count"), new("GET", $"{type}?{Q(control)}&_summary=count"), depends);
            yield return Pair(new("GET", $"{type}?{Q(probe)}&_total=accurate"), new("GET", $"{type}?{Q(control)}&_total=accurate"), depends);
            yield return Pair(Form($"{type}/_search", Q(probe)), Form($"{type}/_search", Q(control)), depends);
            yield return Pair(new("GET", $"?_type={type}&{Q(probe)}"), new("GET", $"?_type={type}&{Q(control)}"), depends);
            yield return Pair(new("GET", $"Patient/{AttackClients.LaunchPatient}/{type}?{Q(probe)}"), new("GET", $"Patient/{AttackClients.LaunchPatient}/{type}?{Q(control)}"), depends);
            yield return Pair(Bundle("batch", [Entry("GET", $"{type}?{Q(probe)}")]), Bundle("batch", [Entry("GET", $"{type}?{Q(control)}")]), depends);
            yield return Pair(Bundle("transaction", [Entry("GET", $"{type}?{Q(probe)}")]), Bundle("transaction", [Entry("GET", $"{type}?{Q(control)}")]), depends);
        }
    }

    // The probes as the conditions of writes: conditional create (header and Bundle entry), update, patch, delete, and
    // conditional references in transactions.
    private static IEnumerable<AttackCase> Conditionals()
    {
        var n = 0;
        foreach (var (type, query, probe, control, depends) in Probes)
        {
            string Q(string value) => string.Format(CultureInfo.InvariantCulture, query, value);
            string Body() => type == "Observation"
                ? AttackData.Observation(null, AttackClients.LaunchPatient, $"cond-{n++}", null)
                : type == "Patient" ? """{"resourceType":"Patient","name":[{"family":"New"}]}"""
                : type == "Encounter" ? AttackData.Encounter("x", AttackClients.LaunchPatient, "\"language\":\"en\"").Replace("\"id\":\"x\",", "", StringComparison.Ordinal)
                : type == "Group" ? """{"resourceType":"Group","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/pat-a"}}]}"""
                : $$"""{"resourceType":"{{type}}"}""";
            AttackRequest IfNoneExist(string value) => new("POST", type, Body(), Headers: new Dictionary<string, string> { ["If-None-Exist"] = Q(value) });
            yield return Pair(IfNoneExist(probe), IfNoneExist(control), depends);
            yield return Pair(new("PUT", $"{type}?{Q(probe)}", Body()), new("PUT", $"{type}?{Q(control)}", Body()), depends);
            yield return Pair(new("PATCH", $"{type}?{Q(probe)}", """[{"op":"add","path":"/language","value":"en"}]""", "application/json-patch+json"),
                new("PATCH", $"{type}?{Q(control)}", """[{"op":"add","path":"/language","value":"en"}]""", "application/json-patch+json"), depends);
            yield return Pair(new("DELETE", $"{type}?{Q(probe)}"), new("DELETE", $"{type}?{Q(control)}"), depends);
            yield return Pair(Bundle("transaction", [EntryWith("POST", type, Body(), ifNoneExist: Q(probe))]), Bundle("transaction", [EntryWith("POST", type, Body(), ifNoneExist: Q(control))]), depends);
            yield return Pair(Bundle("batch", [EntryWith("POST", type, Body(), ifNoneExist: Q(probe))]), Bundle("batch", [EntryWith("POST", type, Body(), ifNoneExist: Q(control))]), depends);
            // A conditional reference to the probe's resource: from an Observation of the launch patient.
            var field = type == "Patient" ? "focus" : type is "Observation" ? "hasMember" : type == "Encounter" ? "encounter" : "focus";
            string Referring(string value) => AttackData.Observation(null, AttackClients.LaunchPatient, $"ref-{n++}", null,
                extra: field == "encounter" ? $$""","encounter":{"reference":"{{type}}?{{Q(value)}}"}""" : $$""","{{field}}":[{"reference":"{{type}}?{{Q(value)}}"}]""");
            yield return Pair(Bundle("transaction", [EntryWith("POST", "Observation", Referring(probe))]), Bundle("transaction", [EntryWith("POST", "Observation", Referring(control))]), depends);
        }
    }

    private static IEnumerable<AttackCase> Writes(AttackData data)
    {
        var pat = AttackClients.LaunchPatient;
        yield return new(new("POST", "Patient", """{"resourceType":"Patient","name":[{"family":"Made"}]}"""));
        yield return new(new("POST", "Patient", $$"""{"resourceType":"Patient","id":"{{pat}}","name":[{"family":"Alpha"}]}"""));
        foreach (var (type, id) in data.Resources)
        {
            yield return new(new("PUT", $"{type}/{id}", BodyFor(type, id)));
            yield return new(new("PATCH", $"{type}/{id}", """[{"op":"add","path":"/language","value":"en"}]""", "application/json-patch+json"));
            var current = data.Versions.Last(v => v.Type == type && v.Id == id);
            if (!(current.Patients.Count == 1 && current.Patients.Contains(pat)))
            {
                yield return new(new("DELETE", $"{type}/{id}"));
                yield return new(Bundle("transaction", [Entry("DELETE", $"{type}/{id}")]));
                yield return new(Bundle("batch", [EntryWith("PUT", $"{type}/{id}", BodyFor(type, id))]));
                yield return new(Bundle("transaction", [EntryWith("PUT", $"{type}/{id}", BodyFor(type, id))]));
            }
        }
        // New resources that would reach into another patient's compartment, or refer to another patient anywhere.
        string[] reaching =
        [
            AttackData.Observation(null, pat, "w-performer", null, extra: ""","performer":[{"reference":"Patient/pat-b"}]"""),
            AttackData.Observation(null, pat, "w-focus", null, extra: ""","focus":[{"reference":"Patient/pat-b"}]"""),
            AttackData.Observation(null, "pat-b", "w-subject", null),
            AttackData.Observation(null, pat, "w-absolute", null).Replace("\"Patient/pat-a\"", "\"http://localhost/fhir/Patient/pat-b\"", StringComparison.Ordinal),
            AttackData.Observation(null, pat, "w-extension", null, extra: ""","extension":[{"url":"urn:x","valueReference":{"reference":"Patient/pat-b"}}]"""),
            AttackData.Observation(null, pat, "w-contained", null, extra: ""","contained":[{"resourceType":"Observation","id":"c1","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/pat-b"}}],"hasMember":[{"reference":"#c1"}]"""),
            AttackData.Observation(null, pat, "w-history", null, extra: ""","performer":[{"reference":"Patient/pat-b/_history/1"}]"""),
            """{"resourceType":"Group","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/pat-a"}},{"entity":{"reference":"Patient/pat-b"}}]}""",
            """{"resourceType":"Patient","name":[{"family":"Made"}],"link":[{"other":{"reference":"Patient/pat-b"},"type":"seealso"}]}""",
        ];
        foreach (var body in reaching)
        {
            var type = body[(body.IndexOf(":\"", StringComparison.Ordinal) + 2)..body.IndexOf("\",", StringComparison.Ordinal)];
            yield return new(new("POST", type, body));
            yield return new(Bundle("transaction", [EntryWith("POST", type, body)]));
            yield return new(Bundle("batch", [EntryWith("POST", type, body)]));
        }
        // Update as create at ids nobody has, for another patient; at ids of deleted resources.
        yield return new(new("PUT", "Observation/w-new-b", AttackData.Observation("w-new-b", "pat-b", "w-new-b", null)));
        yield return new(new("PUT", "Patient/pat-del", AttackData.Patient("pat-del", "Alpha", "1970-01-01", "A", "\"language\":\"en\"")));
        yield return new(new("PUT", "Observation/obs-b-deleted", AttackData.Observation("obs-b-deleted", pat, "b-deleted", null)));
        yield return new(new("PUT", "Patient/pat-ghost", AttackData.Patient("pat-ghost", "Ghost", "1970-01-01", "G", "\"language\":\"en\"")));
    }

    // A body for PUT T/id that would place the resource in the launch patient's compartment alone.
    private static string BodyFor(string type, string id) => type switch
    {
        "Patient" => AttackData.Patient(id, "Alpha", "1970-01-01", "A", "\"language\":\"en\""),
        "Observation" => AttackData.Observation(id, AttackClients.LaunchPatient, id, null),
        "Encounter" => AttackData.Encounter(id, AttackClients.LaunchPatient, "\"language\":\"en\""),
        "Group" => $$$"""{"resourceType":"Group","id":"{{{id}}}","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/{{{AttackClients.LaunchPatient}}}"}}]}""",
        _ => $$"""{"resourceType":"{{type}}","id":"{{id}}"}""",
    };

    private static AttackCase Get(string url) => new(new AttackRequest("GET", url));

    private static AttackRequest Form(string url, string body) => new("POST", url, body, "application/x-www-form-urlencoded");

    private static AttackCase Pair(AttackRequest probe, AttackRequest control, (string, string)[] depends) => new(probe, control, depends);

    private static string Entry(string method, string url) => $$$"""{"request":{"method":"{{{method}}}","url":"{{{url}}}"}}""";

    private static string EntryWith(string method, string url, string resource, string? ifNoneExist = null)
    {
        var condition = ifNoneExist is null ? "" : $",\"ifNoneExist\":\"{ifNoneExist}\"";
        return $$$"""{"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{{{resource}}},"request":{"method":"{{{method}}}","url":"{{{url}}}"{{{condition}}}}}""";
    }

    private static AttackRequest Bundle(string type, IEnumerable<string> entries) =>
        new("POST", "", $$"""{"resourceType":"Bundle","type":"{{type}}","entry":[{{string.Join(",", entries)}}]}""");
}

using System.Globalization;
using System.Text.RegularExpressions;
using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Http;
using Fhir.Server.Jobs;
using Fhir.Server.Security;
using Fhir.Storage.Access;
using Fhir.Storage.Jobs;

namespace Fhir.Server.Bulk;

/// <summary>
/// The Bulk Data kick-off request (FHIR Bulk Data Access 2.0.0, §Bulk Data Kick-off Request): <c>[base]/$export</c>,
/// <c>[base]/Patient/$export</c>, <c>[base]/Group/[id]/$export</c>, and a study's cohort at
/// <c>[base]/ResearchStudy/[id]/$export</c> (its participants' compartments and the study's own resources), by GET or by
/// POST with a Parameters body. Checks every parameter, settles what will be exported under the client's grant, and
/// queues the job: 202 with the status URL in <c>Content-Location</c>. Parameters it cannot honour are errors (400), or,
/// with <c>Prefer: handling=lenient</c>, left out and reported in the manifest's error file.
/// </summary>
internal static partial class ExportKickOff
{
    private static readonly string[] OutputFormats = [ExportParameters.Ndjson, "application/ndjson", "ndjson"];
    private static readonly HashSet<string> Known = ["_outputFormat", "_since", "_type", "_elements", "includeAssociatedData", "_typeFilter", "_format", "_pretty"];
    private static readonly HashSet<string> ResultParameters = ["_include", "_revinclude", "_sort", "_count", "_summary", "_elements", "_total", "_contained", "_containedType"];
    private const string RelevantProvenance = "RelevantProvenanceResources";
    private const string LatestProvenance = "LatestProvenanceResources";

    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, JobQueue queue, ExportOptions options, CancellationToken ct)
    {
        if (Level(request) is not { } level)
        {
            return FhirResponse.Error(404, IssueType.NotSupported,
                $"$export is defined on the server, on Patient, on a Group and (here) on a ResearchStudy, not on {request.ResourceType}{(request.Id is null ? "" : "/" + request.Id)}.");
        }
        if (!request.Conditions.RespondAsync)
        {
            return FhirResponse.Error(400, IssueType.Invalid, "$export runs asynchronously: send the header 'Prefer: respond-async'.");
        }
        var (parameters, malformed) = ExportParameters.Read(request);
        if (malformed is not null)
        {
            return malformed;
        }
        var issues = new List<Issue>();
        var notes = new List<ExportNote>();
        var lenient = request.Conditions.LenientAsked;
        void Unsupported(string parameter, string message)
        {
            if (lenient)
            {
                notes.Add(new ExportNote($"Left out: {message}", parameter));
            }
            else
            {
                issues.Add(Issue.Error(IssueType.NotSupported, message + " (send 'Prefer: handling=lenient' to export without it)", parameter));
            }
        }

        foreach (var name in parameters!.Values.Select(v => v.Key).Distinct().Where(n => !Known.Contains(n)))
        {
            Unsupported(name, $"'{name}' is not a parameter of $export");
        }
        var outputFormat = parameters.Single("_outputFormat", issues)?.Trim();
        if (outputFormat is not null && !OutputFormats.Contains(outputFormat, StringComparer.OrdinalIgnoreCase))
        {
            issues.Add(Issue.Error(IssueType.NotSupported, $"The _outputFormat '{outputFormat}' is not supported: this server writes {string.Join(", ", OutputFormats)} (all NDJSON).", "_outputFormat"));
        }
        DateTimeOffset? since = null;
        if (parameters.Single("_since", issues) is { } sinceText)
        {
            since = ParseInstant(sinceText);
            if (since is null)
            {
                issues.Add(Issue.Error(IssueType.Invalid, $"_since must be a FHIR instant (e.g. 2024-01-01T00:00:00Z), not '{sinceText}'.", "_since"));
            }
        }
        var gate = request.Gate;
        var scope = gate.Scope;

        // Whose compartments: a Group's members, a study's participants, the patient parameter (POST).
        IReadOnlyList<string>? patients = null;
        IReadOnlyList<string>? extra = null;
        if (level == ExportLevel.Group)
        {
            var group = await request.Reader.ReadAsync("Group", request.Id!, ct);
            if (group is null)
            {
                return FhirResponse.NotFound("Group", request.Id!);
            }
            if (group.IsDeleted)
            {
                return FhirResponse.Gone("Group", request.Id!, group);
            }
            patients = Cohorts.GroupMembers(group);
        }
        else if (level == ExportLevel.Study)
        {
            var study = await request.Reader.ReadAsync("ResearchStudy", request.Id!, ct);
            if (study is null)
            {
                return FhirResponse.NotFound("ResearchStudy", request.Id!);
            }
            if (study.IsDeleted)
            {
                return FhirResponse.Gone("ResearchStudy", request.Id!, study);
            }
            patients = await Cohorts.StudyParticipantsAsync(request.Reader, context, request.Id!, ct);
            extra = await Cohorts.StudyResourcesAsync(request.Reader, study, ct);
        }
        if (parameters.Patients.Count > 0)
        {
            if (level == ExportLevel.System)
            {
                issues.Add(Issue.Error(IssueType.NotSupported, "'patient' does not apply to a system-level export: use Patient/$export or Group/[id]/$export.", "patient"));
            }
            else
            {
                var chosen = new List<string>();
                foreach (var reference in parameters.Patients)
                {
                    var id = Cohorts.PatientId(reference);
                    if (id is null)
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"'{reference}' is not a reference to a Patient.", "patient"));
                    }
                    else if (patients is not null && !patients.Contains(id))
                    {
                        Unsupported("patient", $"Patient/{id} is not {(level == ExportLevel.Group ? "a member of Group/" : "a participant of ResearchStudy/")}{request.Id}");
                    }
                    else if (await request.Reader.ReadAsync("Patient", id, ct) is not { IsDeleted: false })
                    {
                        Unsupported("patient", $"Patient/{id} is not present on the server");
                    }
                    else
                    {
                        chosen.Add(id);
                    }
                }
                patients = [.. chosen.Distinct(StringComparer.Ordinal)];
            }
        }

        // What types: those asked for, or every type the level covers that the client may read.
        var candidates = Candidates(level, context, extra);
        var types = new List<string>();
        var listed = parameters.List("_type");
        if (listed.Count > 0)
        {
            foreach (var type in listed.Distinct(StringComparer.Ordinal))
            {
                if (!context.Definitions.IsResourceType(type))
                {
                    Unsupported("_type", $"'{type}' is not a resource type of FHIR R4");
                }
                else if (!candidates.Contains(type))
                {
                    Unsupported("_type", $"{type} resources are never in a patient's compartment, so a {Describe(level)} export has none");
                }
                else if (!scope.MayRead(type) || !scope.MaySearch(type))
                {
                    return InteractionAccess.Forbidden(gate.Grant, type, Permissions.Read | Permissions.Search);
                }
                else
                {
                    types.Add(type);
                }
            }
        }
        else
        {
            types.AddRange(candidates.Where(t => scope.MayRead(t) && scope.MaySearch(t)).Order(StringComparer.Ordinal));
        }
        foreach (var value in parameters.List("includeAssociatedData").Distinct(StringComparer.Ordinal))
        {
            if (value == RelevantProvenance || (value == LatestProvenance && parameters.List("includeAssociatedData").Contains(RelevantProvenance)))
            {
                // Every Provenance the export's scope holds (all, or those in the patients' compartments): the least restrictive choice.
                if (!types.Contains("Provenance") && candidates.Contains("Provenance") && scope.MayRead("Provenance") && scope.MaySearch("Provenance"))
                {
                    types.Add("Provenance");
                }
            }
            else
            {
                Unsupported("includeAssociatedData", $"includeAssociatedData={value} is not supported (only {RelevantProvenance})");
            }
        }

        var elements = parameters.List("_elements");
        foreach (var element in elements)
        {
            if (!ElementName().IsMatch(element) || (element.Contains('.') && !context.Definitions.IsResourceType(element[..element.IndexOf('.')])))
            {
                issues.Add(Issue.Error(IssueType.Invalid, $"'{element}' is not an element name: use [element] or [resource type].[element], root elements only.", "_elements"));
            }
        }

        var filters = ParseTypeFilters(parameters, types, request, context, issues, Unsupported);
        if (issues.Any(i => i.IsError))
        {
            return FhirResponse.Error(400, issues);
        }
        if (filters.Violation is { } violation)
        {
            return gate.Refusal(violation);
        }

        var active = (await context.Store.ListJobsAsync(ExportRequest.Kind, ct))
            .Count(j => j.State is JobState.Queued or JobState.Running && IsClients(j, gate.Grant));
        if (active >= options.MaxActivePerClient)
        {
            return FhirResponse.Error(429, IssueType.Throttled, $"This client has {active} exports in progress; wait for one to complete (or DELETE it) before starting another.")
                with { Headers = [new("Retry-After", "30")] };
        }

        var export = new ExportRequest
        {
            Level = level,
            Focus = request.Id,
            Request = KickOffUrl(request),
            OutputFormat = ExportParameters.Ndjson,
            TransactionTime = context.Clock.GetUtcNow(),
            Since = since,
            Types = types,
            TypeFilters = filters.ByType.Count == 0 ? null : filters.ByType,
            Elements = elements.Count == 0 ? null : elements,
            Patients = patients,
            Extra = extra,
            Notes = notes.Count == 0 ? null : notes,
            Grant = DelegatedGrant.Of(gate.Grant),
        };
        return await BulkStatus.AcceptAsync(request, queue, ExportRequest.Kind, export.ToJson(), $"export of {types.Count} resource types", ct);
    }

    /// <summary>Whether <paramref name="job"/> (an export or import) was started by <paramref name="grant"/>'s client.</summary>
    internal static bool IsClients(JobRecord job, AccessGrant grant)
    {
        try
        {
            return job.Kind == ExportRequest.Kind ? ExportRequest.FromJson(job.Request).Grant.IsClient(grant) : ImportRequest.FromJson(job.Request).Grant.IsClient(grant);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static ExportLevel? Level(FhirRequest request) => (request.ResourceType, request.Id) switch
    {
        (null, null) => ExportLevel.System,
        ("Patient", null) => ExportLevel.Patient,
        ("Group", not null) => ExportLevel.Group,
        ("ResearchStudy", not null) => ExportLevel.Study,
        _ => null,
    };

    private static string Describe(ExportLevel level) => level switch
    {
        ExportLevel.Patient => "patient-level",
        ExportLevel.Group => "group",
        _ => "study",
    };

    // Patient-level and group exports cover the Patient compartment; a study's also its own resources' types.
    private static HashSet<string> Candidates(ExportLevel level, ServerContext context, IReadOnlyList<string>? extra)
    {
        if (level == ExportLevel.System)
        {
            return [.. context.Definitions.ResourceTypeNames];
        }
        var types = new HashSet<string>(context.Compartments.ResourceTypes("Patient"), StringComparer.Ordinal) { "Patient" };
        foreach (var reference in extra ?? [])
        {
            types.Add(reference[..reference.IndexOf('/')]);
        }
        return types;
    }

    private sealed record TypeFilters(Dictionary<string, IReadOnlyList<string>> ByType, ScopeViolationException? Violation);

    // _typeFilter: comma-separated Type?query alternatives (repeats joined). A comma inside a query's values stays with
    // it: only a comma followed by a type name and '?' starts the next query.
    private static TypeFilters ParseTypeFilters(
        ExportParameters parameters, List<string> types, FhirRequest request, ServerContext context, List<Issue> issues, Action<string, string> unsupported)
    {
        var byType = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        ScopeViolationException? violation = null;
        var handling = request.Conditions.LenientAsked ? HandlingMode.Lenient : HandlingMode.Strict;
        foreach (var value in parameters.Values.Where(v => v.Key == "_typeFilter").Select(v => v.Value))
        {
            foreach (var filter in FilterStart().Split(value).Where(f => f.Length > 0))
            {
                var question = filter.IndexOf('?');
                if (question <= 0)
                {
                    issues.Add(Issue.Error(IssueType.Invalid, $"'{filter}' is not a _typeFilter query: use [type]?[search parameters].", "_typeFilter"));
                    continue;
                }
                var type = filter[..question];
                if (!types.Contains(type))
                {
                    unsupported("_typeFilter", $"the _typeFilter '{filter}' is on {type}, which this export does not include");
                    continue;
                }
                var criteria = ExportQueries.Split(filter[(question + 1)..]);
                if (criteria.FirstOrDefault(c => ResultParameters.Contains(c.Key.Split(':')[0])) is { Key: { } result })
                {
                    issues.Add(Issue.Error(IssueType.Invalid, $"'{result}' may not be used in a _typeFilter (only search criteria).", "_typeFilter"));
                    continue;
                }
                var parsed = SearchQueryParser.Parse(type, criteria, context.SearchParameters,
                    new SearchParseOptions { Handling = handling, BaseUrl = request.BaseUrl, CodeSets = context.CodeSets });
                foreach (var issue in parsed.Issues)
                {
                    issues.Add(issue with { Message = $"_typeFilter '{filter}': {issue.Message}", Expression = "_typeFilter" });
                }
                try
                {
                    ScopeCheck.Search(parsed.Query, request.Gate.Scope);
                }
                catch (ScopeViolationException e)
                {
                    violation ??= e;
                }
                if (!byType.TryGetValue(type, out var list))
                {
                    byType[type] = list = [];
                }
                list.Add(ExportQueries.Join(parsed.SelfQuery.Where(p => p.Key is not ("_format" or "_pretty"))));
            }
        }
        return new TypeFilters(byType.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal), violation);
    }

    /// <summary>A FHIR instant: a dateTime to the second (at least) with a time zone.</summary>
    internal static DateTimeOffset? ParseInstant(string text) =>
        InstantPattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;

    private static string KickOffUrl(FhirRequest request)
    {
        var query = string.Join("&", request.Query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        return $"{request.BaseUrl}/{request.RelativeUrl}{(query.Length == 0 ? "" : "?" + query)}";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();

    [GeneratedRegex(@"^([A-Z][A-Za-z]+\.)?[a-z][A-Za-z0-9]*$")]
    private static partial Regex ElementName();

    [GeneratedRegex(@",(?=[A-Z][A-Za-z]+\?)")]
    private static partial Regex FilterStart();
}

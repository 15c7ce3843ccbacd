using System.Globalization;
using System.Runtime.CompilerServices;
using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Bulk;
using Fhir.Server.Http;
using Fhir.Server.Security;
using Fhir.Server.Views;
using Fhir.Views;
using Fhir.Views.Output;
using Microsoft.Net.Http.Headers;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>ViewDefinition/$run</c> and <c>ViewDefinition/[id]/$run</c> (SQL on FHIR v2, OperationDefinition <c>$run</c>): runs a
/// ViewDefinition (<c>viewResource</c> in a POST body, or <c>viewReference</c> to one of the server's views or to a Binary
/// holding one) over the server's resources of the view's type, read through the request's access gate (a view shows
/// nothing the client may not read), or over the <c>resource</c>s given. Filters: <c>patient</c>, <c>group</c> and, as
/// this server's addition, <c>study</c> (a ResearchStudy's participants) hold the rows to those patients' compartments;
/// <c>_since</c>; <c>_limit</c> (or <c>_count</c>) rows. Output by <c>_format</c> or <c>Accept</c>: csv (with
/// <c>header</c>), ndjson, json, parquet. The rows go to a temporary file first (Parquet needs a seekable stream, and an
/// error found at the millionth resource must still be an OperationOutcome), then stream out.
/// </summary>
internal static class ViewRunOperation
{
    private const int PageSize = 1_000;
    private const string RunsFolder = "view-runs";

    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, ServerViews views, BulkFolders folders, string? id, CancellationToken ct)
    {
        var (parameters, malformed) = ViewRunParameters.Read(request);
        if (malformed is not null)
        {
            return malformed;
        }
        var issues = new List<Issue>();
        foreach (var name in parameters!.Values.Select(v => v.Key).Distinct())
        {
            if (name is "source" or "_page")
            {
                issues.Add(Issue.Error(IssueType.NotSupported, $"'{name}' is not supported: the view runs over this server's data (or the resources given), all of it, up to _limit rows.", name));
            }
            else if (name is not ("_format" or "header" or "viewReference" or "patient" or "group" or "study" or "_since" or "_limit" or "_count" or "_pretty"))
            {
                issues.Add(Issue.Error(IssueType.NotSupported, $"'{name}' is not a parameter of ViewDefinition/$run.", name));
            }
        }
        var format = Format(parameters.First("_format"), request.Accept);
        if (format is null)
        {
            return FhirResponse.Error(parameters.First("_format") is null ? 406 : 400, IssueType.NotSupported,
                $"The view's rows can be written as csv, ndjson, json or parquet, not '{parameters.First("_format") ?? request.Accept}'.", "_format");
        }
        var header = parameters.First("header") switch
        {
            null or "true" => true,
            "false" => false,
            var other => Invalid(issues, "header", $"header must be true or false, not '{other}'."),
        };
        long? limit = null;
        if ((parameters.First("_limit") ?? parameters.First("_count")) is { } limitText)
        {
            if (long.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) && rows > 0)
            {
                limit = rows;
            }
            else
            {
                issues.Add(Issue.Error(IssueType.Invalid, $"_limit must be a positive integer, not '{limitText}'.", "_limit"));
            }
        }
        DateTimeOffset? since = null;
        if (parameters.First("_since") is { } sinceText && (since = ExportKickOff.ParseInstant(sinceText)) is null)
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"_since must be a FHIR instant (e.g. 2024-01-01T00:00:00Z), not '{sinceText}'.", "_since"));
        }
        if (issues.Count > 0)
        {
            return FhirResponse.Error(400, issues);
        }

        var (json, notFound) = await ViewJsonAsync(request, parameters, views, id, ct);
        if (notFound is not null)
        {
            return notFound;
        }
        var parsed = ViewDefinition.Parse(json);
        if (parsed.View is not { } view)
        {
            return FhirResponse.Error(400, parsed.Issues);
        }

        IAsyncEnumerable<ReadOnlyMemory<byte>> resources;
        if (parameters.Resources.Count > 0)
        {
            resources = Given(parameters.Resources);
        }
        else
        {
            var scope = request.Gate.Scope;
            if (!scope.MayRead(view.Resource) || !scope.MaySearch(view.Resource))
            {
                return InteractionAccess.Forbidden(request.Access, view.Resource, Permissions.Read | Permissions.Search);
            }
            var (patients, cohortError) = await PatientsAsync(request, parameters, context, ct);
            if (cohortError is not null)
            {
                return cohortError;
            }
            var criteria = new List<KeyValuePair<string, string>>();
            if (since is { } after)
            {
                criteria.Add(new("_lastUpdated", "gt" + Pipeline.ResourceWriter.FormatInstant(after)));
            }
            var query = SearchQueryParser.Parse(view.Resource, criteria, context.SearchParameters, HandlingMode.Strict, PageSize, PageSize).Query with { Patients = patients };
            resources = Stored(request, query, ct);
        }

        var folder = folders.Export.FolderOf(RunsFolder);
        var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".tmp");
        ViewRunResult result;
        try
        {
            await using var file = folders.Export.OpenForWrite(RunsFolder, System.IO.Path.GetFileName(path), 0);
            await using var writer = RowWriter.Create(format.Value, file);
            result = await ViewRunner.RunAsync(view, resources, writer, new ViewRunOptions { Limit = limit }, ct);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        if (!result.IsSuccess)
        {
            File.Delete(path);
            return FhirResponse.Error(422, result.Issues);
        }
        request.Audit?.AddEntity(parameters.First("viewReference") ?? (id is null ? "ViewDefinition" : "ViewDefinition/" + id));
        var skip = format == ViewOutputFormat.Csv && !header ? HeaderLength(path) : 0;
        return new FhirResponse(200)
        {
            ContentType = ContentType(format.Value),
            ContentLength = new FileInfo(path).Length - skip,
            Content = async (output, token) =>
            {
                try
                {
                    await using var input = new FileStream(path, new FileStreamOptions
                    {
                        Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete, BufferSize = 1 << 16, Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                    });
                    input.Position = skip;
                    await input.CopyToAsync(output, 1 << 16, token);
                }
                finally
                {
                    File.Delete(path);
                }
            },
        };
    }

    // The instance's own view, a viewReference (a server view by id or canonical URL, or a Binary holding one), or the body's viewResource.
    private static async Task<(byte[] Json, FhirResponse? Error)> ViewJsonAsync(FhirRequest request, ViewRunParameters parameters, ServerViews views, string? id, CancellationToken ct)
    {
        var references = parameters.All("viewReference").ToList();
        var given = (id is null ? 0 : 1) + references.Count + (parameters.ViewResource is null ? 0 : 1);
        if (given != 1)
        {
            return ([], FhirResponse.Error(400, IssueType.Required, given == 0
                ? "Give the view: viewResource (POST), viewReference, or ViewDefinition/[id]/$run."
                : "Give one view only: viewResource, viewReference or the instance URL.", "viewReference"));
        }
        if (parameters.ViewResource is { } inline)
        {
            return (inline, null);
        }
        var reference = id is null ? references[0] : "ViewDefinition/" + id;
        if (reference.StartsWith("Binary/", StringComparison.Ordinal))
        {
            var binaryId = reference["Binary/".Length..];
            var binary = FhirHttp.IsValidId(binaryId) ? await request.Reader.ReadAsync("Binary", binaryId, ct) : null;
            if (binary is not { IsDeleted: false })
            {
                return ([], FhirResponse.NotFound("Binary", binaryId));
            }
            using var document = System.Text.Json.JsonDocument.Parse(binary.Json);
            return document.RootElement.TryGetProperty("data", out var data) && data.TryGetBytesFromBase64(out var bytes)
                ? (bytes, null)
                : ([], FhirResponse.Error(400, IssueType.Invalid, $"{reference} holds no data (a ViewDefinition as base64 JSON).", "viewReference"));
        }
        var key = reference.StartsWith("ViewDefinition/", StringComparison.Ordinal) ? reference["ViewDefinition/".Length..] : reference;
        return views.Find(key) is { } json
            ? (json, null)
            : ([], FhirResponse.Error(404, IssueType.NotFound, $"This server has no ViewDefinition '{reference}' (its views are those of profiles/views, or a Binary holding one).", "viewReference"));
    }

    // patient, group and study: the union of the patients named, of the Groups' members and of the studies' participants.
    private static async Task<(PatientFilter?, FhirResponse?)> PatientsAsync(FhirRequest request, ViewRunParameters parameters, ServerContext context, CancellationToken ct)
    {
        List<string>? patients = null;
        foreach (var reference in parameters.All("patient"))
        {
            if (Cohorts.PatientId(reference) is not { } id || await request.Reader.ReadAsync("Patient", id, ct) is not { IsDeleted: false })
            {
                return (null, FhirResponse.Error(404, IssueType.NotFound, $"The patient '{reference}' is not present on the server.", "patient"));
            }
            (patients ??= []).Add(id);
        }
        foreach (var reference in parameters.All("group"))
        {
            var id = reference.StartsWith("Group/", StringComparison.Ordinal) ? reference[6..] : reference;
            var group = FhirHttp.IsValidId(id) ? await request.Reader.ReadAsync("Group", id, ct) : null;
            if (group is not { IsDeleted: false })
            {
                return (null, FhirResponse.Error(404, IssueType.NotFound, $"The group '{reference}' is not present on the server.", "group"));
            }
            (patients ??= []).AddRange(Cohorts.GroupMembers(group));
        }
        foreach (var reference in parameters.All("study"))
        {
            var id = reference.StartsWith("ResearchStudy/", StringComparison.Ordinal) ? reference["ResearchStudy/".Length..] : reference;
            if (!FhirHttp.IsValidId(id) || await request.Reader.ReadAsync("ResearchStudy", id, ct) is not { IsDeleted: false })
            {
                return (null, FhirResponse.Error(404, IssueType.NotFound, $"The study '{reference}' is not present on the server.", "study"));
            }
            (patients ??= []).AddRange(await Cohorts.StudyParticipantsAsync(request.Reader, context, id, ct));
        }
        return (patients is null ? null : PatientFilter.Of([.. patients.Distinct(StringComparer.Ordinal)]), null);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Stored(FhirRequest request, SearchQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (resource, _) in ResourceStream.ReadAsync(request.Reader, [query], 0, PageSize, ct))
        {
            yield return resource.Json;
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Given(List<byte[]> resources)
    {
        foreach (var resource in resources)
        {
            yield return resource;
        }
        await Task.CompletedTask;
    }

    // _format wins; otherwise the first Accept type that names a format; FHIR JSON or anything else means JSON rows.
    private static ViewOutputFormat? Format(string? format, string accept)
    {
        if (format is not null)
        {
            return RowWriter.ParseFormat(format.Split(';')[0]);
        }
        if (string.IsNullOrWhiteSpace(accept) || !MediaTypeHeaderValue.TryParseList([accept], out var types))
        {
            return ViewOutputFormat.Json;
        }
        foreach (var type in types)
        {
            var media = type.MediaType.Value ?? "";
            if (RowWriter.ParseFormat(media) is { } parsed)
            {
                return parsed;
            }
            if (media is "application/fhir+json" or "*/*" or "application/*" || media.EndsWith("+json", StringComparison.Ordinal))
            {
                return ViewOutputFormat.Json;
            }
        }
        return null;
    }

    private static string ContentType(ViewOutputFormat format) => format switch
    {
        ViewOutputFormat.Csv => "text/csv; charset=utf-8",
        ViewOutputFormat.Ndjson => "application/x-ndjson",
        ViewOutputFormat.Parquet => "application/vnd.apache.parquet",
        _ => "application/json",
    };

    // header=false: the CSV's first line is left out as it streams.
    private static long HeaderLength(string path)
    {
        using var file = File.OpenRead(path);
        long length = 0;
        int b;
        while ((b = file.ReadByte()) >= 0)
        {
            length++;
            if (b == '\n')
            {
                break;
            }
        }
        return length;
    }

    private static bool Invalid(List<Issue> issues, string name, string message)
    {
        issues.Add(Issue.Error(IssueType.Invalid, message, name));
        return true;
    }
}

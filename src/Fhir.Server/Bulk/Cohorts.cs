using System.Text.Json;
using Fhir.Search.Queries;
using Fhir.Storage;

namespace Fhir.Server.Bulk;

/// <summary>
/// The patients of a Group and of a ResearchStudy, and a study's own resources, read through the request's access gate
/// (a Group or a study the client cannot read does not exist for it; members it cannot read are filtered out later,
/// when their data is read through the same gate).
/// </summary>
internal static class Cohorts
{
    private const int Page = 1_000;

    /// <summary>The Patient members of a Group (<c>member.entity</c>), leaving out inactive ones; other members (a Device, a nested Group) are not patients.</summary>
    public static IReadOnlyList<string> GroupMembers(ResourceVersion group)
    {
        var members = new List<string>();
        using var document = JsonDocument.Parse(group.Json);
        if (!document.RootElement.TryGetProperty("member", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return members;
        }
        foreach (var member in list.EnumerateArray())
        {
            if (member.TryGetProperty("inactive", out var inactive) && inactive.ValueKind == JsonValueKind.True)
            {
                continue;
            }
            if (member.TryGetProperty("entity", out var entity) && PatientId(entity) is { } id)
            {
                members.Add(id);
            }
        }
        return [.. members.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The patients of a study: the <c>individual</c> of every ResearchSubject whose <c>study</c> is it.</summary>
    public static async Task<IReadOnlyList<string>> StudyParticipantsAsync(IResourceReader reader, ServerContext context, string studyId, CancellationToken ct)
    {
        var query = SearchQueryParser.Parse("ResearchSubject", [new("study", "ResearchStudy/" + studyId)], context.SearchParameters, HandlingMode.Strict, Page, Page).Query;
        var patients = new List<string>();
        await foreach (var (subject, _) in ResourceStream.ReadAsync(reader, [query], 0, Page, ct))
        {
            using var document = JsonDocument.Parse(subject.Json);
            if (document.RootElement.TryGetProperty("individual", out var individual) && PatientId(individual) is { } id)
            {
                patients.Add(id);
            }
        }
        return [.. patients.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>A study and the resources it refers to (protocol, enrollment Groups, sponsor, sites, investigators...), as <c>Type/id</c>.</summary>
    public static async Task<IReadOnlyList<string>> StudyResourcesAsync(IResourceReader reader, ResourceVersion study, CancellationToken ct)
    {
        var referenced = await reader.IncludeAsync(new IncludeRequest(IncludeDirection.Include, [new ResourceRef(study.Type, study.Id)], study.Type, null, null, 10_000), ct);
        return [$"{study.Type}/{study.Id}", .. referenced.Select(r => $"{r.Type}/{r.Id}")];
    }

    /// <summary>The id a Reference (a JSON object) points at when it is a Patient; null otherwise.</summary>
    public static string? PatientId(JsonElement reference) =>
        reference.ValueKind == JsonValueKind.Object && reference.TryGetProperty("reference", out var text) && text.ValueKind == JsonValueKind.String
            ? PatientId(text.GetString()!)
            : null;

    /// <summary>
    /// The id in a reference to a Patient: <c>Patient/1</c>, <c>Patient/1/_history/2</c> or an absolute URL ending so; null for
    /// anything else (another type, a contained or conditional reference).
    /// </summary>
    public static string? PatientId(string reference)
    {
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        var path = history < 0 ? reference : reference[..history];
        var segments = path.Split('/');
        return segments.Length >= 2 && segments[^2] == "Patient" && Http.FhirHttp.IsValidId(segments[^1]) ? segments[^1] : null;
    }
}

using System.Globalization;
using System.Buffers.Text;
using System.Text;
using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Bundles;
using Fhir.Server.Http;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>$candidates</c>: <c>[base]/ResearchStudy/[id]/$candidates?_count=&amp;_summary=count</c> — registry pre-screening: the
/// patients in the store, not yet enrolled in the study, that meet its eligibility criteria and those whose results
/// cannot decide them, as a searchset Bundle of Patients (eligible first, then undecidable, each by id); each entry's
/// <c>search</c> carries the status and the reason per criterion (a FHIR operation, R4 §3.1.0.11; layout in design.md).
/// Paged with an opaque <c>_cursor</c>.
/// </summary>
internal static class CandidatesOperation
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var count = context.Options.DefaultPageSize;
        var summaryCount = false;
        string? cursor = null;
        foreach (var (name, value) in request.Query)
        {
            switch (name)
            {
                case "_count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1)
                    {
                        return FhirResponse.Error(400, IssueType.Invalid, $"_count must be a positive integer, not '{value}'.", "_count");
                    }
                    count = Math.Min(count, context.Options.MaxPageSize);
                    break;
                case "_summary":
                    if (value is not ("count" or "false"))
                    {
                        return FhirResponse.Error(400, IssueType.NotSupported, $"$candidates supports _summary=count only, not '{value}'.", "_summary");
                    }
                    summaryCount = value == "count";
                    break;
                case "_cursor":
                    cursor = value;
                    break;
                case "_format" or "_pretty":
                    break;
                default:
                    return FhirResponse.Error(400, IssueType.NotSupported, $"$candidates takes _count, _summary and _cursor, not '{name}'.", name);
            }
        }
        if (!TryDecode(cursor, out var after))
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"'{cursor}' is not a valid paging cursor.", "_cursor");
        }

        var candidates = await new CandidateScreener(request.Reader).ScreenAsync(request.Id!, ct);
        if (candidates is null)
        {
            return FhirResponse.NotFound("ResearchStudy", request.Id!);
        }
        var url = $"{request.BaseUrl}/ResearchStudy/{request.Id}/$candidates";
        if (summaryCount)
        {
            using var counted = new BundleWriter("searchset", request.BaseUrl, candidates.Count, [("self", url + "?_summary=count")]);
            return new FhirResponse(200) { Body = counted.Finish() };
        }

        var start = 0;
        if (after is { } position)
        {
            // The first candidate after the cursor's position in the list's order (eligible first, then by id).
            while (start < candidates.Count && Compare(candidates[start], position) <= 0)
            {
                start++;
            }
        }
        var page = candidates.Skip(start).Take(count).ToList();
        var first = $"{url}?_count={count.ToString(CultureInfo.InvariantCulture)}";
        var links = new List<(string, string)> { ("self", cursor is null ? first : $"{first}&_cursor={cursor}") };
        if (cursor is not null)
        {
            links.Add(("first", first));
        }
        if (start + page.Count < candidates.Count)
        {
            links.Add(("next", $"{first}&_cursor={Encode(page[^1])}"));
        }

        // The page's patients in one search.
        var patients = new Dictionary<string, Storage.ResourceVersion>(StringComparer.Ordinal);
        if (page.Count > 0)
        {
            var ids = new SearchCriterion("_id", SearchParamType.Special, null, [.. page.Select(c => new TokenSearchValue(null, c.PatientId, SystemGiven: false))]);
            foreach (var patient in (await request.Reader.SearchAsync(new SearchQuery("Patient", [ids], page.Count), ct)).Resources)
            {
                patients[patient.Id] = patient;
            }
        }
        using var bundle = new BundleWriter("searchset", request.BaseUrl, candidates.Count, links);
        foreach (var candidate in page)
        {
            if (patients.TryGetValue(candidate.PatientId, out var patient))
            {
                var extensions = new List<(string, string, string)>
                {
                    (TrialCodes.CandidateStatus, "valueCode", candidate.Status == CandidateStatus.Eligible ? "eligible" : "undecidable"),
                };
                extensions.AddRange(candidate.Result.Criteria.Select(c => (TrialCodes.CandidateReason, "valueString", $"{c.Name}: {c.Reason}")));
                bundle.AddSearchEntry(patient, extensions);
            }
        }
        return new FhirResponse(200) { Body = bundle.Finish() };
    }

    private static int Compare(Candidate candidate, (CandidateStatus Status, string PatientId) position) =>
        candidate.Status != position.Status ? candidate.Status.CompareTo(position.Status) : string.CompareOrdinal(candidate.PatientId, position.PatientId);

    // The cursor names the last candidate of the previous page: "e|id" or "u|id", base64url.
    private static string Encode(Candidate last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes((last.Status == CandidateStatus.Eligible ? "e|" : "u|") + last.PatientId));

    private static bool TryDecode(string? text, out (CandidateStatus Status, string PatientId)? position)
    {
        position = null;
        if (text is null)
        {
            return true;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            if (decoded.Length > 2 && decoded[1] == '|' && decoded[0] is 'e' or 'u')
            {
                position = (decoded[0] == 'e' ? CandidateStatus.Eligible : CandidateStatus.Undecidable, decoded[2..]);
                return true;
            }
        }
        catch (FormatException)
        {
        }
        return false;
    }
}

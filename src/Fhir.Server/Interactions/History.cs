using System.Globalization;
using Fhir.Core.Outcomes;
using Fhir.Core.Primitives;
using Fhir.Server.Bundles;
using Fhir.Server.Http;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// history: <c>GET [base]/[type]/[id]/_history</c>, <c>[base]/[type]/_history</c> and <c>[base]/_history</c>,
/// newest first, with <c>_since</c>, <c>_count</c> and keyset paging links (FHIR R4 RESTful API §3.1.0.9).
/// </summary>
internal static class History
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var count = context.Options.DefaultPageSize;
        DateTimeOffset? since = null;
        long? before = null;
        foreach (var (name, value) in request.Query)
        {
            switch (name)
            {
                case "_count" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c):
                    count = Math.Clamp(c, 1, context.Options.MaxPageSize);
                    break;
                case "_since" when PartialDateTime.TryParse(value, out var s, requireTimezone: true) && s.HasTime:
                    since = new DateTimeOffset(s.LowUtc, TimeSpan.Zero);
                    break;
                case "_cursor" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var b):
                    before = b;
                    break;
                case "_format" or "_pretty":
                    break;
                default:
                    return FhirResponse.Error(400, IssueType.Invalid, $"'{name}={value}' is not a valid history parameter (_since takes an instant with a timezone, _count a positive integer).", name);
            }
        }
        // Through the gate: an instance the request may not see has no history for it; each version is judged as written.
        if (request.ResourceType is null && request.Gate.Scope.ReadTypes is { Count: 0 })
        {
            return Security.InteractionAccess.Forbidden(request.Access, "any resource type", Security.Permissions.Read);
        }
        if (request.Id is not null && await request.Reader.ReadAsync(request.ResourceType!, request.Id, ct) is null)
        {
            return FhirResponse.NotFound(request.ResourceType!, request.Id);
        }

        // The page stops at the response size limit (at least one version); the next link goes on after it.
        var path = request.ResourceType is null ? "_history" : request.Id is null ? $"{request.ResourceType}/_history" : $"{request.ResourceType}/{request.Id}/_history";
        var page = await request.Reader.HistoryAsync(new HistoryQuery(request.ResourceType, request.Id, since, count, before)
        {
            MaxBytes = ResponseLimits.ForResources(request.MaxResponseBytes, $"{request.BaseUrl}/{path}", request.Query),
            EntryOverheadBytes = ResponseLimits.EntryOverhead(request.BaseUrl),
        }, ct);
        var common = $"{request.BaseUrl}/{path}?_count={count}" + (since is { } sinceValue ? "&_since=" + Uri.EscapeDataString(sinceValue.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)) : "");
        var links = new List<(string, string)> { ("self", before is null ? common : $"{common}&_cursor={before}") };
        if (before is not null)
        {
            links.Add(("first", common));
        }
        if (page.Next is { } next)
        {
            links.Add(("next", $"{common}&_cursor={next}"));
        }
        using var bundle = new BundleWriter("history", request.BaseUrl, links: links, sizeHint: ResponseLimits.SizeHint(page.Entries, request.BaseUrl));
        foreach (var version in page.Entries)
        {
            bundle.AddHistoryEntry(version);
        }
        return bundle.Length > request.MaxResponseBytes ? ResponseLimits.TooLarge(bundle.Length, request.MaxResponseBytes) : new FhirResponse(200) { Body = bundle.Finish() };
    }
}

using Fhir.Core.Outcomes;
using Fhir.Server.Bundles;
using Fhir.Server.Http;
using Fhir.Storage;

namespace Fhir.Server.Search;

/// <summary>
/// The entries of a searchset page: the matches (search.mode <c>match</c>), the resources
/// <c>_include</c>/<c>_revinclude</c> add (<c>include</c>), both shaped by <c>_summary</c>/<c>_elements</c>,
/// and one OperationOutcome entry (<c>outcome</c>) for the warnings, if any. Includes stop where the response would
/// pass <see cref="FhirRequest.MaxResponseBytes"/>.
/// </summary>
internal static class SearchEntries
{
    /// <summary>Adds the page's entries to <paramref name="bundle"/>.</summary>
    public static async Task AddAsync(
        BundleWriter bundle, IReadOnlyList<ResourceVersion> matches, ResultParameters results, IEnumerable<Issue> warnings,
        ServerContext context, CancellationToken ct, FhirRequest request)
    {
        var outcome = warnings.Where(i => !i.IsError).ToList();
        var matchShape = results.MatchShape;
        foreach (var match in matches)
        {
            bundle.AddSearchEntry(ResourceShaper.Shape(match, matchShape));
        }
        // Included resources the client may not read are left out by the gate, as if they did not exist.
        var (included, truncated) = await IncludeResolver.ResolveAsync(
            request.Reader, matches, results.Includes, context, ct, request.MaxResponseBytes - bundle.Length - Http.ResponseLimits.OutcomeReserve, Http.ResponseLimits.EntryOverhead(request.BaseUrl));
        var includeShape = results.IncludeShape;
        foreach (var resource in included)
        {
            bundle.AddSearchEntry(ResourceShaper.Shape(resource, includeShape), "include");
        }
        if (truncated is not null)
        {
            outcome.Add(truncated);
        }
        if (outcome.Count > 0)
        {
            bundle.AddOutcomeEntry(outcome);
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using Fhir.Search.Queries;
using Fhir.Storage;
using Fhir.Trials.Loading;
using Fhir.Trials.Model;

namespace Fhir.Trials.Eligibility;

/// <summary>
/// Registry pre-screening (<c>$candidates</c>): the patients in the store, not yet enrolled in the study, whose latest
/// valid genomic results meet its criteria, and those whose results cannot decide them. Set-based: the search index
/// narrows the store to the patients with a copy-number result that may qualify (at or above the threshold, or reported
/// as a range: the custom <c>copy-number</c> and <c>copy-number-range</c> parameters), their Variant results are read by
/// lists of patient ids, and <see cref="EligibilityEvaluator"/> decides each.
/// A patient without such a result is not screened (nothing that could qualify was found), and one whose results fail a
/// criterion is not listed.
/// </summary>
public sealed class CandidateScreener(IResourceReader store)
{
    private const int PageSize = 2000;

    // Patients per search: few round trips, below SQLite's 500 terms of a compound SELECT.
    private const int BatchSize = 400;

    // Searches in flight at once.
    private const int Parallel = 2;

    private readonly Lock _timing = new();

    /// <summary>Where the last screening spent its time in the store's calls (for the benchmark).</summary>
    internal TimeSpan StoreTime { get; private set; }

    /// <summary>The last screening's searches: what, rows, store time (for the benchmark).</summary>
    internal List<(string What, int Rows, TimeSpan Time)> Searches { get; } = [];

    /// <summary>The candidates, eligible ones first, then undecidable ones, each by patient id; null when there is no such study.</summary>
    public async Task<IReadOnlyList<Candidate>?> ScreenAsync(string studyId, CancellationToken ct = default)
    {
        StoreTime = TimeSpan.Zero;
        Searches.Clear();
        var started = Stopwatch.GetTimestamp();
        var version = await store.ReadAsync("ResearchStudy", studyId, ct);
        StoreTime += Stopwatch.GetElapsedTime(started);
        if (version is null || version.IsDeleted)
        {
            return null;
        }
        TrialStudy study;
        using (var json = JsonDocument.Parse(version.Json))
        {
            study = TrialMapper.Study(json.RootElement, studyId);
        }
        var thresholds = study.Thresholds;

        var variantCode = new SearchCriterion("code", SearchParamType.Token, null, [new TokenSearchValue(TrialCodes.Loinc, TrialCodes.VariantCode, SystemGiven: true)]);
        // The results with a copy number at or above the threshold (the custom copy-number parameter: one index, where the
        // R4 composite component-code-value-quantity joins two) and those with a copy number reported as a range
        // (copy-number-range), which no threshold can decide: their patients are the ones to screen.
        var amplifiedRead = SearchAllAsync("Observation", [AtLeast("copy-number", thresholds.Mdm2CopyNumberMin)], ct);
        var rangesRead = SearchAllAsync("Observation", [AtLeast("copy-number-range", 0)], ct);
        var enrolledRead = SearchAllAsync("ResearchSubject", [new SearchCriterion("study", SearchParamType.Reference, null, [new ReferenceSearchValue("ResearchStudy", studyId, null)])], ct);
        await Task.WhenAll(amplifiedRead, rangesRead, enrolledRead);

        var enrolled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var subject in enrolledRead.Result)
        {
            using var json = JsonDocument.Parse(subject.Json);
            if (json.RootElement.Child("individual").ReferenceId("Patient") is { } patient)
            {
                enrolled.Add(patient);
            }
        }
        var screened = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var observation in amplifiedRead.Result.Concat(rangesRead.Result))
        {
            using var json = JsonDocument.Parse(observation.Json);
            if (json.RootElement.Child("subject").ReferenceId("Patient") is { } patient && !enrolled.Contains(patient))
            {
                screened.Add(patient);
            }
        }

        // Every Variant result of those patients (a later result may overturn the one that found them; TP53 decides too),
        // by lists of patient ids, two searches at a time.
        var results = new Dictionary<string, List<VariantResult>>(StringComparer.Ordinal);
        var batches = screened.Chunk(BatchSize).ToList();
        for (var b = 0; b < batches.Count; b += Parallel)
        {
            // subject:Patient._id=… (a chain to the listed patients): both stores plan it from the list; a plain OR-list of
            // subject references was three times slower on PostgreSQL.
            var reads = batches.Skip(b).Take(Parallel).Select(batch => SearchAllAsync("Observation",
                [variantCode, new SearchCriterion("subject", SearchParamType.Reference, null,
                    [new ChainSearchValue(["Patient"], new SearchCriterion("_id", SearchParamType.Special, null, [.. batch.Select(id => new TokenSearchValue(null, id, SystemGiven: false))]))])], ct)).ToList();
            foreach (var observations in await Task.WhenAll(reads))
            {
                foreach (var observation in observations)
                {
                    using var json = JsonDocument.Parse(observation.Json);
                    if (json.RootElement.Child("subject").ReferenceId("Patient") is { } patient
                        && TrialMapper.Variant(json.RootElement, observation.Id) is { } variant)
                    {
                        (results.TryGetValue(patient, out var list) ? list : results[patient] = []).Add(variant);
                    }
                }
            }
        }

        var eligible = new List<Candidate>();
        var undecidable = new List<Candidate>();
        foreach (var patient in screened)
        {
            var result = EligibilityEvaluator.Evaluate(thresholds, results.TryGetValue(patient, out var list) ? list : []);
            if (result.Eligible)
            {
                eligible.Add(new Candidate(patient, CandidateStatus.Eligible, result));
            }
            // Undecidable needs a valid MDM2 result that cannot decide (one entered in error is no result at all).
            else if (result.Criteria.All(c => c.Met != false) && result.Criteria[0].Evidence.Count > 0)
            {
                undecidable.Add(new Candidate(patient, CandidateStatus.Undecidable, result));
            }
        }
        return [.. eligible, .. undecidable];
    }

    // code >= minimum, the minimum taken as exact: a search value's precision range is the threshold ± ½·10⁻⁶, so that 8
    // does not also find 7.5 to 7.9 as "ge8" would (values so close to the threshold are decided by the evaluator).
    private static SearchCriterion AtLeast(string code, decimal minimum) =>
        new(code, SearchParamType.Quantity, null, [QuantityCanonicalizer.Search(SearchPrefix.Ge, minimum, minimum - 0.0000005m, minimum + 0.0000005m, null, null)]);

    private async Task<List<ResourceVersion>> SearchAllAsync(string type, IReadOnlyList<SearchCriterion> criteria, CancellationToken ct)
    {
        var all = new List<ResourceVersion>();
        SearchCursor? after = null;
        var spent = TimeSpan.Zero;
        do
        {
            var started = Stopwatch.GetTimestamp();
            var page = await store.SearchAsync(new SearchQuery(type, criteria, PageSize, after), ct);
            spent += Stopwatch.GetElapsedTime(started);
            all.AddRange(page.Resources);
            after = page.Next;
        }
        while (after is not null);
        lock (_timing)
        {
            StoreTime += spent;
            Searches.Add((type + " " + string.Join("&", criteria.Select(c => c.Modifier is null ? c.Code : c.Code + ":" + c.Modifier)), all.Count, spent));
        }
        return all;
    }
}

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
/// as a range), their Variant results are read in a few searches, and <see cref="EligibilityEvaluator"/> decides each.
/// A patient without such a result is not screened (nothing that could qualify was found), and one whose results fail a
/// criterion is not listed.
/// </summary>
public sealed class CandidateScreener(IFhirStore store)
{
    private const int PageSize = 2000;

    // Patients per OR-list of subject references: few round trips, below SQLite's 500 terms of a compound SELECT.
    private const int BatchSize = 400;

    // OR-list searches in flight at once.
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
        // The patients with a copy number at or above the threshold (the R4 composite, as a search: with the precision of
        // the threshold as written it may find a few just below; the evaluator decides exactly), and those with a copy
        // number reported as a range (the custom copy-number-range parameter), which no threshold can decide. Patients
        // are read rather than their Observations: only their ids are needed here.
        var amplifiedRead = SearchAllAsync("Patient", [HasObservation(Amplified(thresholds.Mdm2CopyNumberMin))], ct);
        var rangesRead = SearchAllAsync("Patient", [HasObservation(new SearchCriterion("copy-number-range", SearchParamType.Quantity, null,
            [QuantityCanonicalizer.Search(SearchPrefix.Ge, 0, -0.5m, 0.5m, null, null)]))], ct);
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
        foreach (var patient in amplifiedRead.Result.Concat(rangesRead.Result))
        {
            if (!enrolled.Contains(patient.Id))
            {
                screened.Add(patient.Id);
            }
        }

        // Every Variant result of those patients (a later result may overturn the one that found them; TP53 decides too),
        // in OR-lists of subjects, two searches at a time.
        var results = new Dictionary<string, List<VariantResult>>(StringComparer.Ordinal);
        var batches = screened.Chunk(BatchSize).ToList();
        for (var b = 0; b < batches.Count; b += Parallel)
        {
            var reads = batches.Skip(b).Take(Parallel).Select(batch => SearchAllAsync("Observation",
                [variantCode, new SearchCriterion("subject", SearchParamType.Reference, null, [.. batch.Select(id => new ReferenceSearchValue("Patient", id, null))])], ct)).ToList();
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

    // _has:Observation:subject:[criterion]: a patient with an Observation that meets the criterion.
    private static SearchCriterion HasObservation(SearchCriterion criterion) =>
        new("_has", SearchParamType.Special, null, [new ReverseChainSearchValue("Observation", "subject", criterion)]);

    // component-code-value-quantity = LOINC 82155-3 $ ge{minimum}, the threshold's precision as written (8 covers 7.5..8.5).
    private static SearchCriterion Amplified(decimal minimum)
    {
        var half = 0.5m / (decimal)Math.Pow(10, minimum.Scale);
        const string code = "component-code-value-quantity";
        return new SearchCriterion(code, SearchParamType.Composite, null,
        [
            new CompositeSearchValue(
            [
                new SearchCriterion(code + "$0", SearchParamType.Token, null, [new TokenSearchValue(TrialCodes.Loinc, TrialCodes.CopyNumber, SystemGiven: true)]),
                new SearchCriterion(code + "$1", SearchParamType.Quantity, null, [QuantityCanonicalizer.Search(SearchPrefix.Ge, minimum, minimum - half, minimum + half, null, null)]),
            ]),
        ]);
    }

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

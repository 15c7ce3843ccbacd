using System.Diagnostics;
using System.Text.Json;
using Fhir.Search.Queries;
using Fhir.Storage;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Trials.Loading;

/// <summary>
/// Reads a study's data from the store with a handful of set-based searches: the participants of
/// the study, then their patients and drug administrations in batches of ids, the response observations
/// by code, and the study's adverse events in one search. Never one query per patient.
/// </summary>
public sealed class TrialLoader(IFhirStore store)
{
    // Ids per OR-list: few round trips, yet below SQLite's expression depth limit of 1000 (each OR nests one level).
    private const int BatchSize = 200;
    private const int PageSize = 2000;

    private TrialLoadTimings? timings;

    /// <summary>The study's configuration, or null when there is no such (current) ResearchStudy.</summary>
    public async Task<TrialStudy?> LoadStudyAsync(string studyId, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var version = await store.ReadAsync("ResearchStudy", studyId, ct);
        Spent(started);
        return version is null || version.IsDeleted ? null : Map(version, json => TrialMapper.Study(json, studyId));
    }

    /// <summary>The study with its participants and their data, or null when there is no such study.</summary>
    public Task<TrialData?> LoadAsync(string studyId, CancellationToken ct = default) => LoadAsync(studyId, null, ct);

    /// <summary>As <see cref="LoadAsync(string, CancellationToken)"/>, adding where the time went to <paramref name="timings"/>.</summary>
    internal async Task<TrialData?> LoadAsync(string studyId, TrialLoadTimings? timings, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        this.timings = timings;
        try
        {
            return await LoadCoreAsync(studyId, ct);
        }
        finally
        {
            if (timings is not null)
            {
                timings.Total += Stopwatch.GetElapsedTime(started);
            }
            this.timings = null;
        }
    }

    private async Task<TrialData?> LoadCoreAsync(string studyId, CancellationToken ct)
    {
        var study = await LoadStudyAsync(studyId, ct);
        if (study is null)
        {
            return null;
        }
        var subjects = new List<(string Id, string PatientId, string? Arm, DateOnly Start, DateOnly? End)>();
        foreach (var version in await SearchAllAsync("ResearchSubject", [Reference("study", "ResearchStudy", [studyId])], ct))
        {
            // The profile requires the patient and the start; a participant without them cannot be placed on the time axis.
            if (Map(version, TrialMapper.Subject) is var (patient, arm, start, end))
            {
                subjects.Add((version.Id, patient, arm, start, end));
            }
        }
        var patientIds = subjects.Select(s => s.PatientId).Distinct().Order(StringComparer.Ordinal).ToList();

        var deaths = new Dictionary<string, DateOnly>();
        var assessments = new Dictionary<string, List<ResponseAssessment>>();
        var priorTtp = new Dictionary<string, double>();
        var doses = new Dictionary<string, List<DoseRecord>>();
        foreach (var batch in patientIds.Chunk(BatchSize))
        {
            foreach (var version in await SearchAllAsync("Patient", [new SearchCriterion("_id", SearchParamType.Special, null, [.. batch.Select(id => new TokenSearchValue(null, id, SystemGiven: false))])], ct))
            {
                if (Map(version, TrialMapper.Death) is { } died)
                {
                    deaths[version.Id] = died;
                }
            }
        }

        // One search by code for all response observations: the token index answers it directly, where an
        // OR-list of a thousand subject references costs far more; other studies' rows are dropped here.
        var enrolled = patientIds.ToHashSet(StringComparer.Ordinal);
        var codes = new SearchCriterion("code", SearchParamType.Token, null,
            [new TokenSearchValue(TrialCodes.ResponseAssessment, TrialCodes.TimepointResponse, SystemGiven: true), new TokenSearchValue(TrialCodes.ResponseAssessment, TrialCodes.PriorLineTtp, SystemGiven: true)]);
        foreach (var version in await SearchAllAsync("Observation", [codes], ct))
        {
            using var json = JsonDocument.Parse(version.Json);
            if (TrialMapper.Assessment(json.RootElement) is var (patient, assessment))
            {
                if (enrolled.Contains(patient))
                {
                    (assessments.TryGetValue(patient, out var list) ? list : assessments[patient] = []).Add(assessment);
                }
            }
            else if (TrialMapper.PriorLineTtp(json.RootElement) is var (p, days) && enrolled.Contains(p))
            {
                priorTtp[p] = days;
            }
        }

        // Administrations have no study search parameter: those of the participants' patients, in one search
        // (subject:Patient._has:ResearchSubject:individual:study=ResearchStudy/[id]); only the study drug is kept.
        foreach (var version in await SearchAllAsync("MedicationAdministration", [OfParticipants("subject", studyId)], ct))
        {
            if (Map(version, json => TrialMapper.Administration(json, version.Id, study.Drug)) is var (p, dose) && enrolled.Contains(p))
            {
                (doses.TryGetValue(p, out var list) ? list : doses[p] = []).Add(dose);
            }
        }

        var aesBySubject = new Dictionary<string, List<AdverseEventRecord>>();
        var subjectByPatient = new Dictionary<string, string>();
        foreach (var s in subjects)
        {
            subjectByPatient.TryAdd(s.PatientId, s.Id);
        }
        foreach (var version in await SearchAllAsync("AdverseEvent", [Reference("study", "ResearchStudy", [studyId])], ct))
        {
            if (Map(version, TrialMapper.AdverseEvent) is var (subjectId, patientId, record)
                && (subjectId ?? (patientId is null ? null : subjectByPatient.GetValueOrDefault(patientId))) is { } owner)
            {
                (aesBySubject.TryGetValue(owner, out var list) ? list : aesBySubject[owner] = []).Add(record);
            }
        }

        var result = subjects
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new TrialSubject(
                s.Id,
                s.PatientId,
                s.Arm,
                s.Start,
                deaths.TryGetValue(s.PatientId, out var death) ? death : null,
                assessments.TryGetValue(s.PatientId, out var a) ? a : [],
                priorTtp.TryGetValue(s.PatientId, out var ttp) ? ttp : null,
                aesBySubject.TryGetValue(s.Id, out var aes) ? aes : [])
            {
                OffStudy = s.End,
                Doses = doses.TryGetValue(s.PatientId, out var d) ? d : [],
            })
            .ToList();
        return new TrialData(study, result);
    }

    /// <summary>The Variant Observations (LOINC 69548-6) of one patient.</summary>
    public async Task<IReadOnlyList<VariantResult>> LoadVariantsAsync(string patientId, CancellationToken ct = default)
    {
        var criteria = new[]
        {
            Reference("subject", "Patient", [patientId]),
            new SearchCriterion("code", SearchParamType.Token, null, [new TokenSearchValue(TrialCodes.Loinc, TrialCodes.VariantCode, SystemGiven: true)]),
        };
        var results = new List<VariantResult>();
        foreach (var version in await SearchAllAsync("Observation", criteria, ct))
        {
            if (Map(version, json => TrialMapper.Variant(json, version.Id)) is { } variant)
            {
                results.Add(variant);
            }
        }
        return results;
    }

    // A reference to a Patient who participates in the study: code:Patient._has:ResearchSubject:individual:study=ResearchStudy/[id].
    private static SearchCriterion OfParticipants(string code, string studyId) =>
        new(code, SearchParamType.Reference, null,
            [new ChainSearchValue(["Patient"], new SearchCriterion("_has", SearchParamType.Special, null,
                [new ReverseChainSearchValue("ResearchSubject", "individual", Reference("study", "ResearchStudy", [studyId]))]))]);

    private static SearchCriterion Reference(string code, string type, IEnumerable<string> ids) =>
        new(code, SearchParamType.Reference, null, [.. ids.Select(id => new ReferenceSearchValue(type, id, null))]);

    private async Task<List<ResourceVersion>> SearchAllAsync(string type, IReadOnlyList<SearchCriterion> criteria, CancellationToken ct)
    {
        var all = new List<ResourceVersion>();
        SearchCursor? after = null;
        do
        {
            var started = Stopwatch.GetTimestamp();
            var page = await store.SearchAsync(new SearchQuery(type, criteria, PageSize, after), ct);
            Spent(started);
            all.AddRange(page.Resources);
            after = page.Next;
        }
        while (after is not null);
        return all;
    }

    private void Spent(long started)
    {
        if (timings is not null)
        {
            timings.Store += Stopwatch.GetElapsedTime(started);
        }
    }

    // The stored JSON passed the strict reader when it was written; JsonDocument reads it again far faster
    // than building an element tree, and the mappers copy out what they keep before the document goes back to the pool.
    private static T Map<T>(ResourceVersion version, Func<JsonElement, T> map)
    {
        using var json = JsonDocument.Parse(version.Json);
        return map(json.RootElement);
    }
}

using System.Diagnostics;
using System.Text.Json;
using Fhir.Search.Queries;
using Fhir.Storage;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Trials.Loading;

/// <summary>
/// Reads a study's data from the store with a handful of set-based searches, each restricted to the patients who
/// take part in the study (<c>_has:ResearchSubject:individual:study</c>, directly or through a chain): their
/// participations in every study, the patients, the response observations by code, the study drug's administrations,
/// and the study's adverse events. Never one query per patient; facts go to the participation they belong to.
/// </summary>
public sealed class TrialLoader(IFhirStore store)
{
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

        // Every participation, in any study, of the patients who take part in this one: facts are placed with them.
        var participations = new Participations();
        var subjects = new List<(Participation Participation, string? Arm)>();
        foreach (var version in await SearchAllAsync("ResearchSubject", [OfParticipants("individual", studyId)], ct))
        {
            // The profile requires the patient and the start; a participant without them cannot be placed on the time axis.
            if (Map(version, json => TrialMapper.Subject(json, version.Id)) is var (participation, arm))
            {
                participations.Add(participation);
                if (participation.StudyId == studyId)
                {
                    subjects.Add((participation, arm));
                }
            }
        }
        var mine = subjects.Select(s => s.Participation.SubjectId).ToHashSet(StringComparer.Ordinal);
        var facts = new Dictionary<string, SubjectFacts>(StringComparer.Ordinal);
        foreach (var id in mine)
        {
            facts[id] = new SubjectFacts();
        }
        // The participation of this study a fact belongs to, or null.
        SubjectFacts? Owner(string patientId, string? focus, DateOnly? date) =>
            participations.Owner(patientId, focus, date).SubjectId is { } owner && facts.TryGetValue(owner, out var f) ? f : null;

        var deaths = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var version in await SearchAllAsync("Patient", [HasParticipation(studyId)], ct))
        {
            if (Map(version, TrialMapper.Death) is { } died)
            {
                deaths[version.Id] = died;
            }
        }

        // The response observations of the participants' patients, by code; each goes to the participation it belongs to.
        var codes = new SearchCriterion("code", SearchParamType.Token, null,
            [new TokenSearchValue(TrialCodes.ResponseAssessment, TrialCodes.TimepointResponse, SystemGiven: true), new TokenSearchValue(TrialCodes.ResponseAssessment, TrialCodes.PriorLineTtp, SystemGiven: true)]);
        foreach (var version in await SearchAllAsync("Observation", [codes, OfParticipants("subject", studyId)], ct))
        {
            using var json = JsonDocument.Parse(version.Json);
            if (TrialMapper.Assessment(json.RootElement) is var (patient, focus, assessment))
            {
                Owner(patient, focus, assessment.Date)?.Assessments.Add(assessment);
            }
            else if (TrialMapper.PriorLineTtp(json.RootElement, version.Id) is var (p, lineFocus, line))
            {
                // A prior line is the patient's history: without focus every participation may use it (each takes the
                // most recent one that ended before its own first dose); with focus only that participation.
                foreach (var participation in participations.Of(p))
                {
                    if ((lineFocus is null || lineFocus == participation.SubjectId) && facts.TryGetValue(participation.SubjectId, out var f))
                    {
                        f.PriorLines.Add(line);
                    }
                }
            }
        }

        // Administrations have no study search parameter: those of the participants' patients, in one search
        // (subject:Patient._has:ResearchSubject:individual:study=ResearchStudy/[id]); only the study drug is kept.
        foreach (var version in await SearchAllAsync("MedicationAdministration", [OfParticipants("subject", studyId)], ct))
        {
            if (Map(version, json => TrialMapper.Administration(json, version.Id, study.Drug)) is var (p, dose))
            {
                Owner(p, null, dose.Start)?.Doses.Add(dose);
            }
        }

        var subjectByPatient = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (participation, _) in subjects)
        {
            subjectByPatient.TryAdd(participation.PatientId, participation.SubjectId);
        }
        foreach (var version in await SearchAllAsync("AdverseEvent", [Reference("study", "ResearchStudy", [studyId])], ct))
        {
            if (Map(version, TrialMapper.AdverseEvent) is var (subjectId, patientId, record)
                && (subjectId ?? (patientId is null ? null : subjectByPatient.GetValueOrDefault(patientId))) is { } owner
                && facts.TryGetValue(owner, out var f))
            {
                f.AdverseEvents.Add(record);
            }
        }

        var result = subjects
            .OrderBy(s => s.Participation.SubjectId, StringComparer.Ordinal)
            .Select(s =>
            {
                var (participation, arm) = s;
                var f = facts[participation.SubjectId];
                return new TrialSubject(
                    participation.SubjectId,
                    participation.PatientId,
                    arm,
                    participation.Start,
                    deaths.TryGetValue(participation.PatientId, out var death) ? death : null,
                    f.Assessments,
                    f.PriorLines,
                    f.AdverseEvents)
                {
                    OffStudy = participation.End,
                    Doses = f.Doses,
                };
            })
            .ToList();
        return new TrialData(study, result);
    }

    // What the searches find for one participation.
    private sealed class SubjectFacts
    {
        public List<ResponseAssessment> Assessments { get; } = [];
        public List<PriorLine> PriorLines { get; } = [];
        public List<DoseRecord> Doses { get; } = [];
        public List<AdverseEventRecord> AdverseEvents { get; } = [];
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
        new(code, SearchParamType.Reference, null, [new ChainSearchValue(["Patient"], HasParticipation(studyId))]);

    // A Patient who participates in the study: _has:ResearchSubject:individual:study=ResearchStudy/[id].
    private static SearchCriterion HasParticipation(string studyId) =>
        new("_has", SearchParamType.Special, null,
            [new ReverseChainSearchValue("ResearchSubject", "individual", Reference("study", "ResearchStudy", [studyId]))]);

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

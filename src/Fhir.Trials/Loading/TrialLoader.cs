using System.Diagnostics;
using System.Text.Json;
using Fhir.Search.Queries;
using Fhir.Storage;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Trials.Loading;

/// <summary>
/// Reads a study's data from the store with set-based searches: the study's ResearchSubjects, then, for their patients in
/// lists of ids (<c>subject:Patient._id=…</c>), their participations in every study, the patients, the response,
/// prior-line, genomic (and lesion) observations by code, the study drug's administrations and the encounters, and the
/// study's adverse events. Never one query per patient; the searches of different types run side by side, and each fact
/// goes to the participation it belongs to (<see cref="Participations"/>).
/// </summary>
public sealed class TrialLoader(IResourceReader store)
{
    private const int PageSize = 2000;

    // Patient ids per search: few round trips, below SQLite's 500 terms of a compound SELECT.
    private const int BatchSize = 400;

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
    public Task<TrialData?> LoadAsync(string studyId, CancellationToken ct = default) => LoadAsync(studyId, new TrialLoadOptions(), null, ct);

    /// <summary>As <see cref="LoadAsync(string, CancellationToken)"/>, reading what <paramref name="options"/> asks for besides.</summary>
    public Task<TrialData?> LoadAsync(string studyId, TrialLoadOptions options, CancellationToken ct = default) => LoadAsync(studyId, options, null, ct);

    /// <summary>As <see cref="LoadAsync(string, TrialLoadOptions, CancellationToken)"/>, adding where the time went to <paramref name="timings"/>.</summary>
    internal async Task<TrialData?> LoadAsync(string studyId, TrialLoadOptions options, TrialLoadTimings? timings, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        this.timings = timings;
        try
        {
            return await LoadCoreAsync(studyId, options, ct);
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

    private async Task<TrialData?> LoadCoreAsync(string studyId, TrialLoadOptions options, CancellationToken ct)
    {
        var study = await LoadStudyAsync(studyId, ct);
        if (study is null)
        {
            return null;
        }

        // The searches are independent: they run side by side, each mapping its pages as they arrive (so that reading
        // the JSON of one type overlaps the store's work on another); the facts are placed once all have answered.
        var codes = new List<SearchValue>
        {
            new TokenSearchValue(TrialCodes.ResponseAssessment, TrialCodes.TimepointResponse, SystemGiven: true),
            new TokenSearchValue(TrialCodes.ResponseAssessment, TrialCodes.PriorLineTtp, SystemGiven: true),
            new TokenSearchValue(TrialCodes.Loinc, TrialCodes.VariantCode, SystemGiven: true),
        };
        if (options.LesionMeasurements)
        {
            codes.Add(new TokenSearchValue(TrialCodes.Loinc, TrialCodes.LesionDiameter, SystemGiven: true));
        }
        // The study's participants first: their patients' ids drive every other search (a chain to Patient by _id in
        // lists of ids, which both stores plan well; a chain through _has:ResearchSubject made PostgreSQL misjudge the
        // sizes and take seconds).
        var own = await ReadAsync("ResearchSubject", [Reference("study", "ResearchStudy", [studyId])],
            (id, json) => TrialMapper.Subject(json, id) is var (p, _) ? ValueTuple.Create(p.PatientId) : (ValueTuple<string>?)null, ct);
        var patientIds = own.Select(p => p.Item1).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var participationsRead = ReadBatchesAsync("ResearchSubject", patientIds, ids => [OfPatients("individual", ids)],
            (id, json) => TrialMapper.Subject(json, id) is var (participation, arm) ? (participation, arm, TrialMapper.LastContact(json)) : ((Participation, string?, DateOnly?)?)null, ct);
        var patientsRead = ReadBatchesAsync("Patient", patientIds, ids => [Ids(ids)],
            (id, json) => TrialMapper.Death(json) is { } died ? (id, died) : ((string, DateOnly)?)null, ct);
        var observationsRead = ReadBatchesAsync("Observation", patientIds, ids => [new SearchCriterion("code", SearchParamType.Token, null, codes), OfPatients("subject", ids)],
            (id, json) => ObservationFact.Of(json, id), ct);
        var administrationsRead = ReadBatchesAsync("MedicationAdministration", patientIds, ids => [OfPatients("subject", ids)],
            (id, json) => TrialMapper.Administration(json, id, study.Drug), ct);
        var adverseEventsRead = ReadAsync("AdverseEvent", [Reference("study", "ResearchStudy", [studyId])],
            (id, json) => TrialMapper.AdverseEvent(json, id), ct);
        var encountersRead = ReadBatchesAsync("Encounter", patientIds, ids => [OfPatients("subject", ids)], (_, json) => TrialMapper.Encounter(json), ct);
        await Task.WhenAll(participationsRead, patientsRead, observationsRead, administrationsRead, adverseEventsRead, encountersRead);

        // Every participation, in any study, of the patients who take part in this one: facts are placed with them.
        var participations = new Participations();
        var subjects = new List<(Participation Participation, string? Arm)>();
        var facts = new Dictionary<string, SubjectFacts>(StringComparer.Ordinal);
        foreach (var (participation, arm, contact) in participationsRead.Result)
        {
            // The profile requires the patient and the start; a participant without them cannot be placed on the time axis.
            participations.Add(participation);
            if (participation.StudyId == studyId)
            {
                subjects.Add((participation, arm));
                var f = facts[participation.SubjectId] = new SubjectFacts();
                f.AddContact(contact);
            }
        }
        var issues = new List<DataIssue>();
        // The participation of this study a fact belongs to, or null (reported when it could have been this study's).
        SubjectFacts? Owner(string patientId, string? focus, DateOnly? date, string reference)
        {
            var (owner, placement) = participations.Owner(patientId, focus, date);
            if (owner is not null)
            {
                return facts.GetValueOrDefault(owner);
            }
            var mine = participations.Of(patientId).FirstOrDefault(p => facts.ContainsKey(p.SubjectId));
            if (mine is not null)
            {
                var why = placement == Placement.Ambiguous
                    ? "several of the patient's participations cover its date"
                    : "none of the patient's participations covers its date";
                issues.Add(new DataIssue(DataIssueKind.UnplacedFact, mine.SubjectId,
                    $"ResearchSubject/{mine.SubjectId}: {reference} has no focus and {why}; it counts for no study.",
                    [$"ResearchSubject/{mine.SubjectId}", reference]) { Date = date });
            }
            return null;
        }

        var deaths = patientsRead.Result.ToDictionary(d => d.Item1, d => d.Item2, StringComparer.Ordinal);
        var variants = new Dictionary<string, List<VariantResult>>(StringComparer.Ordinal);
        foreach (var o in observationsRead.Result)
        {
            var reference = "Observation/" + o.Id;
            switch (o)
            {
                case { Assessment: { } assessment }:
                    Owner(o.PatientId, o.Focus, assessment.Date, reference)?.Assessments.Add(assessment);
                    break;
                case { Lesion: { } lesion }:
                    Owner(o.PatientId, o.Focus, lesion.Date, reference)?.Lesions.Add(lesion);
                    break;
                case { PriorLine: { } line }:
                    // A prior line is the patient's history: without focus every participation may use it (each takes the
                    // most recent one that ended before its own first dose); with focus only that participation.
                    foreach (var participation in participations.Of(o.PatientId))
                    {
                        if ((o.Focus is null || o.Focus == participation.SubjectId) && facts.TryGetValue(participation.SubjectId, out var f))
                        {
                            f.PriorLines.Add(line);
                        }
                    }
                    break;
                case { Variant: { } variant }:
                    (variants.TryGetValue(o.PatientId, out var list) ? list : variants[o.PatientId] = []).Add(variant);
                    break;
            }
        }

        // Administrations have no study search parameter: those of the participants' patients; only the study drug is kept.
        foreach (var (patient, dose) in administrationsRead.Result)
        {
            Owner(patient, null, dose.Start, "MedicationAdministration/" + dose.Id)?.Doses.Add(dose);
        }

        // Encounters show the patient alive, whichever study they belong to.
        foreach (var (patient, start, end) in encountersRead.Result)
        {
            foreach (var participation in participations.Of(patient))
            {
                if (facts.TryGetValue(participation.SubjectId, out var f))
                {
                    f.AddContact(start);
                    f.AddContact(end);
                }
            }
        }

        var subjectByPatient = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (participation, _) in subjects)
        {
            subjectByPatient.TryAdd(participation.PatientId, participation.SubjectId);
        }
        foreach (var (subjectId, patientId, record) in adverseEventsRead.Result)
        {
            if ((subjectId ?? (patientId is null ? null : subjectByPatient.GetValueOrDefault(patientId))) is { } owner && facts.TryGetValue(owner, out var f))
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
                return new TrialSubject(participation.SubjectId, participation.PatientId, arm, participation.Start)
                {
                    OffStudy = participation.End,
                    Death = deaths.TryGetValue(participation.PatientId, out var death) ? death : null,
                    Doses = f.Doses,
                    Assessments = f.Assessments,
                    PriorLines = f.PriorLines,
                    AdverseEvents = f.AdverseEvents,
                    Lesions = f.Lesions,
                    ContactDates = f.ContactDates,
                    Variants = variants.TryGetValue(participation.PatientId, out var v) ? v : [],
                };
            })
            .ToList();
        return new TrialData(study, result) { Issues = issues };
    }

    // What the searches find for one participation.
    private sealed class SubjectFacts
    {
        public List<ResponseAssessment> Assessments { get; } = [];
        public List<PriorLine> PriorLines { get; } = [];
        public List<DoseRecord> Doses { get; } = [];
        public List<AdverseEventRecord> AdverseEvents { get; } = [];
        public List<LesionMeasurement> Lesions { get; } = [];
        public List<DateOnly> ContactDates { get; } = [];

        public void AddContact(DateOnly? date)
        {
            if (date is { } d)
            {
                ContactDates.Add(d);
            }
        }
    }

    /// <summary>The Variant Observations (LOINC 69548-6) of one patient.</summary>
    public async Task<IReadOnlyList<VariantResult>> LoadVariantsAsync(string patientId, CancellationToken ct = default)
    {
        var criteria = new[]
        {
            Reference("subject", "Patient", [patientId]),
            new SearchCriterion("code", SearchParamType.Token, null, [new TokenSearchValue(TrialCodes.Loinc, TrialCodes.VariantCode, SystemGiven: true)]),
        };
        var results = await ReadAsync("Observation", criteria, (id, json) => TrialMapper.Variant(json, id) is { } v ? ValueTuple.Create(v) : (ValueTuple<VariantResult>?)null, ct);
        return [.. results.Select(r => r.Item1)];
    }

    // A reference to one of the patients: code:Patient._id=id1,id2...
    private static SearchCriterion OfPatients(string code, IReadOnlyList<string> patientIds) =>
        new(code, SearchParamType.Reference, null, [new ChainSearchValue(["Patient"], Ids(patientIds))]);

    // _id=id1,id2...
    private static SearchCriterion Ids(IReadOnlyList<string> ids) =>
        new("_id", SearchParamType.Special, null, [.. ids.Select(id => new TokenSearchValue(null, id, SystemGiven: false))]);

    private static SearchCriterion Reference(string code, string type, IEnumerable<string> ids) =>
        new(code, SearchParamType.Reference, null, [.. ids.Select(id => new ReferenceSearchValue(type, id, null))]);

    // A search per list of patient ids (one after another), its results concatenated.
    private async Task<List<T>> ReadBatchesAsync<T>(string type, IReadOnlyList<string> patientIds, Func<IReadOnlyList<string>, IReadOnlyList<SearchCriterion>> criteria,
        Func<string, JsonElement, T?> map, CancellationToken ct)
        where T : struct
    {
        var all = new List<T>();
        foreach (var batch in patientIds.Chunk(BatchSize))
        {
            all.AddRange(await ReadAsync(type, criteria(batch), map, ct));
        }
        return all;
    }

    // Every page of a search, each resource mapped (null: dropped) as soon as its page arrives.
    private async Task<List<T>> ReadAsync<T>(string type, IReadOnlyList<SearchCriterion> criteria, Func<string, JsonElement, T?> map, CancellationToken ct)
        where T : struct
    {
        var all = new List<T>();
        SearchCursor? after = null;
        var spent = TimeSpan.Zero;
        var rows = 0;
        do
        {
            var started = Stopwatch.GetTimestamp();
            var page = await store.SearchAsync(new SearchQuery(type, criteria, PageSize, after), ct);
            spent += Stopwatch.GetElapsedTime(started);
            foreach (var version in page.Resources)
            {
                using var json = JsonDocument.Parse(version.Json);
                if (map(version.Id, json.RootElement) is { } mapped)
                {
                    all.Add(mapped);
                }
            }
            rows += page.Resources.Count;
            after = page.Next;
        }
        while (after is not null);
        if (timings is { } t)
        {
            // The searches run side by side: their times add up to more than the wall time they took.
            lock (t)
            {
                t.Store += spent;
                t.Searches.Add((type, rows, spent));
            }
        }
        return all;
    }

    private void Spent(long started)
    {
        if (timings is { } t)
        {
            // The searches run side by side: their times add up to more than the wall time they took.
            lock (t)
            {
                t.Store += Stopwatch.GetElapsedTime(started);
            }
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

namespace Fhir.Trials.Loading;

/// <summary>One ResearchSubject: a patient's participation in a study.</summary>
/// <param name="SubjectId">The ResearchSubject's logical id.</param>
/// <param name="PatientId">The Patient's logical id.</param>
/// <param name="StudyId">The ResearchStudy's logical id, or null when it is not a local reference.</param>
/// <param name="Start">The start of participation (<c>period.start</c>).</param>
/// <param name="End">The end of participation (<c>period.end</c>), or null while it runs.</param>
internal sealed record Participation(string SubjectId, string PatientId, string? StudyId, DateOnly Start, DateOnly? End)
{
    /// <summary>Whether <paramref name="date"/> lies in the participation's period (both ends inclusive; open while it runs).</summary>
    public bool Covers(DateOnly date) => date >= Start && !(date > End);
}

/// <summary>How a fact was placed with a participation, or why it was not.</summary>
internal enum Placement
{
    /// <summary>Its <c>focus</c> names the ResearchSubject.</summary>
    Focus,
    /// <summary>No focus, and the patient takes part in exactly one study.</summary>
    OnlyParticipation,
    /// <summary>No focus; the patient is in several studies and exactly one participation's period contains its date.</summary>
    Period,
    /// <summary>No focus; several participations' periods contain its date: it belongs to none.</summary>
    Ambiguous,
    /// <summary>No focus; no participation's period contains its date (or it has none): it belongs to none.</summary>
    Outside,
}

/// <summary>
/// Every participation (in any study) of a study's patients, and the rule that gives a fact to one of them: an
/// assessment belongs to a study through its <c>focus</c> (the ResearchSubject); without focus, only when the patient
/// is in exactly one study, or, in several, when exactly one participation's period contains its date.
/// </summary>
internal sealed class Participations
{
    private readonly Dictionary<string, List<Participation>> _byPatient = new(StringComparer.Ordinal);

    /// <summary>Adds a participation.</summary>
    public void Add(Participation participation)
    {
        if (!_byPatient.TryGetValue(participation.PatientId, out var list))
        {
            _byPatient[participation.PatientId] = list = [];
        }
        list.Add(participation);
    }

    /// <summary>The patient's participations (empty when none is known).</summary>
    public IReadOnlyList<Participation> Of(string patientId) => _byPatient.TryGetValue(patientId, out var list) ? list : [];

    /// <summary>The ResearchSubject a fact of <paramref name="patientId"/> belongs to, and how it was decided.</summary>
    /// <param name="patientId">The fact's patient.</param>
    /// <param name="focusSubjectId">The ResearchSubject its <c>focus</c> names, or null.</param>
    /// <param name="date">The fact's date, or null when it has none.</param>
    public (string? SubjectId, Placement Placement) Owner(string patientId, string? focusSubjectId, DateOnly? date)
    {
        if (focusSubjectId is not null)
        {
            return (focusSubjectId, Placement.Focus);
        }
        var mine = Of(patientId);
        if (mine.Count == 1)
        {
            return (mine[0].SubjectId, Placement.OnlyParticipation);
        }
        string? owner = null;
        foreach (var participation in mine)
        {
            if (date is { } d && participation.Covers(d))
            {
                if (owner is not null)
                {
                    return (null, Placement.Ambiguous);
                }
                owner = participation.SubjectId;
            }
        }
        return owner is null ? (null, Placement.Outside) : (owner, Placement.Period);
    }
}

using Fhir.Trials.Model;

namespace Fhir.Trials.Endpoints;

/// <summary>The endpoints of a study at a cut-off, with what they were computed from.</summary>
/// <param name="Arms">The whole study (<c>all</c>) first, then each arm in the study's order (only the one asked for, when given).</param>
/// <param name="Outcomes">One outcome per participant enrolled by the cut-off (of the arm asked for), ordered by ResearchSubject id.</param>
/// <param name="Issues">The data-quality findings about those participants and the study.</param>
/// <param name="Cutoff">The cut-off applied (null: all data).</param>
/// <param name="Population">The population of the efficacy endpoints.</param>
public sealed record StudyEndpoints(
    IReadOnlyList<ArmEndpoints> Arms,
    IReadOnlyList<SubjectOutcome> Outcomes,
    IReadOnlyList<DataIssue> Issues,
    DateOnly? Cutoff,
    AnalysisPopulation Population);

namespace Fhir.Trials.Generation;

/// <summary>One simulated patient, from screening to the data cut-off: what the bundle builder turns into resources.</summary>
internal sealed class PatientCourse
{
    public required int Number { get; init; }
    public required string Key { get; init; }
    public required string Gender { get; init; }
    public required DateOnly BirthDate { get; init; }
    public required int Basket { get; init; }
    public required DateOnly ScreeningDate { get; init; }
    public List<Mdm2Result> Mdm2 { get; } = [];
    public List<(DateOnly Date, string Code, string Display)> Tp53 { get; } = [];
    public bool Enrolled { get; set; }
    public DateOnly FirstDose { get; set; }
    public List<(DateOnly Date, string Response)> Assessments { get; } = [];
    public DateOnly? Progression { get; set; }
    public DateOnly? OffStudy { get; set; }
    public DateOnly? Death { get; set; }
    public (decimal Value, string Unit) PriorLineTtp { get; set; }

    /// <summary>When the prior line (the one before any registry treatment) ended.</summary>
    public DateOnly PriorLineEnded { get; set; }

    public List<AdverseEventCourse> AdverseEvents { get; } = [];

    /// <summary>Enrolled but withdrew before the first dose: no administration, assessment or adverse event.</summary>
    public bool NeverDosed { get; set; }

    /// <summary>The study drug's cycles: start and end (null while the cycle runs at the cut-off).</summary>
    public List<(DateOnly Start, DateOnly? End)> Cycles { get; } = [];

    /// <summary>A completed course of another drug before screening (a prior line), or null.</summary>
    public (DateOnly Date, string Code, string Display)? PriorChemotherapy { get; set; }

    /// <summary>A dose of the study drug recorded by mistake and marked entered-in-error, or null.</summary>
    public DateOnly? DoseInError { get; set; }

    /// <summary>The target lesions' diameters at baseline (mm); one scan per non-NE assessment follows them.</summary>
    public List<int> LesionBaseline { get; } = [];

    /// <summary>Per assessment (same index), the target lesions' diameters, or null when the scan was not evaluable.</summary>
    public List<int[]?> LesionScans { get; } = [];

    /// <summary>Survival follow-up visits after the end of treatment.</summary>
    public List<DateOnly> FollowUps { get; } = [];

    /// <summary>The last contact the site declares on the participation, or null.</summary>
    public DateOnly? LastContact { get; set; }

    /// <summary>The central laboratory's confirming MDM2 copy number and TP53 answer, or null when not sent.</summary>
    public (DateOnly Date, decimal CopyNumber, string Tp53Code, string Tp53Display)? Central { get; set; }

    /// <summary>An earlier participation in the registry-based study (same drug), or null.</summary>
    public RegistryCourse? Registry { get; set; }

    /// <summary>The index of the first CR/PR assessment and of its confirmation (CR/PR again >= 28 days later), if any.</summary>
    public (int First, int? Confirming)? Response() => ResponseOf(Assessments);

    /// <summary>The best time-point response (CR > PR > SD > PD > NE), unconfirmed ones included; NE without assessments.</summary>
    public string BestResponse()
    {
        string[] order = ["CR", "PR", "SD", "PD", "NE"];
        return Assessments.Count == 0 ? "NE" : order.First(r => Assessments.Any(a => a.Response == r));
    }

    internal static (int First, int? Confirming)? ResponseOf(List<(DateOnly Date, string Response)> assessments)
    {
        var first = assessments.FindIndex(a => a.Response is "CR" or "PR");
        if (first < 0)
        {
            return null;
        }
        // SD or NE in between do not break a confirmation; the list ends at the first PD.
        for (var j = first + 1; j < assessments.Count; j++)
        {
            if (assessments[j].Response is "CR" or "PR" && assessments[j].Date.DayNumber - assessments[first].Date.DayNumber >= 28)
            {
                return (first, j);
            }
        }
        return (first, null);
    }
}

/// <summary>One MDM2 test result: a copy number, or a range when the lab reported one.</summary>
internal sealed record Mdm2Result(DateOnly Date, decimal? CopyNumber, decimal RangeLow = 0, decimal RangeHigh = 0);

/// <summary>One adverse event: the term (index into <see cref="TrialCodes.AeTerms"/>), grade 1 to 5, onset, and what followed.</summary>
internal sealed record AdverseEventCourse(int Term, int Grade, DateOnly Onset, bool Serious, string Outcome, string Action);

/// <summary>A participation in the registry-based study before the main one: treated with the same drug until progression.</summary>
internal sealed class RegistryCourse
{
    public required DateOnly Start { get; init; }
    public required DateOnly FirstDose { get; init; }
    public required DateOnly Progression { get; init; }
    public required DateOnly End { get; init; }
    public List<(DateOnly Start, DateOnly End)> Cycles { get; } = [];
    public List<(DateOnly Date, string Response)> Assessments { get; } = [];
    public AdverseEventCourse? AdverseEvent { get; set; }

    /// <summary>The registry line's time to progression in days: the main study's most recent prior line.</summary>
    public int TimeToProgression => Progression.DayNumber - FirstDose.DayNumber;
}

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
    public List<AdverseEventCourse> AdverseEvents { get; } = [];

    /// <summary>The index of the first CR/PR assessment and of its confirmation (CR/PR again >= 28 days later), if any.</summary>
    public (int First, int? Confirming)? Response()
    {
        var first = Assessments.FindIndex(a => a.Response is "CR" or "PR");
        if (first < 0)
        {
            return null;
        }
        for (var j = first + 1; j < Assessments.Count; j++)
        {
            if (Assessments[j].Response is "CR" or "PR" && Assessments[j].Date.DayNumber - Assessments[first].Date.DayNumber >= 28)
            {
                return (first, j);
            }
        }
        return (first, null);
    }

    /// <summary>The best time-point response (CR > PR > SD > PD > NE), unconfirmed ones included; NE without assessments.</summary>
    public string BestResponse()
    {
        string[] order = ["CR", "PR", "SD", "PD", "NE"];
        return Assessments.Count == 0 ? "NE" : order.First(r => Assessments.Any(a => a.Response == r));
    }
}

/// <summary>One MDM2 test result: a copy number, or a range when the lab reported one.</summary>
internal sealed record Mdm2Result(DateOnly Date, decimal? CopyNumber, decimal RangeLow = 0, decimal RangeHigh = 0);

/// <summary>One adverse event: the term (index into <see cref="TrialCodes.AeTerms"/>), grade 1 to 5, onset, and what followed.</summary>
internal sealed record AdverseEventCourse(int Term, int Grade, DateOnly Onset, bool Serious, string Outcome, string Action);

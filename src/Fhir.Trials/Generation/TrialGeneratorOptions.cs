namespace Fhir.Trials.Generation;

/// <summary>What <see cref="TrialGenerator"/> generates.</summary>
public sealed class TrialGeneratorOptions
{
    /// <summary>Patients screened (enrolled or not). Default 40.</summary>
    public int Patients { get; init; } = 40;

    /// <summary>The seed: the same seed (and options) gives byte-identical bundles. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The first screening date. Default 2022-01-10.</summary>
    public DateOnly StudyStart { get; init; } = new(2022, 1, 10);

    /// <summary>The problems with these options, empty when usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Patients is < 1 or > 100_000)
        {
            problems.Add($"The number of patients must be between 1 and 100000, not {Patients}.");
        }
        return problems;
    }
}

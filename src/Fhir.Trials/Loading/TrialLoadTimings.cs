namespace Fhir.Trials.Loading;

/// <summary>Where <see cref="TrialLoader"/> spent its time: in the store's reads, and in everything else (mapping).</summary>
internal sealed class TrialLoadTimings
{
    /// <summary>Time inside the store's calls (queries and reading their rows).</summary>
    public TimeSpan Store { get; set; }

    /// <summary>The whole load.</summary>
    public TimeSpan Total { get; set; }

    /// <summary>Time outside the store: reading the stored JSON into the trial model.</summary>
    public TimeSpan Mapping => Total - Store;
}

namespace Fhir.Trials.Loading;

/// <summary>Where <see cref="TrialLoader"/> spent its time: in the store's reads, and in everything else (mapping).</summary>
internal sealed class TrialLoadTimings
{
    /// <summary>Time inside the store's calls (queries and reading their rows); the searches run side by side, so this may exceed the wall time.</summary>
    public TimeSpan Store { get; set; }

    /// <summary>The whole load.</summary>
    public TimeSpan Total { get; set; }

    /// <summary>The whole load minus the store's calls: mapping the JSON and placing the facts (meaningful when the searches run one at a time).</summary>
    public TimeSpan Mapping => Total - Store;

    /// <summary>Each search: the type read, the rows it returned and the time the store took for its pages.</summary>
    public List<(string Type, int Rows, TimeSpan Time)> Searches { get; } = [];
}

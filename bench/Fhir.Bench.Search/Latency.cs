namespace Fhir.Bench.Search;

/// <summary>One query's measured runs: latencies and what each run matched.</summary>
internal sealed class Latency(string name, string example)
{
    private readonly List<double> _ms = [];
    private readonly List<long> _matches = [];

    public string Name { get; } = name;
    public string Example { get; } = example;
    public int Errors { get; set; }

    public void Add(double ms, long matches)
    {
        _ms.Add(ms);
        _matches.Add(matches);
    }

    public int Runs => _ms.Count;

    public double Percentile(double p)
    {
        if (_ms.Count == 0) return double.NaN;
        var sorted = _ms.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    public double Max => _ms.Count == 0 ? double.NaN : _ms.Max();

    /// <summary>The median of what the runs matched (Bundle.total, or the entries of the first page without one).</summary>
    public long MedianMatches => _matches.Count == 0 ? 0 : _matches.Order().ElementAt(_matches.Count / 2);
}

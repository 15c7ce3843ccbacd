using Fhir.Trials.Model;

namespace Fhir.Trials.Endpoints;

/// <summary>The sum of target-lesion diameters per scan and its best change from baseline (the waterfall plot's bar).</summary>
internal static class TumourBurden
{
    /// <summary>
    /// The lowest percentage change of the sum of diameters from baseline (the latest scan on or before the first dose)
    /// over the scans after the first dose up to <paramref name="until"/> (the progression, else the cut-off; null: all);
    /// null without a baseline with a positive sum or without a later scan.
    /// </summary>
    public static double? BestPercentChange(IReadOnlyList<LesionMeasurement> lesions, DateOnly firstDose, DateOnly? until)
    {
        if (lesions.Count == 0)
        {
            return null;
        }
        var sums = new SortedDictionary<DateOnly, double>();
        foreach (var lesion in lesions)
        {
            sums[lesion.Date] = sums.GetValueOrDefault(lesion.Date) + lesion.Millimetres;
        }
        double? baseline = null, best = null;
        foreach (var (date, sum) in sums)
        {
            if (date <= firstDose)
            {
                baseline = sum;
            }
            else if (!(date > until) && baseline is { } b && b > 0)
            {
                var change = (sum - b) / b * 100;
                best = best is null || change < best ? change : best;
            }
        }
        return best;
    }
}

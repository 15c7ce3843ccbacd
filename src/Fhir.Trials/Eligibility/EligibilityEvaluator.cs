using System.Globalization;
using Fhir.Trials.Model;

namespace Fhir.Trials.Eligibility;

/// <summary>
/// Decides the biomarker criteria (MDM2 copy number ≥ threshold, TP53 wild type) from a patient's
/// Variant results. Withdrawn results are ignored; when several usable results exist the most recent
/// decides and any that would decide otherwise are reported as a conflict.
/// </summary>
public static class EligibilityEvaluator
{
    /// <summary>Key of the MDM2 criterion.</summary>
    public const string Mdm2Criterion = "mdm2-copy-number";

    /// <summary>Key of the TP53 criterion.</summary>
    public const string Tp53Criterion = "tp53-wild-type";

    /// <summary>Evaluates both criteria on <paramref name="results"/> (the patient's Variant Observations).</summary>
    public static EligibilityResult Evaluate(EligibilityThresholds thresholds, IReadOnlyList<VariantResult> results)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(results);
        CriterionResult[] criteria = [Mdm2(thresholds.Mdm2CopyNumberMin, results), Tp53(thresholds.Tp53RequiredCode, results)];
        return new EligibilityResult(criteria.All(c => c.Met == true), criteria);
    }

    private static CriterionResult Mdm2(decimal minimum, IReadOnlyList<VariantResult> results)
    {
        var threshold = minimum.ToString(CultureInfo.InvariantCulture);
        var all = Newest(results.Where(r => r.IsValid && r.Gene == TrialCodes.Mdm2));
        if (all.Count == 0)
        {
            return new CriterionResult(Mdm2Criterion, null, "No MDM2 copy-number result.", []);
        }
        var usable = all.Where(r => r.CopyNumber is not null).ToList();
        var ranges = all.Where(r => r.CopyNumber is null && r.CopyNumberIsRange).ToList();
        if (usable.Count == 0)
        {
            return ranges.Count > 0
                ? new CriterionResult(Mdm2Criterion, null,
                    $"The MDM2 copy number is reported only as a range ({Names(ranges)}), which cannot be compared with the threshold {threshold}.",
                    [.. ranges.Select(r => r.Reference)])
                : new CriterionResult(Mdm2Criterion, null, $"The MDM2 result has no copy number ({Names(all)}).", [.. all.Select(r => r.Reference)]);
        }
        var decisive = usable[0];
        var met = decisive.CopyNumber >= minimum;
        var reason = $"MDM2 copy number {Number(decisive.CopyNumber!.Value)} {(met ? ">=" : "<")} {threshold} ({Describe(decisive)}).";
        var conflicting = usable.Skip(1).Where(r => r.CopyNumber >= minimum != met).ToList();
        if (conflicting.Count > 0)
        {
            reason += $" Conflicting results: {string.Join(", ", conflicting.Select(r => $"{Number(r.CopyNumber!.Value)} ({Describe(r)})"))}; the most recent result decides.";
        }
        if (ranges.Count > 0)
        {
            reason += $" Ignored as ranges: {Names(ranges)}.";
        }
        return new CriterionResult(Mdm2Criterion, met, reason, [.. usable.Select(r => r.Reference)]) { Conflicts = [.. conflicting.Select(r => r.Reference)] };
    }

    private static CriterionResult Tp53(string required, IReadOnlyList<VariantResult> results)
    {
        var all = Newest(results.Where(r => r.IsValid && r.Gene == TrialCodes.Tp53));
        if (all.Count == 0)
        {
            return new CriterionResult(Tp53Criterion, null, "No TP53 result.", []);
        }
        // Only a call (Present or Absent) is a result; a no-call or indeterminate answer decides nothing by itself.
        var calls = all.Where(r => r.ValueCode is TrialCodes.Present or TrialCodes.Absent).ToList();
        if (calls.Count == 0)
        {
            return new CriterionResult(Tp53Criterion, false,
                $"TP53 has no call ({string.Join(", ", all.Select(r => $"{r.ValueCode ?? "no value"} ({Describe(r)})"))}): not eligible.",
                [.. all.Select(r => r.Reference)]);
        }
        var decisive = calls[0];
        var met = decisive.ValueCode == required;
        var reason = $"TP53 {Answer(decisive.ValueCode)} ({Describe(decisive)}).";
        var conflicting = calls.Skip(1).Where(r => r.ValueCode != decisive.ValueCode).ToList();
        if (conflicting.Count > 0)
        {
            reason += $" Conflicting results: {string.Join(", ", conflicting.Select(r => $"{Answer(r.ValueCode)} ({Describe(r)})"))}; the most recent result decides.";
        }
        return new CriterionResult(Tp53Criterion, met, reason, [.. calls.Select(r => r.Reference)]) { Conflicts = [.. conflicting.Select(r => r.Reference)] };
    }

    // Most recent first; undated results last; the id orders ties so that every store gives the same answer.
    private static List<VariantResult> Newest(IEnumerable<VariantResult> results) =>
        [.. results.OrderByDescending(r => r.EffectiveUtc ?? DateTime.MinValue).ThenBy(r => r.ObservationId, StringComparer.Ordinal)];

    private static string Answer(string? code) => code switch
    {
        TrialCodes.Absent => "absent (wild type)",
        TrialCodes.Present => "present (mutated)",
        _ => code ?? "no value",
    };

    private static string Describe(VariantResult r) => r.Effective is null ? r.Reference : $"{r.Reference}, {r.Effective}";

    private static string Names(IEnumerable<VariantResult> results) => string.Join(", ", results.Select(Describe));

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}

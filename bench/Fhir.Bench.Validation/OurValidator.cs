using System.Diagnostics;
using Fhir.Core.Outcomes;
using Fhir.Validation;
using Fhir.Validation.Conformance;

namespace Fhir.Bench.Validation;

/// <summary>Times this project's <see cref="ResourceValidator"/> on a set, exactly as medplum-bench.js times Medplum's.</summary>
internal static class OurValidator
{
    private static readonly ResourceValidator Validator = new(CoreConformanceSource.R4);

    public static SetTimings Run(InputSet set)
    {
        var rejected = new List<Rejection>();
        for (var i = 0; i < set.Items.Count; i++)
        {
            // The warm-up pass: plans compiled, expansions built; its verdict is the one reported.
            var result = Validator.Validate(set.Items[i].Node);
            if (result.HasErrors)
            {
                var issue = result.Issues.First(x => x.IsError);
                rejected.Add(new Rejection(i, $"{issue.Message} @ {issue.Expression}"));
            }
        }
        var times = new double[set.Rounds][];
        for (var round = 0; round < set.Rounds; round++)
        {
            var row = new double[set.Items.Count];
            for (var i = 0; i < set.Items.Count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                Validator.Validate(set.Items[i].Node);
                row[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            times[round] = row;
        }
        return new SetTimings(set.Name, rejected, times);
    }
}
